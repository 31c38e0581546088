"""Search statistics gathered in the process and written every few seconds (hotline/faq/stats.py)."""

import os

import pytest
from sqlalchemy import func, select

from hotline import throttle
from hotline.extensions import db
from hotline.faq import search as faq_search
from hotline.faq import stats
from hotline.models import RateEvent, SearchStat

from .test_faq_pages import loaded_faq  # noqa: F401  (fixture)


@pytest.fixture
def batched(app):
    """Statistics kept for a minute before they are written; nothing left over from another test."""
    stats.flush(0)
    db.session.rollback()
    app.config["SEARCH_STATS_SECONDS"] = 60
    yield app
    stats.flush(0)
    db.session.rollback()


def _rows() -> dict:
    db.session.rollback()
    return {s.query: (s.searches, s.zero_hits, s.opens) for s in db.session.scalars(select(SearchStat))}


def _age(seconds: float) -> None:
    """Make the last write look `seconds` old."""
    stats._written -= seconds


def test_searches_wait_in_the_process_and_the_first_page_after_the_interval_writes_them(
        client, loaded_faq, batched):  # noqa: F811
    for query in ("カード 再発行", "カード 再発行", "ぴよぴよ星人"):
        assert client.get("/faq/search", query_string={"q": query}).status_code == 200
    assert client.get("/faq/card-replace", query_string={"q": "カード 再発行"}).status_code == 200
    assert _rows() == {} and stats.waiting() == 4
    _age(61)
    client.get("/faq/")
    assert stats.waiting() == 0
    rows = _rows()
    assert rows[faq_search.query_key("カード 再発行")] == (2, 0, 1)
    assert rows[faq_search.query_key("ぴよぴよ星人")] == (1, 1, 0)
    assert sum(v[0] for v in rows.values()) == 3
    assert db.session.scalar(select(func.count()).select_from(RateEvent)) == 4


def test_in_a_quiet_moment_a_search_is_written_at_once(client, loaded_faq, batched):  # noqa: F811
    _age(61)
    client.get("/faq/search", query_string={"q": "退会"})
    assert stats.waiting() == 0 and sum(v[0] for v in _rows().values()) == 1
    client.get("/faq/search", query_string={"q": "退会したい"})
    assert stats.waiting() == 1


def test_queries_that_look_personal_or_unusable_are_never_noted(client, loaded_faq, batched):  # noqa: F811
    for query in ("taro@example.jp", "090-1234-5678 の件", "！！！", ""):
        client.get("/faq/search", query_string={"q": query})
    assert stats.waiting() == 0


def test_the_ceiling_per_address_counts_what_other_workers_already_wrote(app, batched):
    app.config["SEARCH_STATS_PER_HOUR"] = 5
    for _ in range(3):  # another worker or node counted three of this address's searches
        throttle.record(stats.BUCKET, "192.0.2.7")
    db.session.commit()
    for number in range(4):
        stats.note(f"問い合わせ{number}", "192.0.2.7", hits=2)
    stats.note("ほかの方", "198.51.100.1", hits=0)
    assert stats.flush(5) == 3
    db.session.commit()
    rows = _rows()
    assert set(rows) == {"問い合わせ0", "問い合わせ1", "ほかの方"}
    assert rows["ほかの方"] == (1, 1, 0)
    assert throttle.count(stats.BUCKET, "192.0.2.7", 3600) == 7  # every attempt is an event, up to the ceiling


def test_a_flood_adds_at_most_the_ceiling_of_rate_events_per_write(app, batched):
    for number in range(50):
        stats.note(f"あふれ{number}", "192.0.2.9", hits=1)
    assert stats.flush(10) == 10
    db.session.commit()
    assert throttle.count(stats.BUCKET, "192.0.2.9", 3600) == 10
    assert len(_rows()) == 10


def test_too_many_waiting_are_written_whatever_their_age(batched):
    for number in range(stats.MAX_PENDING - 1):
        stats.note(f"語{number}", "192.0.2.1", hits=1)
    assert not stats.due(60)
    stats.note("最後", "192.0.2.1", hits=1)
    assert stats.due(60) and stats.waiting() == stats.MAX_PENDING


def test_a_forked_worker_does_not_write_what_its_parent_noted(batched):
    stats.note("親の分", "192.0.2.1", hits=1)
    stats._pending.pid = os.getpid() + 1  # as a child sees the parent's memory after fork
    assert stats.waiting() == 0 and not stats.due(0)
    assert stats.flush(100) == 0
    stats.note("子の分", "192.0.2.1", hits=1)
    assert stats.waiting() == 1


def test_a_write_the_database_refuses_still_sends_the_page(client, loaded_faq, batched, monkeypatch):  # noqa: F811
    from sqlalchemy.exc import OperationalError

    def refuse(per_hour):
        raise OperationalError("UPDATE search_stat", {}, Exception("database is locked"))

    client.get("/faq/search", query_string={"q": "退会"})
    monkeypatch.setattr(stats, "flush", refuse)
    _age(61)
    response = client.get("/faq/search", query_string={"q": "退会したい"})
    assert response.status_code == 200 and "退会" in response.get_data(as_text=True)
