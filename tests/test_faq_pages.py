"""Public FAQ pages: list, search, entry, votes, suggestions."""

import secrets

import pytest
from sqlalchemy import select

from hotline import faq
from hotline.config import PROJECT_ROOT
from hotline.extensions import db
from hotline.faq import search as faq_search
from hotline.models import FaqEntry, FaqVote, SearchStat

from .factories import approved_faq, publish_faq
from .pages import assert_valid_html, body


@pytest.fixture
def loaded_faq(app):
    """The shipped FAQ imported and indexed."""
    changed = publish_faq(faq.read_faq_dir(PROJECT_ROOT / "faq"))
    faq_search.rebuild()
    return changed


def test_faq_list_shows_categories_most_asked_first(client, loaded_faq):
    response = client.get("/faq/")
    text = body(response)
    assert response.status_code == 200
    assert text.index("対象となるお客様") < text.index("お詫び・補償")
    assert "<details" in text and "faq-q" in text
    assert_valid_html(text)


def test_search_highlights_matches_and_keeps_the_query(client, loaded_faq):
    response = client.get("/faq/search", query_string={"q": "クレカ 再発行"})
    text = body(response)
    assert response.status_code == 200
    assert "<mark>" in text
    assert 'value="クレカ 再発行"' in text
    assert "/faq/card-replace" in text.split("</ol>")[0]
    assert_valid_html(text)


def test_no_results_page_offers_a_way_to_ask(client, loaded_faq):
    text = body(client.get("/faq/search", query_string={"q": "ぴよぴよ星人"}))
    assert "見つかりませんでした" in text and "ぴよぴよ星人" in text


@pytest.mark.parametrize("query, message", [
    ("", "入力してください"),
    ("   ", "入力してください"),
    ("あ" * 201, "200文字以内"),
    ("!!!???***", "記号だけ"),
])
def test_unusable_queries_get_a_clear_message(client, loaded_faq, query, message):
    response = client.get("/faq/search", query_string={"q": query})
    assert response.status_code == 200
    assert message in body(response)


@pytest.mark.parametrize("query", ['AND(', '*', '"', 'question:x', "NOT", "' OR 1=1--", '" * NEAR % _',
                                   "<script>alert(1)</script>", "\x00\x01", "(((("])
def test_hostile_queries_are_plain_text_and_escaped(client, loaded_faq, query):
    response = client.get("/faq/search", query_string={"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in body(response)


def test_entry_page_has_related_entries_and_vote_form(client, loaded_faq):
    text = body(client.get("/faq/card-replace"))
    assert "関連するご質問" in text and "この回答は役に立ちましたか" in text
    assert_valid_html(text)
    assert client.get("/faq/no-such-entry").status_code == 404


def test_vote_counts_once_per_browser(client, loaded_faq):
    first = client.post("/faq/card-replace/vote", data={"helpful": "yes"})
    assert first.status_code == 302
    client.post("/faq/card-replace/vote", data={"helpful": "yes"})
    other = client.application.test_client()
    other.post("/faq/card-replace/vote", data={"helpful": "no"})
    entry = db.session.scalar(select(FaqEntry).filter_by(key="card-replace"))
    assert (entry.helpful_yes, entry.helpful_no) == (1, 1)
    assert db.session.scalar(select(db.func.count(FaqVote.id))) == 2


def test_vote_with_bad_value_changes_nothing(client, loaded_faq):
    assert client.post("/faq/card-replace/vote", data={"helpful": "maybe"}).status_code == 400
    assert db.session.scalar(select(db.func.count(FaqVote.id))) == 0


def test_vote_from_another_site_is_refused_and_the_page_carries_no_token(app, loaded_faq):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    page = client.get("/faq/card-replace")
    assert "csrf_token" not in body(page) and "Set-Cookie" not in page.headers  # the same page for everyone
    for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "null"}):
        assert client.post("/faq/card-replace/vote", data={"helpful": "yes"}, headers=headers).status_code == 400
    assert db.session.scalar(select(db.func.count(FaqVote.id))) == 0
    ours = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    assert client.post("/faq/card-replace/vote", data={"helpful": "yes"}, headers=ours).status_code == 302
    assert db.session.scalar(select(db.func.count(FaqVote.id))) == 1


def test_suggest_returns_top_entries_as_json(client, loaded_faq):
    response = client.get("/faq/suggest", query_string={"q": "身に覚えのない請求"})
    results = response.get_json()["results"]
    assert response.mimetype == "application/json"
    assert 1 <= len(results) <= 5
    assert {"id", "question", "url"} <= set(results[0])
    assert client.get("/faq/suggest", query_string={"q": ""}).get_json() == {"results": []}


def test_zero_hit_and_unopened_queries_are_counted_without_identity(client, loaded_faq):
    client.get("/faq/search", query_string={"q": "ぴよぴよ星人"})
    client.get("/faq/search", query_string={"q": "カード 再発行"})
    client.get("/faq/card-replace", query_string={"q": "カード 再発行"})
    stats = {s.query: s for s in db.session.scalars(select(SearchStat))}
    assert any(s.zero_hits == 1 for s in stats.values())
    opened = [s for s in stats.values() if s.opens == 1]
    assert len(opened) == 1 and opened[0].searches == 1
    assert {c.name for c in SearchStat.__table__.columns} == {
        "id", "query", "searches", "zero_hits", "opens", "inquiries", "handled_at", "handled_note", "last_seen"}


