"""Published reports are frozen in the database itself: raw SQL cannot change them.

The ORM refuses such changes first (hotline.notices.freeze); these tests go around it
with plain SQL on a connection of their own, on SQLite and on PostgreSQL.
"""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from hotline.extensions import db
from hotline.models import Report

from .factories import make_draft, make_incident, publish


def _raw(sql: str, **params) -> None:
    """Run one statement in its own transaction, outside the ORM session."""
    with db.engine.begin() as connection:
        connection.execute(text(sql), params)


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
        _raw(sql, id=report_id, draft=draft_id, group=group_id)
    report = db.session.get(Report, report_id)
    assert report.situation.startswith("不正アクセス") and report.is_published
    assert [(g.name, g.count_max) for g in report.groups] == [("お客様", 500)]
    assert [(i.label, i.status.value) for i in report.groups[0].items] == [("氏名", "confirmed")]


def test_drafts_stay_changeable(published):
    _, draft_id, _ = published
    _raw("UPDATE report SET situation = '下書きの修正' WHERE id = :id", id=draft_id)
    _raw("UPDATE affected_group SET note = 'メモ' WHERE report_id = :id", id=draft_id)
    _raw("UPDATE group_item SET note = 'メモ' WHERE group_id IN (SELECT id FROM affected_group WHERE report_id = :id)",
         id=draft_id)
    _raw("DELETE FROM report_edit WHERE report_id = :id", id=draft_id)
    _raw("DELETE FROM group_item WHERE group_id IN (SELECT id FROM affected_group WHERE report_id = :id)", id=draft_id)
    _raw("DELETE FROM affected_group WHERE report_id = :id", id=draft_id)
    _raw("DELETE FROM report WHERE id = :id", id=draft_id)
    assert db.session.get(Report, draft_id) is None
