"""What admin templates show: plain values built from models, so templates never decide."""

from datetime import date, datetime

from sqlalchemy import select

from .. import notices
from ..extensions import db
from ..models import AuditEvent, FilingKind, Incident, IncidentStatus, Report, ReportState, Role, User
from ..notices import phrasing
from ..notices.consistency import BLOCKING, CORRECTED, JUDGEMENT, WARNING, Finding
from ..notices.report_view import JST, Section, jst

FINDING_GROUPS = (
    (BLOCKING, "公開できない問題", "blocking"),
    (JUDGEMENT, "承認者の判断が必要（判断の理由を記入して承認）", "judgement"),
    (WARNING, "確認事項", "warning"),
    (CORRECTED, "訂正として公表", "corrected"),
)


def today_jst() -> date:
    """Today's date in Japan, where deadlines are counted."""
    return datetime.now(JST).date()


def format_day(day: date) -> str:
    """A date as '2026年11月3日'."""
    return phrasing.format_date(day)


def deadline_rows(incident: Incident, today: date) -> list[dict]:
    """Regulator deadlines with days left and an overdue flag."""
    rows = []
    for deadline in notices.regulator_deadlines(incident):
        state, words = notices.deadline_status(deadline, today)
        rows.append({"label": deadline.label, "due": phrasing.format_date(deadline.due), "status": words,
                     "state": state, "overdue": state == "overdue", "soon": state == "soon"})
    return rows


def regulator_card(incident: Incident, user: User) -> dict:
    """What was filed with the regulator, and whether the incident must be reported."""
    row = notices.reporting_decision(incident)
    return {
        "filings": [{"kind": f.kind.label, "filed_on": phrasing.format_date(f.filed_on), "reference": f.reference,
                     "note": f.note, "by": f.recorded_by.display_name} for f in notices.filings(incident)],
        "decision": None if row is None else {
            "cases": notices.applicable_cases(row), "note": row.note, "by": row.decided_by.display_name,
            "at": jst(row.decided_at), "reviewed_by": row.reviewed_by.display_name if row.reviewed_by else "",
            "can_review": user.has_role(Role.SUPERVISOR) and row.reviewed_by_id is None
            and row.decided_by_id != user.id,
        },
        "case_labels": notices.CASES,
        "checked": {name: bool(row is not None and getattr(row, name)) for name in notices.CASES},
        "kinds": [(k.value, k.label) for k in FilingKind],
        "manager": user.has_role(Role.SUPERVISOR),
    }


def report_row(report: Report) -> dict:
    """One line of the dashboard's report table."""
    return {
        "id": report.id, "label": notices.report_label(report), "state": report.state.label,
        "state_key": report.state.value, "author": report.author.display_name,
        "approver": report.approver.display_name if report.approver else "",
        "published_at": jst(report.published_at), "updated_at": jst(report.updated_at),
    }


def incident_card(incident: Incident, user: User, today: date) -> dict:
    """Everything the dashboard shows about one incident."""
    return {
        "incident": incident, "aware_on": phrasing.format_date(incident.aware_on),
        "deadlines": deadline_rows(incident, today),
        "reports": [report_row(r) for r in incident.reports],
        "can_add_report": user.has_role(Role.SUPERVISOR) and incident.status is IncidentStatus.ACTIVE,
        "can_edit": user.has_role(Role.SUPERVISOR),
        "change": change_card(incident, user),
        "regulator": regulator_card(incident, user),
    }


def change_card(incident: Incident, user: User) -> dict | None:
    """The change of the incident waiting for a second person, as the dashboard shows it."""
    change = notices.pending_change(incident)
    if change is None:
        return None
    mine = change.requested_by_id == user.id
    return {"id": change.id, "rows": notices.describe(change), "reason": change.reason,
            "requested_by": change.requested_by.display_name, "requested_at": jst(change.requested_at),
            "mine": mine, "can_approve": user.has_role(Role.SUPERVISOR) and not mine,
            "can_withdraw": user.has_role(Role.SUPERVISOR)}


def awaiting_for(user: User) -> list[dict]:
    """Reports waiting for approval that this user may approve (not their own)."""
    if not user.has_role(Role.SUPERVISOR):
        return []
    rows = db.session.scalars(select(Report).where(
        Report.state == ReportState.AWAITING_APPROVAL, Report.author_id != user.id).order_by(Report.submitted_at))
    return [{**report_row(r), "incident": r.incident.title, "submitted_at": jst(r.submitted_at)} for r in rows
            if user.id not in notices.editors_of(r)]


def report_flags(report: Report, user: User) -> dict:
    """Which buttons the report page shows to this user."""
    manager = user.has_role(Role.SUPERVISOR)
    open_ = not report.is_published
    awaiting = report.state is ReportState.AWAITING_APPROVAL
    edited = user.id in notices.editors_of(report)
    flags = {
        "can_edit": manager and open_,
        "can_submit": manager and report.state is ReportState.DRAFT,
        "can_approve": manager and awaiting and not edited,
        "own_awaiting": manager and awaiting and report.author_id == user.id,
        "edited_awaiting": manager and awaiting and report.author_id != user.id and edited,
        "can_return": manager and awaiting,
        "can_delete": manager and open_,
    }
    flags["published"] = report.is_published
    flags["view_only"] = open_ and not manager
    return flags


def grouped_findings(findings: list[Finding]) -> list[dict]:
    """Findings in the three groups the page shows, empty groups left out."""
    groups = []
    for severity, title, css in FINDING_GROUPS:
        messages = [f.message for f in findings if f.severity == severity]
        if messages:
            groups.append({"title": title, "css": css, "messages": messages})
    return groups


def last_return_reason(report: Report) -> dict | None:
    """The most recent reason given when the report was sent back to draft."""
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.target_type == "report", AuditEvent.target_id == str(report.id),
        AuditEvent.action == "return").order_by(AuditEvent.id.desc()).limit(1))
    if event is None or report.state is not ReportState.DRAFT:
        return None
    who = event.user.display_name if event.user else ""
    return {"reason": event.detail, "by": who, "at": jst(event.created_at)}


def unwritten_items(sections: list[Section]) -> list[str]:
    """Titles of the items left empty, which the public page leaves out."""
    return [s.title for s in sections if not (s.paragraphs or s.groups)]


def report_summary(report: Report) -> dict:
    """Header facts of the report page."""
    return {
        "label": notices.report_label(report), "state": report.state.label, "state_key": report.state.value,
        "author": report.author.display_name,
        "approver": report.approver.display_name if report.approver else "",
        "created_at": jst(report.created_at), "updated_at": jst(report.updated_at),
        "submitted_at": jst(report.submitted_at), "published_at": jst(report.published_at),
        "preview_tag": "公開中の内容" if report.is_published else "公開時の表示（プレビュー）",
    }
