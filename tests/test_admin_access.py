"""Admin pages: who may see and change what, and CSRF on every change."""

import re

import pytest
from sqlalchemy import select

from hotline import notices
from hotline.extensions import db
from hotline.models import AffectedGroup, AuditEvent, GroupItem, Incident, IncidentChange, Report, ReportState

from .factories import make_draft, make_incident, publish


@pytest.fixture
def reports(staff):
    """A draft, a report awaiting approval and a published report, all by sup1."""
    incident = make_incident()
    published = publish(make_draft(incident, staff["sup1"]), staff["sup1"], staff["sup2"])
    awaiting = make_draft(incident, staff["sup1"], count_min=200)
    notices.submit_for_approval(awaiting, staff["sup1"])
    draft = make_draft(incident, staff["sup1"], count_min=300)
    change = notices.request_change(incident, {"title": "申請中の名称"}, staff["sup1"])
    db.session.commit()
    return {"incident": incident.id, "published": published.id, "awaiting": awaiting.id, "draft": draft.id,
            "change": change.id}


def snapshot():
    """Everything the admin pages can change, read fresh from the database."""
    db.session.rollback()
    return (
        db.session.execute(select(Incident.id, Incident.slug, Incident.title, Incident.status)
                           .order_by(Incident.id)).all(),
        db.session.execute(select(Report.id, Report.state, Report.number, Report.situation,
                                  Report.approver_id, Report.correction).order_by(Report.id)).all(),
        db.session.execute(select(AffectedGroup.report_id, AffectedGroup.name, AffectedGroup.count_min)
                           .order_by(AffectedGroup.id)).all(),
        db.session.execute(select(GroupItem.group_id, GroupItem.label, GroupItem.status)
                           .order_by(GroupItem.id)).all(),
        db.session.execute(select(IncidentChange.id, IncidentChange.state).order_by(IncidentChange.id)).all(),
    )


def change_requests(ids):
    """Every state-changing admin request, with plausible form data."""
    edit = {"situation": "書き換え", "groups-0-name": "お客様", "groups-0-count_min": "999",
            "groups-0-count_certainty": "provisional", "groups-0-affected": "yes", "groups-0-unit": "件",
            "period_certainty": "provisional", "damage_certainty": "provisional", "cause_certainty": "provisional"}
    incident = {"slug": "new-incident", "title": "新しい事案", "aware_on": "2026-11-01", "status": "active"}
    return [
        ("GET", "/admin/incidents/new", None),
        ("POST", "/admin/incidents/new", incident),
        ("GET", f"/admin/incidents/{ids['incident']}/edit", None),
        ("POST", f"/admin/incidents/{ids['incident']}/edit", {**incident, "slug": "test-incident", "status": "closed"}),
        ("POST", f"/admin/incidents/{ids['incident']}/reports/new", {}),
        ("GET", f"/admin/reports/{ids['draft']}/edit", None),
        ("POST", f"/admin/reports/{ids['draft']}/edit", edit),
        ("POST", f"/admin/reports/{ids['draft']}/submit", {}),
        ("POST", f"/admin/reports/{ids['awaiting']}/approve", {}),
        ("POST", f"/admin/reports/{ids['awaiting']}/return", {"reason": "やり直し"}),
        ("POST", f"/admin/reports/{ids['draft']}/delete", {}),
        ("POST", f"/admin/incidents/changes/{ids['change']}/approve", {}),
        ("POST", f"/admin/incidents/changes/{ids['change']}/reject", {"note": "却下"}),
        ("POST", f"/admin/incidents/{ids['incident']}/filings", {"kind": "preliminary", "filed_on": "2026-11-02"}),
        ("POST", f"/admin/incidents/{ids['incident']}/reporting", {"financial": "y"}),
        ("POST", f"/admin/incidents/{ids['incident']}/reporting/review", {}),
    ]


def test_agent_gets_403_on_every_change_and_nothing_changes(client, login, reports):
    before = snapshot()
    login("agent1")
    for method, url, data in change_requests(reports):
        response = client.open(url, method=method, data=data)
        assert response.status_code == 403, (method, url, response.status_code)
    assert snapshot() == before


def test_every_state_changing_admin_route_is_in_the_agent_matrix(app, reports):
    tested = {(m, re.sub(r"/\d+", "/<id>", u)) for m, u, _ in change_requests(reports)}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin.") and "POST" in rule.methods:
            assert ("POST", re.sub(r"<int:\w+>", "<id>", rule.rule)) in tested, rule.rule


def test_agent_can_view_dashboard_and_reports_without_change_buttons(client, login, reports):
    login("agent1")
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "テスト事案" in dashboard
    assert "新しい報を作成" not in dashboard and "事案を登録" not in dashboard and "事案を編集" not in dashboard
    for key in ("draft", "awaiting", "published"):
        page = client.get(f"/admin/reports/{reports[key]}")
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        for button in ("編集する", "承認を依頼する", "承認して公開する", "差し戻す", "削除する"):
            assert button not in html, (key, button)


def test_agent_sees_no_approval_queue(client, login, reports):
    login("agent1")
    assert "あなたの承認待ち" not in client.get("/admin/").get_data(as_text=True)


def test_anonymous_visitor_is_sent_to_login_from_report_pages(client, reports):
    response = client.get(f"/admin/reports/{reports['draft']}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unknown_report_is_404(client, login, staff):
    login("sup1")
    assert client.get("/admin/reports/999999").status_code == 404


def csrf_token_from(html: str) -> str:
    """The CSRF token of the first form on a page."""
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("action", ["submit", "delete", "edit"])
def test_post_without_csrf_token_is_refused_and_changes_nothing(app, client, login, reports, action):
    login("sup1")
    app.config["WTF_CSRF_ENABLED"] = True
    before = snapshot()
    response = client.post(f"/admin/reports/{reports['draft']}/{action}", data={"situation": "書き換え"})
    assert response.status_code == 400
    assert "リクエストを処理できませんでした" in response.get_data(as_text=True)
    assert snapshot() == before


def test_post_with_csrf_token_from_the_page_is_accepted(app, client, login, reports):
    login("sup2")
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(f"/admin/reports/{reports['awaiting']}").get_data(as_text=True)
    response = client.post(f"/admin/reports/{reports['awaiting']}/approve",
                           data={"csrf_token": csrf_token_from(page), "version": version_from(page)})
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(Report, reports["awaiting"]).state is ReportState.PUBLISHED


def version_from(html: str) -> str:
    """The version of the report the approve button is for."""
    return re.search(r'name="version" value="([0-9a-f]{64})"', html).group(1)


def test_changes_are_recorded_in_the_audit_trail(client, login, reports):
    login("sup2")
    page = client.get(f"/admin/reports/{reports['awaiting']}").get_data(as_text=True)
    client.post(f"/admin/reports/{reports['awaiting']}/approve", data={"version": version_from(page)})
    db.session.rollback()
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.target_type == "report", AuditEvent.target_id == str(reports["awaiting"]))).all()
    assert "publish" in actions