def test_a_query_sharing_no_word_offers_entries_close_in_meaning(client, loaded_faq):
    text = body(client.get("/faq/search", query_string={"q": "実費"}))
    assert "「実費」に一致するご質問は見つかりませんでした" in text
    near = text.split('id="near-title"')[1].split("</section>")[0]
    assert "意味の近いご質問（お探しの内容と異なる可能性があります）" in text
    assert near.index("/faq/card-reissue-fee") < near.index("</ul>") and "見つかりました" not in text
    assert_valid_html(text)
    stats = {s.query: s for s in db.session.scalars(select(SearchStat))}
    assert any(s.zero_hits == 1 for s in stats.values())  # still a miss to learn from
    entry = db.session.scalar(select(FaqEntry).filter_by(key="card-reissue-fee"))
    entry.published = False
    db.session.commit()
    faq_search.sync([entry])
    assert "/faq/card-reissue-fee" not in body(client.get("/faq/search", query_string={"q": "実費"}))


def test_unpublished_entry_disappears_from_search_and_pages(client, loaded_faq):
    entry = db.session.scalar(select(FaqEntry).filter_by(key="card-replace"))
    entry.published = False
    db.session.commit()
    faq_search.sync([entry])
    assert client.get("/faq/card-replace").status_code == 404
    assert "/faq/card-replace" not in body(client.get("/faq/search", query_string={"q": "カード 再発行"}))


def test_weak_matches_are_shown_apart_not_counted_as_found(client, loaded_faq):
    text = body(client.get("/faq/search", query_string={"q": "クレカ勝手に使われた"}))
    found = int(text.split("に関連するご質問が")[1].split("件見つかりました")[0])
    listed = text.split('<ol class="search-results">')[1].split("</ol>")[0].count("<li>")
    assert found == listed and found < 10
    assert "その他の候補（関連が薄い可能性があります）" in text
    assert_valid_html(text)


def test_split_weak_keeps_hits_close_to_the_best():
    hits = [faq_search.FaqHit(None, "", "", score) for score in (10.0, 6.0, 3.5, 3.4, 1.0)]
    strong, weak = faq_search.split_weak(hits)
    assert [h.score for h in strong] == [10.0, 6.0, 3.5] and [h.score for h in weak] == [3.4, 1.0]
    assert faq_search.split_weak([]) == ([], [])


def test_each_answer_is_rendered_once_per_worker_not_once_per_request(client, loaded_faq):
    from hotline.faq import markdown

    client.get("/faq/")
    before = markdown.render.cache_info()
    client.get("/faq/")
    after = markdown.render.cache_info()
    assert after == before  # the page body itself was kept for this version: nothing rendered
    entry = db.session.scalar(select(FaqEntry).filter_by(key="card-replace"))
    added = f"追記した一文でございます（{secrets.token_hex(4)}）。"  # new to this process's memo as well
    approved_faq(entry, answer=entry.answer + "\n\n" + added)
    db.session.commit()
    text = body(client.get("/faq/"))  # a changed entry is a new version: rendered again, other answers from memory
    assert added in text
    again = markdown.render.cache_info()
    assert again.misses == after.misses + 1 and again.hits - after.hits >= 39
    assert markdown.render("<script>x</script>**強調**") == markdown.render("<script>x</script>**強調**")
    assert "<script>" not in markdown.render("<script>x</script>**強調**")


def test_search_hits_are_checked_against_the_published_entries_it_is_given(app, loaded_faq):
    from datetime import timedelta
    from types import SimpleNamespace

    from sqlalchemy import event

    from hotline.models._types import today_in_japan

    rows = faq_search.published_rows()
    found = faq_search.search_faq("カード 再発行")
    assert found and all(h.entry.key in rows for h in found)
    given = faq_search.search_faq("カード 再発行", published=lambda: rows)
    assert [(h.entry.key, h.score) for h in given] == [(h.entry.key, h.score) for h in found]
    first, second = found[0].entry.key, found[1].entry.key
    stale = {key: row for key, row in rows.items() if key != first}  # withdrawn since the index was written
    yesterday = today_in_japan() - timedelta(days=1)
    expired = {**stale, second: SimpleNamespace(**{**rows[second]._asdict(), "expires_on": yesterday})}
    assert [h.entry.key for h in faq_search.search_faq("カード 再発行", published=lambda: expired)] == [
        h.entry.key for h in found if h.entry.key not in (first, second)]
    statements = []

    def seen(_connection, _cursor, statement, *_rest):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        faq_search.search_faq("カード 再発行", published=lambda: rows)
        faq_search.search_faq("カード 再発行")
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert len([s for s in statements if "FROM faq_entry" in s]) == 1  # only the search that was given no rows
