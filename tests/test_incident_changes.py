"""What readers saw of an incident changes only with a second supervisor's approval."""

import json
from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from hotline import notices
from hotline.extensions import db
from hotline.models import AuditEvent, ChangeState, Incident, IncidentStatus, User

from .factories import make_draft, make_incident, publish
from .test_admin_reports import text as page_text


@pytest.fixture
def public_incident(staff):
    incident = make_incident()
    publish(make_draft(incident, staff["sup1"]), staff["sup1"], staff["sup2"])
    return incident


def _audit(action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).filter_by(action=action, target_type="incident")).all()


def test_an_incident_nobody_has_read_about_changes_at_once(staff):
    incident = make_incident()
    assert notices.request_change(incident, {"title": "新しい名称", "aware_on": date(2026, 10, 30)}, staff["sup1"]) is None
    assert incident.title == "新しい名称"
    detail = _audit("update")[-1].detail
    assert "title: テスト事案：不正アクセスによる個人情報漏えい → 新しい名称" in detail
    assert "aware_on: 2026-11-01 → 2026-10-30" in detail


def test_a_published_incident_changes_after_a_second_supervisor_approves(public_incident, staff):
    change = notices.request_change(public_incident, {"title": "訂正後の名称", "aware_on": date(2026, 10, 25)},
                                    staff["sup1"], reason="発覚日の記載誤り")
    db.session.commit()
    assert change.state is ChangeState.PENDING
    assert public_incident.title.startswith("テスト事案") and public_incident.aware_on == date(2026, 11, 1)
    with pytest.raises(notices.NoticeError, match="申請した本人は承認できません"):
        notices.approve_change(change, staff["sup1"])
    with pytest.raises(notices.NoticeError, match="承認待ちの変更があります"):
        notices.request_change(public_incident, {"title": "さらに別の名称"}, staff["sup2"])
    notices.approve_change(change, staff["sup2"])
    db.session.commit()
    assert public_incident.title == "訂正後の名称" and public_incident.aware_on == date(2026, 10, 25)
    event = _audit("approve_change")[-1]
    assert event.user_id == staff["sup2"].id and "aware_on: 2026-11-01 → 2026-10-25" in event.detail


def test_the_approver_sees_how_the_deadlines_move(public_incident, staff):
    change = notices.request_change(public_incident, {"aware_on": date(2026, 10, 25)}, staff["sup1"])
    rows = {row["label"]: (row["before"], row["after"]) for row in notices.describe(change)}
    assert rows["発覚日"] == ("2026年11月1日", "2026年10月25日")
    final = next(v for k, v in rows.items() if k.startswith("期限：確報"))
    assert final == ("2026年12月31日", "2026年12月24日")  # 60 days for a malicious case


def test_closing_is_a_deliberate_step_of_its_own(public_incident, staff):
    change = notices.request_change(public_incident, {"status": IncidentStatus.CLOSED}, staff["sup1"],
                                    reason="窓口の受付を終了したため")
    assert public_incident in notices.active_incidents()
    notices.approve_change(change, staff["sup2"])
    db.session.commit()
    assert public_incident.status is IncidentStatus.CLOSED and public_incident not in notices.active_incidents()
    with pytest.raises(notices.NoticeError):
        notices.start_draft(public_incident, staff["sup1"])


def test_no_other_path_changes_a_published_incident(public_incident, staff):
    public_incident.status = IncidentStatus.CLOSED
    with pytest.raises(notices.ChangeNeedsApproval):
        db.session.flush()
    db.session.rollback()
    incident = db.session.get(Incident, public_incident.id)
    incident.title = "こっそり変更"
    with pytest.raises(notices.ChangeNeedsApproval):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(Incident, public_incident.id).title.startswith("テスト事案")


def test_a_request_made_stale_is_not_applied(public_incident, staff):
    change = notices.request_change(public_incident, {"title": "申請した名称"}, staff["sup1"])
    change_id, incident_id, approver_id = change.id, public_incident.id, staff["sup2"].id
    db.session.commit()
    db.session.close()
    with pytest.raises(DBAPIError, match="approved change request"):
        with db.engine.begin() as connection:  # behind the application's back: the database refuses
            connection.execute(text("UPDATE incident SET title = '別の経路' WHERE id = :id"), {"id": incident_id})
    with db.engine.begin() as connection:  # the request says the title was something else when it was made
        connection.execute(text("UPDATE incident_change SET changes = :c WHERE id = :id"),
                           {"c": json.dumps({"title": ["以前の名称", "申請した名称"]}), "id": change_id})
    change = db.session.get(type(change), change_id)
    with pytest.raises(notices.NoticeError, match="申請の後に事案の内容が変わっています"):
        notices.approve_change(change, db.session.get(User, approver_id))


def test_withdrawing_and_rejecting(public_incident, staff):
    mine = notices.request_change(public_incident, {"title": "取り下げる名称"}, staff["sup1"])
    notices.reject_change(mine, staff["sup1"])
    other = notices.request_change(public_incident, {"title": "却下される名称"}, staff["sup1"])
    notices.reject_change(other, staff["sup2"], "名称は変えない")
    db.session.commit()
    assert [e.action for e in _audit("withdraw_change") + _audit("reject_change")] == ["withdraw_change", "reject_change"]
    assert public_incident.title.startswith("テスト事案")
    with pytest.raises(notices.NoticeError):
        notices.approve_change(other, staff["sup2"])


def test_the_pages_request_show_and_approve_a_change(app, client, login, public_incident, staff):
    login("sup1")
    form = {"slug": public_incident.slug, "title": "ページから申請した名称", "aware_on": "2026-11-01",
            "malicious": "y", "contact_phone": "0120-111-222", "contact_hours": "9:00〜18:00",
            "contact_form_url": "/inquiry", "status": "active", "reason": "名称の表記を統一"}
    response = client.post(f"/admin/incidents/{public_incident.id}/edit", data=form, follow_redirects=True)
    assert "変更を申請しました" in page_text(response)
    assert db.session.get(Incident, public_incident.id).title.startswith("テスト事案")
    mine = page_text(client.get("/admin/"))
    assert "あなたの申請です" in mine and "変更を承認して反映する" not in mine
    other = app.test_client()
    other.post("/login", data={"username": "sup2", "password": "correct horse battery staple"})
    page = page_text(other.get("/admin/"))
    assert "ページから申請した名称" in page and "名称の表記を統一" in page
    change = notices.pending_change(public_incident)
    response = other.post(f"/admin/incidents/changes/{change.id}/approve", follow_redirects=True)
    assert "変更を承認し、反映しました" in page_text(response)
    db.session.expire_all()
    assert db.session.get(Incident, public_incident.id).title == "ページから申請した名称"
