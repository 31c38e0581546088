"""Supervisors manage FAQ entries: an edit is public once a second supervisor approves it,
and then reaches the search index at once."""

import re

import pytest
from sqlalchemy import select

from hotline import faq
from hotline.extensions import db
from hotline.faq import search as faq_search
from hotline.models import AuditEvent, FaqChange, FaqEntry

from .factories import approved_faq

NEW_ENTRY = {
    "key": "points-expiry", "category": "お詫び・補償", "question": "ポイントの有効期限はどうなりますか？",
    "alternatives": "ポイント 失効\nポイントが消えそう", "keywords": "ポイント", "answer": "期限を**延長**します。",
    "display_order": "50", "published": "y",
}


def write(client, login, data=None, url="/admin/faq/new", author="sup1") -> int:
    """One supervisor writes; returns the id of the change waiting for approval."""
    client.post("/logout")
    login(author)
    response = client.post(url, data=data or NEW_ENTRY)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/changes/(\d+)", response.headers["Location"]).group(1))


def approve(client, login, change_id: int, approver="sup2"):
    """A second supervisor approves the change as shown."""
    client.post("/logout")
    login(approver)
    page = client.get(f"/admin/faq/changes/{change_id}").get_data(as_text=True)
    shown = re.search(r'name="shown" value="([0-9a-f]+)"', page).group(1)
    return client.post(f"/admin/faq/changes/{change_id}/approve", data={"shown": shown})


def test_agent_cannot_open_faq_management(client, staff, login):
    login("agent1")
    assert client.get("/admin/faq/").status_code == 403
    assert client.post("/admin/faq/new", data=NEW_ENTRY).status_code == 403
    assert db.session.scalar(select(FaqEntry)) is None


def test_an_entry_is_public_only_after_a_second_supervisor_approves_it(client, staff, login):
    change_id = write(client, login)
    assert db.session.scalar(select(FaqEntry)) is None
    assert client.get("/faq/points-expiry").status_code == 404
    assert faq_search.search_faq("ポイント 失効") == []
    page = client.get(f"/admin/faq/changes/{change_id}").get_data(as_text=True)
    assert "あなたが書いたため" in page and "この内容で公開する" not in page
    refused = client.post(f"/admin/faq/changes/{change_id}/approve", data={})
    assert refused.status_code == 409 and "書いた方は承認できません" in refused.get_data(as_text=True)
    assert approve(client, login, change_id).status_code == 302
    assert [h.entry.key for h in faq_search.search_faq("ポイント 失効")][:1] == ["points-expiry"]
    assert "<strong>延長</strong>" in client.get("/faq/points-expiry").get_data(as_text=True)
    actions = db.session.scalars(select(AuditEvent.action).filter_by(target_type="faq_entry")
                                 .order_by(AuditEvent.id)).all()
    assert "request_change" in actions and "approve_change" in actions


def test_a_change_of_a_public_entry_waits_and_the_public_keeps_the_approved_text(client, staff, login):
    approve(client, login, write(client, login))
    entry = db.session.scalar(select(FaqEntry))
    change_id = write(client, login, {**NEW_ENTRY, "answer": "期限は**1年**延長いたします。"},
                      url=f"/admin/faq/{entry.id}/edit", author="sup2")
    assert "延長</strong>します" in client.get("/faq/points-expiry").get_data(as_text=True)
    client.post("/logout")
    login("sup1")
    page = client.get(f"/admin/faq/changes/{change_id}").get_data(as_text=True)
    assert "<del>期限を**延長**します。</del>" in page and "<ins>期限は**1年**延長いたします。</ins>" in page
    edit_page = client.get(f"/admin/faq/{entry.id}/edit").get_data(as_text=True)
    assert "承認待ちの変更" in edit_page and "1年" in edit_page
    approve(client, login, change_id, approver="sup1")
    assert "<strong>1年</strong>" in client.get("/faq/points-expiry").get_data(as_text=True)


def test_everyone_who_wrote_a_change_is_kept_from_approving_it(app, staff):
    change = faq.request_change(None, {**NEW_ENTRY, "display_order": 50, "published": True}, staff["sup1"])
    entry = faq.approve_change(change, staff["sup2"])
    first = faq.request_change(entry, {"answer": "一人目の案"}, staff["sup1"])
    second = faq.request_change(entry, {"answer": "二人目の案"}, staff["sup2"])
    assert first.status == "superseded" and second.writer_ids == {staff["sup1"].id, staff["sup2"].id}
    for writer in ("sup1", "sup2"):
        with pytest.raises(faq.FaqChangeError, match="書いた方"):
            faq.approve_change(second, staff[writer])
    with pytest.raises(faq.FaqChangeError, match="表示した後"):
        faq.approve_change(second, staff["admin"], shown_hash="0" * 64)
    faq.approve_change(second, staff["admin"], faq.change_hash(second))
    assert entry.answer == "二人目の案"


