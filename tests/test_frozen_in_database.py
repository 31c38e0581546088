"""Published reports are frozen in the database itself: raw SQL cannot change them.

The ORM refuses such changes first (hotline.notices.freeze); these tests go around it
with plain SQL on a connection of their own, on SQLite and on PostgreSQL.
"""

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from hotline.extensions import db
from hotline.models import Report, ReportEdit, User

from .factories import make_draft, make_incident, publish, raw_sql


@pytest.fixture
def published(staff):
    incident = make_incident()
    report = publish(make_draft(incident, staff["sup1"]), staff["sup1"], staff["sup2"])
    draft = make_draft(incident, staff["sup1"])
    ids = report.id, draft.id, report.groups[0].id
    db.session.commit()
    db.session.close()  # no transaction of the session holds SQLite's write lock
    return ids


@pytest.mark.parametrize("sql", [
    "UPDATE report SET situation = '書き換え' WHERE id = :id",
    "UPDATE report SET state = 'draft' WHERE id = :id",
    "UPDATE report SET cause = '' WHERE id = :id",
    "DELETE FROM report WHERE id = :id",
    "UPDATE affected_group SET count_max = 1 WHERE report_id = :id",
    "UPDATE affected_group SET name = '別の区分' WHERE report_id = :id",
    "DELETE FROM affected_group WHERE report_id = :id",
    "INSERT INTO affected_group (report_id, position, name, affected, unit, count_approx, count_certainty, final_scope,"
    " note, reason) VALUES (:id, 9, '追加', TRUE, '名', FALSE, 'provisional', FALSE, '', '')",
    "UPDATE affected_group SET report_id = :id WHERE report_id = :draft",
    "UPDATE group_item SET status = 'not_leaked' WHERE group_id = :group",
    "DELETE FROM group_item WHERE group_id = :group",
    "INSERT INTO group_item (group_id, position, category, label, status, note)"
    " VALUES (:group, 5, 'phone', '電話番号', 'possible', '')",
    "UPDATE group_item SET group_id = :group WHERE group_id IN (SELECT id FROM affected_group WHERE report_id = :draft)",
])
def test_raw_sql_cannot_change_a_published_report(published, sql):
    report_id, draft_id, group_id = published
    with pytest.raises(DBAPIError, match="published reports are immutable"):
        raw_sql(sql, id=report_id, draft=draft_id, group=group_id)
    report = db.session.get(Report, report_id)
    assert report.situation.startswith("不正アクセス") and report.is_published
    assert [(g.name, g.count_max) for g in report.groups] == [("お客様", 500)]
    assert [(i.label, i.status.value) for i in report.groups[0].items] == [("氏名", "confirmed")]


def test_drafts_stay_changeable(published):
    _, draft_id, _ = published
    raw_sql("UPDATE report SET situation = '下書きの修正' WHERE id = :id", id=draft_id)
    raw_sql("UPDATE affected_group SET note = 'メモ' WHERE report_id = :id", id=draft_id)
    raw_sql("UPDATE group_item SET note = 'メモ' WHERE group_id IN (SELECT id FROM affected_group WHERE report_id = :id)",
         id=draft_id)
    raw_sql("DELETE FROM report_edit WHERE report_id = :id", id=draft_id)
    raw_sql("DELETE FROM group_item WHERE group_id IN (SELECT id FROM affected_group WHERE report_id = :id)", id=draft_id)
    raw_sql("DELETE FROM affected_group WHERE report_id = :id", id=draft_id)
    raw_sql("DELETE FROM report WHERE id = :id", id=draft_id)
    assert db.session.get(Report, draft_id) is None


def uid(key: str) -> int:
    """The id of one of the staff fixture's accounts (the fixture's objects are detached by then)."""
    found = db.session.scalar(select(User.id).where(User.username == {"admin": "admin1"}.get(key, key)))
    db.session.close()  # the session's transaction would hold SQLite's write lock against raw_sql
    return found


PUBLISH = "UPDATE report SET state = 'published', number = 2, published_at = CURRENT_TIMESTAMP, approver_id = :approver"


@pytest.mark.parametrize("state,approver,edited_by", [
    ("draft", "sup2", None),  # never submitted: nobody was asked to approve it
    ("awaiting_approval", "sup1", None),  # the author approving
    ("awaiting_approval", None, None),  # nobody approving
    ("awaiting_approval", "admin", "admin"),  # someone who saved a version of it
])
def test_raw_sql_cannot_publish_without_a_second_person(published, staff, state, approver, edited_by):
    _, draft_id, _ = published
    raw_sql("UPDATE report SET state = :state WHERE id = :id", state=state, id=draft_id)
    if edited_by:
        raw_sql("INSERT INTO report_edit (report_id, user_id, content_hash, at) VALUES (:id, :user, 'x', CURRENT_TIMESTAMP)",
                id=draft_id, user=uid(edited_by))
    with pytest.raises(DBAPIError, match="published only when a second person"):
        raw_sql(PUBLISH + " WHERE id = :id", id=draft_id, approver=uid(approver) if approver else None)
    assert not db.session.get(Report, draft_id).is_published


def test_raw_sql_publishes_only_what_the_application_would(published, staff):
    _, draft_id, _ = published
    raw_sql("UPDATE report SET state = 'awaiting_approval' WHERE id = :id", id=draft_id)
    raw_sql(PUBLISH + " WHERE id = :id", id=draft_id, approver=uid("sup2"))  # submitted, another approver
    assert db.session.get(Report, draft_id).is_published


