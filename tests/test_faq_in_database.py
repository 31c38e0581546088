"""What the public FAQ says is guarded in the database itself: raw SQL cannot put words in an
entry that no second supervisor approved, nor rewrite an approved change.

The application writes an entry only from an approved change (hotline.faq.changes); these
tests go around it with plain SQL on a connection of their own, on SQLite and on PostgreSQL.
"""

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from hotline import answers, faq
from hotline.extensions import db
from hotline.models import FaqChange, FaqEntry, User

from .factories import approved_template, make_draft, make_incident, publish, raw_sql

REFUSED = "the public FAQ changes only as the values of a change a second supervisor approved"
ANSWER = "カード会社へのご連絡をお願いいたします。"


@pytest.fixture
def entry_ids(staff):
    """A public entry two supervisors approved, with a further change waiting."""
    entry = faq.approve_change(faq.request_change(None, {
        "key": "card-stop", "category": "カード", "question": "カードを止めるべきですか？", "answer": ANSWER,
        "display_order": 10, "published": True, "expires_on": ""}, staff["sup1"]), staff["sup2"])
    waiting = faq.request_change(entry, {"answer": "書き換え案です。"}, staff["sup1"])
    ids = {"entry": entry.id, "approved": entry.approved_change_id, "waiting": waiting.id,
           "sup1": staff["sup1"].id, "sup2": staff["sup2"].id}
    db.session.commit()
    db.session.close()  # no transaction of the session holds SQLite's write lock
    return ids


@pytest.mark.parametrize("sql", [
    "UPDATE faq_entry SET answer = '勝手に書き換えた回答' WHERE id = :entry",
    "UPDATE faq_entry SET question = '別の質問' WHERE id = :entry",
    "UPDATE faq_entry SET key = 'moved' WHERE id = :entry",
    "UPDATE faq_entry SET display_order = 1 WHERE id = :entry",
    "UPDATE faq_entry SET expires_on = '2027-01-31' WHERE id = :entry",
    "UPDATE faq_entry SET published = FALSE, answer = '取り下げついでの書き換え' WHERE id = :entry",
    # naming a change that is not approved, or approved with other words
    "UPDATE faq_entry SET answer = '書き換え案です。', approved_change_id = :waiting WHERE id = :entry",
    "UPDATE faq_entry SET answer = '別の文', approved_change_id = :approved WHERE id = :entry",
    # approving the waiting change by hand: its writer, or nobody
    "UPDATE faq_change SET status = 'approved', decided_by_id = :sup1 WHERE id = :waiting;"
    "UPDATE faq_entry SET answer = '書き換え案です。', approved_change_id = :waiting WHERE id = :entry",
    "UPDATE faq_change SET status = 'approved' WHERE id = :waiting;"
    "UPDATE faq_entry SET answer = '書き換え案です。', approved_change_id = :waiting WHERE id = :entry",
    # rewriting or removing what was approved
    "UPDATE faq_change SET \"values\" = '{}' WHERE id = :approved",
    "UPDATE faq_change SET status = 'withdrawn' WHERE id = :approved",
    "UPDATE faq_change SET decided_by_id = :sup1 WHERE id = :approved",
    "DELETE FROM faq_change WHERE id = :approved",
    "INSERT INTO faq_entry (key, category, question, alternatives, keywords, answer, display_order, source, published,"
    " helpful_yes, helpful_no, created_at, updated_at) VALUES ('raw', 'カード', '直接', '', '', '直接書いた回答', 1,"
    " 'admin', TRUE, 0, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
])
def test_raw_sql_cannot_change_what_the_public_faq_says(entry_ids, sql):
    with pytest.raises(DBAPIError, match=REFUSED):
        raw_sql(sql, **entry_ids)  # both statements of a pair in one transaction
    entry = db.session.get(FaqEntry, entry_ids["entry"])
    assert (entry.key, entry.answer, entry.display_order, entry.published, entry.expires_on) == (
        "card-stop", ANSWER, 10, True, None)
    assert db.session.get(FaqChange, entry_ids["approved"]).status == "approved"
    assert db.session.scalar(select(FaqEntry).filter_by(key="raw")) is None


def test_what_is_not_the_public_text_stays_writable(entry_ids):
    raw_sql("UPDATE faq_entry SET helpful_yes = helpful_yes + 1 WHERE id = :entry", **entry_ids)
    raw_sql("UPDATE faq_change SET note = '確認中' WHERE id = :waiting", **entry_ids)
    raw_sql("UPDATE faq_entry SET published = FALSE WHERE id = :entry", **entry_ids)  # taken off at once, by one person
    with pytest.raises(DBAPIError, match=REFUSED):
        raw_sql("UPDATE faq_entry SET published = TRUE WHERE id = :entry", **entry_ids)  # but not put back
    entry = db.session.get(FaqEntry, entry_ids["entry"])
    assert (entry.helpful_yes, entry.published) == (1, False)


def test_the_second_supervisors_approval_passes(entry_ids):
    waiting = db.session.get(FaqChange, entry_ids["waiting"])
    entry = faq.approve_change(waiting, db.session.get(User, entry_ids["sup2"]))
    db.session.commit()
    assert (entry.answer, entry.approved_change_id) == ("書き換え案です。", entry_ids["waiting"])


def test_a_template_published_as_faq_is_recorded_as_approved_by_its_approver(staff):
    incident = make_incident()
    report = publish(make_draft(incident, staff["sup1"]), staff["sup1"], staff["sup2"])
    template = approved_template("leak-scope", "漏えいした範囲", "対象は最大{件数}でございます。")
    template.incident_id = incident.id
    entry = answers.publish_as_faq(template, staff["sup1"])
    db.session.commit()
    change = db.session.get(FaqChange, entry.approved_change_id)
    version = template.current_version
    assert (change.status, change.decided_by_id, change.writer_ids) == (
        "approved", version.approved_by_id, {version.edited_by_id})
    assert change.author_id == staff["sup1"].id and "テンプレートv1" in change.note
    assert "500" in entry.answer and report.is_published
