"""Filings with the regulator (速報, 確報, 追完) and the reporting decision reviewed by a second person."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from hotline import notices
from hotline.extensions import db
from hotline.models import AuditEvent, FilingKind

from .factories import make_incident
from .test_admin_reports import text

TODAY = date(2026, 11, 20)


def _states(incident, today=TODAY):
    return [notices.deadline_status(d, today) for d in notices.regulator_deadlines(incident)]


def test_deadlines_show_filed_due_and_overdue(staff):
    incident = make_incident(aware_on=date(2026, 11, 1), malicious=True)
    assert _states(incident) == [("overdue", "期限切れ：14日超過"), ("due", "あと41日")]
    notices.record_filing(incident, FilingKind.PRELIMINARY, date(2026, 11, 5), staff["sup1"], today=TODAY)
    assert _states(incident)[0] == ("filed", "提出済み（2026年11月5日）")
    assert _states(incident, date(2026, 12, 28))[1] == ("soon", "あと3日")
    notices.record_filing(incident, FilingKind.FINAL, date(2026, 11, 20), staff["sup1"], today=TODAY)
    notices.record_filing(incident, FilingKind.SUPPLEMENT, date(2026, 11, 20), staff["sup2"], today=TODAY)
    assert [s for s, _ in _states(incident)] == ["filed", "filed"]
    kinds = [f.kind for f in notices.filings(incident)]
    assert kinds == [FilingKind.PRELIMINARY, FilingKind.FINAL, FilingKind.SUPPLEMENT]
    actions = db.session.scalars(select(AuditEvent.detail).filter_by(action="file")).all()
    assert actions == ["preliminary 2026-11-05", "final 2026-11-20", "supplement 2026-11-20"]


def test_the_final_reports_60_days_follow_the_decision_on_wrongful_purpose(staff):
    marked = make_incident(slug="marked", aware_on=date(2026, 11, 1), malicious=True)
    plain = make_incident(slug="plain", aware_on=date(2026, 11, 1), malicious=False)
    assert [d.due for d in notices.regulator_deadlines(marked)][1] == date(2026, 12, 31)  # no decision yet: the mark
    assert [d.due for d in notices.regulator_deadlines(plain)][1] == date(2026, 12, 1)
    notices.decide_reporting(marked, {"over_thousand": True}, staff["sup1"])  # not 不正の目的 after all
    notices.decide_reporting(plain, {"wrongful": True}, staff["sup1"], "改ざんされたページからの取得")
    assert [d.label for d in notices.regulator_deadlines(marked)][1] == "確報（発覚から30日以内）"
    assert [d.due for d in notices.regulator_deadlines(plain)][1] == date(2026, 12, 31)


@pytest.mark.parametrize("kind, filed_on, message", [
    (FilingKind.FINAL, date(2026, 11, 5), "確報の前に速報"),
    (FilingKind.PRELIMINARY, date(2026, 10, 1), "発覚日より前"),
    (FilingKind.PRELIMINARY, date(2026, 12, 31), "未来の日付"),
])
def test_filings_that_cannot_be_true_are_refused(staff, kind, filed_on, message):
    incident = make_incident(aware_on=date(2026, 11, 1))
    with pytest.raises(notices.NoticeError, match=message):
        notices.record_filing(incident, kind, filed_on, staff["sup1"], today=TODAY)


def test_a_preliminary_report_is_recorded_once(staff):
    incident = make_incident(aware_on=date(2026, 11, 1))
    notices.record_filing(incident, FilingKind.PRELIMINARY, date(2026, 11, 3), staff["sup1"], today=TODAY)
    with pytest.raises(notices.NoticeError, match="追完"):
        notices.record_filing(incident, FilingKind.PRELIMINARY, date(2026, 11, 4), staff["sup1"], today=TODAY)
    with pytest.raises(notices.NoticeError):
        notices.record_filing(incident, FilingKind.SUPPLEMENT, date(2026, 11, 4), staff["agent"], today=TODAY)


def test_the_reporting_decision_is_reviewed_by_someone_else(staff):
    incident = make_incident()
    notices.decide_reporting(incident, {"wrongful": True, "over_thousand": True}, staff["sup1"], "決済画面の改ざん")
    with pytest.raises(notices.NoticeError, match="判断した本人は確認できません"):
        notices.review_reporting(incident, staff["sup1"])
    row = notices.review_reporting(incident, staff["sup2"])
    assert row.reviewed_by_id == staff["sup2"].id
    assert notices.applicable_cases(row) == [notices.CASES["wrongful"], notices.CASES["over_thousand"]]
    row = notices.decide_reporting(incident, {"wrongful": True}, staff["sup2"])
    assert row.reviewed_by_id is None  # a changed decision is reviewed again


def test_the_dashboard_records_and_shows_filings_and_the_decision(app, client, login, staff):
    incident = make_incident(aware_on=date(2026, 11, 1))
    db.session.commit()
    login("sup1")
    response = client.post(f"/admin/incidents/{incident.id}/filings",
                           data={"kind": "preliminary", "filed_on": "2026-11-04", "reference": "PPC-123"},
                           follow_redirects=True)
    assert "速報の提出を記録しました" in text(response)
    page = text(client.get("/admin/"))
    assert "提出済み（2026年11月4日）" in page and "PPC-123" in page
    client.post(f"/admin/incidents/{incident.id}/reporting", data={"financial": "y", "note": "カード番号"})
    page = text(client.get("/admin/"))
    assert "別の責任者の確認待ち" in page and "この判断を確認する" not in page
    other = app.test_client()
    other.post("/login", data={"username": "sup2", "password": "correct horse battery staple"})
    response = other.post(f"/admin/incidents/{incident.id}/reporting/review", follow_redirects=True)
    assert "報告義務の判断を確認しました" in text(response) and "確認済み" in text(response)
    bad = client.post(f"/admin/incidents/{incident.id}/filings", data={"kind": "final", "filed_on": "2026-13-40"},
                      follow_redirects=True)
    assert "日付は YYYY-MM-DD の形で入力してください" in text(bad)


def test_a_report_names_the_filings_made_by_its_publication_and_no_later_ones(staff):
    from hotline.notices import response_view

    from .factories import make_draft, publish

    incident = make_incident()
    notices.record_filing(incident, FilingKind.PRELIMINARY, incident.aware_on + timedelta(days=2), staff["sup1"],
                          today=incident.aware_on + timedelta(days=2))
    notices.record_filing(incident, FilingKind.POLICE, incident.aware_on + timedelta(days=1), staff["sup1"],
                          today=incident.aware_on + timedelta(days=2))
    first = publish(make_draft(incident, staff["sup1"]), staff["sup1"], staff["sup2"])
    assert response_view.filings(first) == ["個人情報保護委員会には、速報を2026年11月3日に報告いたしました。",
                                            "警察には、2026年11月2日に相談・届出をいたしました。"]
    notices.record_filing(incident, FilingKind.FINAL, incident.aware_on + timedelta(days=30), staff["sup1"],
                          today=incident.aware_on + timedelta(days=30))
    assert "確報" not in "".join(response_view.filings(first))  # the published page does not change
    later = make_draft(incident, staff["sup1"])
    assert "速報を2026年11月3日、確報を2026年12月1日に報告いたしました" in "".join(response_view.filings(later))