def test_no_report_is_inserted_as_published_and_who_saved_one_is_kept(published, staff):
    report_id, draft_id, _ = published
    with pytest.raises(DBAPIError, match="published only when a second person"):
        raw_sql("INSERT INTO report (incident_id, number, is_final, state, author_id, approver_id, created_at, updated_at,"
                " published_at, situation) SELECT incident_id, 9, FALSE, 'published', author_id, :approver, created_at,"
                " updated_at, CURRENT_TIMESTAMP, situation FROM report WHERE id = :id", id=report_id,
                approver=uid("sup2"))
    for sql in ("DELETE FROM report_edit WHERE report_id = :id", "UPDATE report_edit SET user_id = :other WHERE report_id = :id"):
        with pytest.raises(DBAPIError, match="who saved a version of a report is kept"):
            raw_sql(sql, id=report_id, other=uid("sup2"))
    with pytest.raises(DBAPIError, match="who saved a version of a report is kept"):
        raw_sql("UPDATE report_edit SET user_id = :other WHERE report_id = :id", id=draft_id, other=uid("sup2"))
    editors = db.session.scalars(select(ReportEdit.user_id).where(ReportEdit.report_id == report_id)).all()
    assert editors and set(editors) == {uid("sup1")}


@pytest.mark.parametrize("sql", [
    "UPDATE incident SET title = '書き換えた名称'",
    "UPDATE incident SET aware_on = '2026-11-20'",
    "UPDATE incident SET status = 'closed'",
    "UPDATE incident SET contact_phone = '0120-999-999'",
    "UPDATE incident SET slug = 'moved'",
    "UPDATE incident SET title = '書き換えた名称', approved_change_id = 999",
])
def test_raw_sql_cannot_change_what_readers_saw_of_an_incident(published, sql):
    with pytest.raises(DBAPIError, match="approved change request"):
        raw_sql(sql)


def test_an_approved_change_still_goes_through_and_other_columns_stay_writable(published):
    from hotline import notices
    from hotline.models import Incident, User

    raw_sql("UPDATE incident SET updated_at = CURRENT_TIMESTAMP")
    incident = db.session.scalar(db.select(Incident))
    sup1, sup2 = (db.session.scalar(db.select(User).filter_by(username=name)) for name in ("sup1", "sup2"))
    change = notices.request_change(incident, {"title": "正しい名称"}, sup1, reason="表記の統一")
    db.session.commit()
    notices.approve_change(change, sup2)
    db.session.commit()
    assert db.session.scalar(db.select(Incident.title)) == "正しい名称"
    db.session.close()
    # The change request cannot be used twice.
    with pytest.raises(DBAPIError, match="approved change request"):
        raw_sql("UPDATE incident SET title = 'もう一度'")


@pytest.fixture
def change_ids(published):
    """A title change requested by sup1 and approved by sup2, and one requested and left pending."""
    from hotline import notices
    from hotline.models import Incident, User

    incident = db.session.scalar(db.select(Incident))
    sup1, sup2 = (db.session.scalar(db.select(User).filter_by(username=name)) for name in ("sup1", "sup2"))
    approved = notices.request_change(incident, {"title": "正しい名称"}, sup1, reason="表記の統一")
    notices.approve_change(approved, sup2)
    db.session.commit()
    pending = notices.request_change(incident, {"contact_phone": "0120-333-444"}, sup1, reason="回線の増設")
    ids = {"approved": approved.id, "pending": pending.id, "sup1": sup1.id, "incident": incident.id}
    db.session.commit()
    db.session.close()
    return ids


@pytest.mark.parametrize("sql", [
    # a request nobody approved, however well formed
    "UPDATE incident SET contact_phone = '0120-333-444', approved_change_id = :pending",
    # a request approved by the person who asked for it
    "UPDATE incident_change SET state = 'approved', decided_by_id = :sup1 WHERE id = :pending;"
    "UPDATE incident SET contact_phone = '0120-333-444', approved_change_id = :pending",
    # an approved request that holds other values
    "UPDATE incident_change SET state = 'approved', decided_by_id = :sup1 + 1 WHERE id = :pending;"
    "UPDATE incident SET contact_phone = '0120-999-999', approved_change_id = :pending",
    "UPDATE incident_change SET state = 'approved', decided_by_id = :sup1 + 1 WHERE id = :pending;"
    "UPDATE incident SET contact_phone = '0120-333-444', title = 'ついでの名称', approved_change_id = :pending",
    # an approved request rewritten, taken back or removed
    "UPDATE incident_change SET changes = '{\"title\": [\"正しい名称\", \"別の名称\"]}' WHERE id = :approved",
    "UPDATE incident_change SET state = 'rejected' WHERE id = :approved",
    "DELETE FROM incident_change WHERE id = :approved",
])
def test_raw_sql_cannot_give_an_incident_values_nobody_approved(change_ids, sql):
    from hotline.models import Incident, IncidentChange

    with pytest.raises(DBAPIError, match="approved change request"):
        raw_sql(sql, **change_ids)  # both statements of a pair in one transaction
    incident = db.session.get(Incident, change_ids["incident"])
    assert (incident.title, incident.contact_phone) == ("正しい名称", "0120-111-222")
    assert db.session.get(IncidentChange, change_ids["approved"]).state.value == "approved"


def test_an_item_of_no_group_is_left_to_the_database_to_refuse(app):
    """The freeze guard looks for the report of every new item; one without a group has none to look up."""
    from sqlalchemy.exc import IntegrityError

    from hotline.models import GroupItem, LeakStatus

    db.session.add(GroupItem(label="氏名", status=LeakStatus.POSSIBLE, position=0, note=""))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
