"""Supervisors manage FAQ entries; changes reach the search index at once."""

from sqlalchemy import select

from hotline.extensions import db
from hotline.faq import search as faq_search
from hotline.models import AuditEvent, FaqEntry

NEW_ENTRY = {
    "key": "points-expiry", "category": "お詫び・補償", "question": "ポイントの有効期限はどうなりますか？",
    "alternatives": "ポイント 失効\nポイントが消えそう", "keywords": "ポイント", "answer": "期限を**延長**します。",
    "display_order": "50", "published": "y",
}


def test_agent_cannot_open_faq_management(client, staff, login):
    login("agent1")
    assert client.get("/admin/faq/").status_code == 403
    assert client.post("/admin/faq/new", data=NEW_ENTRY).status_code == 403
    assert db.session.scalar(select(FaqEntry)) is None


def test_supervisor_adds_an_entry_that_search_finds_at_once(client, staff, login):
    login("sup1")
    response = client.post("/admin/faq/new", data=NEW_ENTRY)
    assert response.status_code == 302
    assert [h.entry.key for h in faq_search.search_faq("ポイント 失効")][:1] == ["points-expiry"]
    assert db.session.scalar(select(AuditEvent).filter_by(target_type="faq_entry")) is not None
    page = client.get("/faq/points-expiry").get_data(as_text=True)
    assert "<strong>延長</strong>" in page


def test_edit_keeps_typed_input_on_error(client, staff, login):
    login("sup1")
    response = client.post("/admin/faq/new", data={**NEW_ENTRY, "key": "Bad Key!", "answer": "残したい回答"})
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "半角英小文字" in text and "残したい回答" in text
    assert db.session.scalar(select(FaqEntry)) is None


def test_duplicate_key_is_refused(client, staff, login):
    login("sup1")
    client.post("/admin/faq/new", data=NEW_ENTRY)
    response = client.post("/admin/faq/new", data={**NEW_ENTRY, "question": "別の質問"})
    assert response.status_code == 422 and "既に使われています" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(FaqEntry.id))) == 1


def test_overview_shows_votes_and_unanswered_searches(client, staff, login):
    login("sup1")
    client.post("/admin/faq/new", data=NEW_ENTRY)
    client.post("/faq/points-expiry/vote", data={"helpful": "no"})
    client.get("/faq/search", query_string={"q": "ぴよぴよ"})
    text = client.get("/admin/faq/").get_data(as_text=True)
    assert "ポイントの有効期限" in text and "ぴよぴよ" in text


def test_script_in_answer_is_not_rendered_as_html(client, staff, login):
    login("sup1")
    client.post("/admin/faq/new", data={**NEW_ENTRY, "answer": "<script>alert(1)</script>**太字**"})
    page = client.get("/faq/points-expiry").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