def test_an_entry_changed_another_way_after_the_edit_refuses_the_approval(app, staff):
    change = faq.request_change(None, {**NEW_ENTRY, "display_order": 50, "published": True}, staff["sup1"])
    entry = faq.approve_change(change, staff["sup2"])
    db.session.commit()
    waiting = faq.request_change(entry, {"answer": "書き換え案"}, staff["sup1"])
    db.session.commit()
    faq.withdraw_entry(entry.key, "誤りのため取り下げ")  # taken off the public FAQ meanwhile
    db.session.commit()
    db.session.expire_all()
    with pytest.raises(faq.FaqChangeError, match="別の経路で変わりました"):
        faq.approve_change(waiting, staff["sup2"])


def test_a_file_import_does_not_take_back_what_two_people_approved(app, staff, runner, tmp_path):
    change = faq.request_change(None, {**NEW_ENTRY, "display_order": 50, "published": True}, staff["sup1"])
    faq.approve_change(change, staff["sup2"])
    db.session.commit()
    (tmp_path / "points.md").write_text(
        '+++\nid = "points-expiry"\ncategory = "お詫び・補償"\nquestion = "ポイントは？"\n+++\nファイルの回答',
        encoding="utf-8")
    result = runner.invoke(args=["faq", "import", str(tmp_path), "--author", "sup1"])
    assert "ファイルから取り込まなかった質問：points-expiry" in result.output and "承認待ち 0 件" in result.output
    assert db.session.scalar(select(FaqEntry)).answer == "期限を**延長**します。"


def test_a_writer_withdraws_and_another_rejects_and_nothing_public_changes(client, staff, login):
    change_id = write(client, login)
    client.post(f"/admin/faq/changes/{change_id}/reject", data={"note": "書き直します"})
    assert db.session.get(FaqChange, change_id).status == "withdrawn"
    other = write(client, login, {**NEW_ENTRY, "key": "points-2"})
    client.post("/logout")
    login("sup2")
    client.post(f"/admin/faq/changes/{other}/reject", data={"note": "表現を見直してください"})
    assert db.session.get(FaqChange, other).status == "rejected"
    assert db.session.scalar(select(FaqEntry)) is None


def test_edit_keeps_typed_input_on_error(client, staff, login):
    login("sup1")
    response = client.post("/admin/faq/new", data={**NEW_ENTRY, "key": "Bad Key!", "answer": "残したい回答"})
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "半角英小文字" in text and "残したい回答" in text
    assert db.session.scalar(select(FaqChange)) is None


def test_duplicate_key_is_refused_even_while_the_first_waits(client, staff, login):
    write(client, login)
    response = client.post("/admin/faq/new", data={**NEW_ENTRY, "question": "別の質問"})
    assert response.status_code == 422 and "既に使われています" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(FaqChange.id))) == 1


def test_overview_shows_waiting_changes_votes_and_unanswered_searches(client, staff, login):
    approve(client, login, write(client, login))
    write(client, login, {**NEW_ENTRY, "key": "points-2", "question": "ポイントの移行はできますか？"})
    client.post("/faq/points-expiry/vote", data={"helpful": "no"})
    client.get("/faq/search", query_string={"q": "ぴよぴよ"})
    text = client.get("/admin/faq/").get_data(as_text=True)
    assert "承認待ちの変更（1件）" in text and "ポイントの移行はできますか" in text
    assert "ポイントの有効期限" in text and "ぴよぴよ" in text


def test_script_in_answer_is_not_rendered_as_html(client, staff, login):
    approve(client, login, write(client, login, {**NEW_ENTRY, "answer": "<script>alert(1)</script>**太字**"}))
    page = client.get("/faq/points-expiry").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_an_expired_entry_is_neither_shown_nor_listed_nor_found(client, staff, login):
    from datetime import timedelta

    from hotline.models._types import today_in_japan

    approve(client, login, write(client, login, {**NEW_ENTRY, "expires_on": today_in_japan().isoformat()}))
    entry = db.session.scalar(select(FaqEntry))
    assert entry.expires_on == today_in_japan()
    assert client.get("/faq/points-expiry").status_code == 200
    approved_faq(entry, expires_on=(today_in_japan() - timedelta(days=1)).isoformat())  # as on the next day
    db.session.commit()
    assert client.get("/faq/points-expiry").status_code == 404
    assert "ポイントの有効期限" not in client.get("/faq/").get_data(as_text=True)
    assert faq_search.search_faq("ポイント 失効") == []
