"""The text agents answer with is guarded in the database itself: raw SQL cannot put an
unapproved template text or text block in use, nor rewrite an approved version.

The application refuses such changes first (hotline.answers.approval, hotline.faq.blocks);
these tests go around it with plain SQL on a connection of their own, on SQLite and on
PostgreSQL.
"""

import pytest
from sqlalchemy.exc import DBAPIError

from hotline import answers
from hotline.extensions import db
from hotline.faq import blocks
from hotline.models import AnswerTemplate, TextBlock, User

from .factories import approved_template, raw_sql

REFUSED = "shared answer texts change only through an approval by a second person"
BODY = "カード番号をお伺いすることはございません。"


@pytest.fixture
def shared(staff):
    """An approved template with an edit waiting, and an approved block with an edit waiting."""
    template = approved_template("card-number", "カード番号を聞かれた", BODY)
    answers.save_template(template, {"body": "書き換え待ちの回答文です。"}, staff["sup1"])
    block = blocks.request_edit(None, "受付時間", "9:00〜18:00", staff["sup1"])
    blocks.approve_edit(block, staff["sup2"])
    blocks.request_edit(block, "受付時間", "9:00〜20:00", staff["sup1"])
    ids = {"template": template.id, "block": block.id, "sup1": staff["sup1"].id, "sup2": staff["sup2"].id,
           "author": template.created_by_id}
    db.session.commit()
    db.session.close()  # no transaction of the session holds SQLite's write lock
    return ids


@pytest.mark.parametrize("sql", [
    "UPDATE answer_template SET body = '勝手に書き換えた回答文' WHERE id = :template",
    "UPDATE answer_template SET title = '別の件名' WHERE id = :template",
    "UPDATE answer_template SET version = 2 WHERE id = :template",
    "UPDATE answer_template SET version = 2, body = '書き換え待ちの回答文です。' WHERE id = :template",
    "UPDATE answer_template_version SET body = '勝手に書き換えた回答文' WHERE template_id = :template AND version = 1",
    "UPDATE answer_template_version SET approved_by_id = :sup2 WHERE template_id = :template AND version = 1",
    "UPDATE answer_template_version SET approved_by_id = NULL WHERE template_id = :template AND version = 1",
    "UPDATE answer_template_version SET approved_by_id = :sup1 WHERE template_id = :template AND version = 2",
    "UPDATE answer_template_version SET edited_by_id = :sup2 WHERE template_id = :template AND version = 2",
    "UPDATE answer_template_version SET body = '別の文' WHERE template_id = :template AND version = 2",
    "DELETE FROM answer_template_version WHERE template_id = :template AND version = 1",
    "UPDATE answer_template_version SET approved_category = 'card_fraud' WHERE template_id = :template AND version = 1",
    "UPDATE answer_template_version SET approved_expires_on = '2099-12-31' WHERE template_id = :template AND version = 1",
    "INSERT INTO answer_template_version (template_id, version, title, questions, keywords, body, edited_by_id,"
    " approved_by_id, created_at) VALUES (:template, 3, 't', '', '', 'b', :sup1, :sup1, CURRENT_TIMESTAMP)",
    "INSERT INTO answer_template (key, title, category, questions, keywords, body, status, version, times_used,"
    " review_reason, created_at, updated_at) VALUES ('raw', '直接', 'other', '', '', '本文', 'approved', 1, 0, '',"
    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
])
def test_raw_sql_cannot_change_the_text_agents_use(shared, sql):
    with pytest.raises(DBAPIError, match=REFUSED):
        raw_sql(sql, **shared)
    template = db.session.get(AnswerTemplate, shared["template"])
    assert (template.version, template.body, template.status.value) == (1, BODY, "approved")
    assert [(v.version, v.body, v.approved_by_id) for v in template.versions] == [
        (1, BODY, template.approved_by_id), (2, "書き換え待ちの回答文です。", None)]


def test_raw_sql_cannot_approve_a_proposal(staff):
    proposal = answers.propose(staff["agent"], "件名", "質問", "回答文", "other", "", None)
    ids = {"id": proposal.id, "agent": staff["agent"].id}
    db.session.commit()
    db.session.close()
    with pytest.raises(DBAPIError, match=REFUSED):
        raw_sql("UPDATE answer_template SET status = 'approved' WHERE id = :id", **ids)
    with pytest.raises(DBAPIError, match=REFUSED):
        raw_sql("UPDATE answer_template_version SET approved_by_id = :agent WHERE template_id = :id", **ids)
    assert db.session.get(AnswerTemplate, ids["id"]).status.value == "proposal"


@pytest.mark.parametrize("sql", [
    "UPDATE text_block SET body = '24時間受付' WHERE id = :block",
    "UPDATE text_block SET body = pending_body, version = version + 1 WHERE id = :block",
    "UPDATE text_block SET body = pending_body, version = version + 1, approved_by_id = :sup1,"
    " approved_at = CURRENT_TIMESTAMP WHERE id = :block",
    "UPDATE text_block SET body = '24時間受付', version = version + 1, approved_by_id = :sup2 WHERE id = :block",
    "UPDATE text_block SET body = pending_body, version = version + 2, approved_by_id = :sup2 WHERE id = :block",
    "UPDATE text_block SET name = '別の名前' WHERE id = :block",
    "DELETE FROM text_block WHERE id = :block",
    "INSERT INTO text_block (name, body, version, created_at) VALUES ('直接', '本文', 1, CURRENT_TIMESTAMP)",
])
def test_raw_sql_cannot_change_an_approved_text_block(shared, sql):
    with pytest.raises(DBAPIError, match=REFUSED):
        raw_sql(sql, **shared)
    block = db.session.get(TextBlock, shared["block"])
    assert (block.name, block.body, block.version, block.pending_body) == ("受付時間", "9:00〜18:00", 1, "9:00〜20:00")


def test_the_approvals_themselves_pass_and_the_rest_stays_writable(shared):
    approver = db.session.get(User, shared["sup2"])
    answers.approve(db.session.get(AnswerTemplate, shared["template"]), approver)
    blocks.approve_edit(db.session.get(TextBlock, shared["block"]), approver)
    db.session.commit()
    db.session.close()
    # what is not the approved text stays writable: use counts, review flags, retirement
    raw_sql("UPDATE answer_template SET times_used = times_used + 1, status = 'needs_review' WHERE id = :template",
         **shared)
    raw_sql("UPDATE answer_template SET status = 'retired' WHERE id = :template", **shared)
    raw_sql("UPDATE text_block SET pending_body = '次の案', pending_by_id = :sup1 WHERE id = :block", **shared)
    template = db.session.get(AnswerTemplate, shared["template"])
    assert (template.version, template.body, template.times_used) == (2, "書き換え待ちの回答文です。", 1)
    assert [v.approved_by_id for v in template.versions] == [template.versions[0].approved_by_id, shared["sup2"]]
    assert db.session.get(TextBlock, shared["block"]).body == "9:00〜20:00"
