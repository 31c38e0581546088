"""What admin templates show: plain values built from models, so templates never decide."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from .. import notices, phrasing
from ..consistency import BLOCKING, CORRECTED, WARNING, Finding
from ..extensions import db
from ..models import AuditEvent, Certainty, Incident, IncidentStatus, Report, ReportState, Role, User

JST = timezone(timedelta(hours=9))
FINDING_GROUPS = (
    (BLOCKING, "公開できない問題", "blocking"),
    (WARNING, "確認事項", "warning"),
    (CORRECTED, "訂正として公表", "corrected"),
)


@dataclass
class Section:
    """One numbered item of the notice as readers will see it."""

    title: str
    paragraphs: list[str]
    rows: list[tuple[str, str, str]] = field(default_factory=list)


def today_jst() -> date:
    """Today's date in Japan, where deadlines are counted."""
    return datetime.now(JST).date()


def format_day(day: date) -> str:
    """A date as '2026年11月3日'."""
    return phrasing.format_date(day)


def jst(moment: datetime | None) -> str:
    """A stored UTC time as '2026年11月3日 15:00'."""
    if moment is None:
        return ""
    local = moment.replace(tzinfo=timezone.utc).astimezone(JST)
    return f"{phrasing.format_date(local.date())} {local:%H:%M}"


def deadline_rows(incident: Incident, today: date) -> list[dict]:
    """Regulator deadlines with days left and an overdue flag."""
    rows = []
    for deadline in notices.regulator_deadlines(incident):
        left = (deadline.due - today).days
        if left > 0:
            status = f"あと{left}日"
        elif left == 0:
            status = "本日が期限"
        else:
            status = f"{-left}日超過"
        rows.append({"label": deadline.label, "due": phrasing.format_date(deadline.due),
                     "status": status, "overdue": left < 0, "soon": 0 <= left <= 3})
    return rows


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
    }


def awaiting_for(user: User) -> list[dict]:
    """Reports waiting for approval that this user may approve (not their own)."""
    if not user.has_role(Role.SUPERVISOR):
        return []
    rows = db.session.scalars(select(Report).where(
        Report.state == ReportState.AWAITING_APPROVAL, Report.author_id != user.id).order_by(Report.submitted_at))
    return [{**report_row(r), "incident": r.incident.title, "submitted_at": jst(r.submitted_at)} for r in rows]


def report_flags(report: Report, user: User) -> dict:
    """Which buttons the report page shows to this user."""
    manager = user.has_role(Role.SUPERVISOR)
    open_ = not report.is_published
    awaiting = report.state is ReportState.AWAITING_APPROVAL
    flags = {
        "can_edit": manager and open_,
        "can_submit": manager and report.state is ReportState.DRAFT,
        "can_approve": manager and awaiting and report.author_id != user.id,
        "own_awaiting": manager and awaiting and report.author_id == user.id,
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


def paragraphs(text: str) -> list[str]:
    """Split text into paragraphs at blank lines or line breaks."""
    return [p.strip() for p in (text or "").split("\n") if p.strip()]


def _fact(text: str, certainty: Certainty) -> list[str]:
    """A free-text fact followed by its caveat while provisional."""
    if not text.strip():
        return ["現在調査中です。" + phrasing.STILL_INVESTIGATING] if certainty is Certainty.PROVISIONAL else []
    caveat = phrasing.fact_caveat(certainty)
    return paragraphs(text) + ([caveat] if caveat else [])


def _contact(report: Report) -> list[str]:
    """The contact window lines."""
    lines = []
    if report.contact_phone:
        lines.append(f"電話：{report.contact_phone}")
    if report.contact_hours:
        lines.append(f"受付時間：{report.contact_hours}")
    if report.contact_form_url:
        lines.append(f"お問い合わせフォーム：{report.contact_form_url}")
    return lines


def preview_sections(report: Report) -> list[Section]:
    """The twelve items in order, worded with the caveats their certainty needs."""
    r = report
    rows = [(row.category.label, row.status.label, row.note)
            for row in sorted(r.categories, key=lambda row: row.category.order)]
    return [
        Section("1. 事故発生の状況", paragraphs(r.situation)),
        Section("2. お詫び", paragraphs(r.apology)),
        Section("3. 発生と発覚の経緯", paragraphs(r.background)),
        Section("4. 漏えいした期間", [phrasing.period_sentence(r)]),
        Section("5. 漏えいした情報の内容・件数", phrasing.category_sentences(r) + [phrasing.count_sentence(r)], rows),
        Section("6. 現在発生している被害の状況", _fact(r.damage, r.damage_certainty)),
        Section("7. 漏えいの原因", _fact(r.cause, r.cause_certainty)),
        Section("8. 事実調査の方法と講じた処置", paragraphs(r.investigation)),
        Section("9. 予想される二次被害と防止措置", paragraphs(r.secondary_risks)),
        Section("お客様へのお願い", paragraphs(r.customer_actions)),
        Section("10. 今後の対応", paragraphs(r.next_steps)),
        Section("11. 再発防止策", paragraphs(r.prevention)),
        Section("12. お問い合わせ窓口", _contact(r)),
    ]


def report_summary(report: Report) -> dict:
    """Header facts of the report page."""
    return {
        "label": notices.report_label(report), "state": report.state.label, "state_key": report.state.value,
        "author": report.author.display_name,
        "approver": report.approver.display_name if report.approver else "",
        "created_at": jst(report.created_at), "updated_at": jst(report.updated_at),
        "submitted_at": jst(report.submitted_at), "published_at": jst(report.published_at),
        "correction": paragraphs(report.correction), "is_final": report.is_final,
        "provisional": phrasing.has_provisional_facts(report),
        "preview_tag": "公開中の内容" if report.is_published else "公開時の表示（プレビュー）",
    }
