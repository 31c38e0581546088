"""Incidents and reports: drafting, review, publication. Plain functions over models.

What public pages read of them is in public_reads."""

from blinker import Namespace
from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..models import Certainty, Incident, IncidentStatus, Report, ReportState, Role, User
from ..models._types import utcnow
from .versions import CARRIED_OVER, FACT_FIELDS, TEXT_FIELDS, content_hash, editors_of, record_edit
from . import groups as group_rows
from . import phrasing
from ..cleaning import clean_text
from .consistency import Finding, check_report, is_blocked, needs_judgement

FROZEN_MESSAGE = "公開済みの報は変更できません。訂正は次の報で行ってください。"

report_published = Namespace().signal("report-published")
"""Sent with the report inside the publishing transaction, right after it became public.

Receivers (hotline.answers flags the templates whose facts changed) run in the same
transaction, so a failure rolls the publication back with them.
"""


class NoticeError(Exception):
    """A rule about reports was broken; the message is Japanese and shown to staff."""


class ReportFrozen(NoticeError):
    """A published report was about to change."""


class PublishBlocked(NoticeError):
    """The consistency check found blocking problems."""

    message = "整合性チェックで公開できない問題が見つかりました。"

    def __init__(self, findings: list[Finding]):
        super().__init__(self.message)
        self.findings = findings


class JudgementRequired(PublishBlocked):
    """A finding needs the approver's written reason, and none was given."""

    message = "承認者の判断が必要な事項があります。確かめた根拠を「判断の理由」に記入してから承認してください。"


def published_reports(incident: Incident) -> list[Report]:
    """Published reports of an incident, oldest first."""
    return sorted((r for r in incident.reports if r.is_published), key=lambda r: r.number)


def latest_published(incident: Incident) -> Report | None:
    """The newest published report, or None."""
    reports = published_reports(incident)
    return reports[-1] if reports else None


def prospective_number(report: Report) -> int:
    """The number a report has, or would get if it were published now."""
    if report.number is not None:
        return report.number
    return len(published_reports(report.incident)) + 1


def report_label(report: Report) -> str:
    """第N報, 最終報告, or 追加のお知らせ after the final report, as readers see it."""
    after_final = any(r.is_final for r in earlier_published(report))
    return phrasing.report_name(prospective_number(report), report.is_final, after_final)


def earlier_published(report: Report) -> list[Report]:
    """Published reports that came before this one."""
    return [r for r in published_reports(report.incident) if r.id != report.id and
            (report.number is None or r.number < report.number)]


def create_incident(**fields) -> Incident:
    """Create an incident (slug, title, aware_on, contact window …)."""
    slug = fields.get("slug", "")
    if db.session.scalar(select(Incident).filter_by(slug=slug)):
        raise NoticeError("そのスラッグは既に使われています。")
    incident = Incident(**fields)
    db.session.add(incident)
    db.session.flush()
    audit.record("create", "incident", incident.id)
    return incident


def start_draft(incident: Incident, author: User) -> Report:
    """A new draft, prefilled from the latest published report or the incident."""
    require_role(author, Role.SUPERVISOR, "報の作成には責任者以上の権限が必要です。")
    if incident.status is IncidentStatus.CLOSED:
        raise NoticeError("収束した事案には新しい報を作成できません。")
    report = Report(author=author, state=ReportState.DRAFT)
    with db.session.no_autoflush:
        prefill(report, incident)
    db.session.add(report)
    record_edit(report, author)
    db.session.flush()
    audit.record("create", "report", report.id, user=author)
    return report


def unsaved_draft(incident: Incident) -> Report:
    """A draft built like start_draft, kept out of the session (for checking files)."""
    report = Report(is_final=False, state=ReportState.DRAFT, period_start=None, period_end=None,
                    **{name: "" for name in TEXT_FIELDS},
                    **{f"{name}_certainty": Certainty.PROVISIONAL for name in ("period", "cause", "damage")})
    with db.session.no_autoflush:
        prefill(report, incident, attach=False)
    return report


def prefill(report: Report, incident: Incident, attach: bool = True) -> None:
    """Copy what the latest published report said, or the incident's contact window."""
    previous = latest_published(incident)
    if attach:
        report.incident = incident
    if previous is None:
        report.contact_phone = incident.contact_phone
        report.contact_hours = incident.contact_hours
        report.contact_form_url = incident.contact_form_url
        return
    for name in CARRIED_OVER:
        setattr(report, name, getattr(previous, name))
    group_rows.replace_groups(report, [group_rows.spec_of(g) for g in previous.groups])


def update_draft(report: Report, fields: dict, groups: list | None = None, *, editor: User) -> Report:
    """Change a draft's fields and, if given, its groups of people (a list of GroupSpec).

    The editor joins the people who wrote the report, none of whom may approve it; an
    edit of a report awaiting approval sends it back to draft, to be submitted again.
    """
    require_role(editor, Role.SUPERVISOR, "報の編集には責任者以上の権限が必要です。")
    ensure_editable(report)
    for name, value in fields.items():
        if name not in TEXT_FIELDS + FACT_FIELDS:
            raise NoticeError(f"不明な項目です: {name}")
        setattr(report, name, value)
    if groups is not None:
        try:
            group_rows.replace_groups(report, groups)
        except group_rows.GroupError as error:
            raise NoticeError(str(error)) from error
    detail = ""
    if report.state is ReportState.AWAITING_APPROVAL:
        report.state = ReportState.DRAFT
        report.submitted_at = None
        detail = "承認待ちの報が編集されたため下書きに戻りました"
    record_edit(report, editor)
    audit.record("update", "report", report.id, detail=detail, user=editor)
    return report


def findings_for(report: Report) -> list[Finding]:
    """Run the consistency check against every earlier published report."""
    return check_report(report, earlier_published(report))


def submit_for_approval(report: Report, user: User) -> list[Finding]:
    """Send a draft to a second person; refused while blocking findings remain."""
    require_role(user, Role.SUPERVISOR, "承認依頼には責任者以上の権限が必要です。")
    if report.state is not ReportState.DRAFT:
        raise NoticeError("下書きの報だけを承認依頼できます。")
    findings = findings_for(report)
    if is_blocked(findings):
        raise PublishBlocked(findings)
    report.state = ReportState.AWAITING_APPROVAL
    report.submitted_at = utcnow()
    audit.record("submit", "report", report.id, user=user)
    return findings


def return_to_draft(report: Report, user: User, reason: str = "") -> None:
    """An approver sends a report back to its author."""
    require_role(user, Role.SUPERVISOR, "差し戻しには責任者以上の権限が必要です。")
    if report.state is not ReportState.AWAITING_APPROVAL:
        raise NoticeError("承認待ちの報だけを差し戻せます。")
    report.state = ReportState.DRAFT
    report.submitted_at = None
    audit.record("return", "report", report.id, detail=reason[:200], user=user)


def approve_and_publish(report: Report, approver: User, seen_hash: str, judgement: str = "") -> Report:
    """Second person approves: the report gets its number and becomes public and frozen.

    `seen_hash` is the content_hash of the version the approver was shown; a report that
    changed since then is not published. Nobody who wrote any version may approve it.
    A finding that needs a person's judgement publishes only with the approver's written
    `judgement`, kept with the report.
    """
    require_role(approver, Role.SUPERVISOR, "承認には責任者以上の権限が必要です。")
    if report.state is not ReportState.AWAITING_APPROVAL:
        raise NoticeError("承認待ちの報だけを承認できます。")
    if report.author_id == approver.id:
        raise NoticeError("作成者本人は自分の報を承認できません。別の責任者に承認を依頼してください。")
    if approver.id in editors_of(report):
        raise NoticeError("この報を編集した方は承認できません。編集に加わっていない別の責任者に承認を依頼してください。")
    db.session.flush()  # the content as approved is written while the report is still a draft
    version = content_hash(report)
    if seen_hash != version:
        raise NoticeError("確認いただいた後に内容が変わりました。最新の内容をもう一度確認してから承認してください。")
    findings = findings_for(report)
    if is_blocked(findings):
        raise PublishBlocked(findings)
    judgement = clean_text(judgement or "").strip()[:1000]
    if needs_judgement(findings) and not judgement:
        raise JudgementRequired(findings)
    # Only what the approver writes now: never a value stored on the draft before approval.
    report.approver_judgement = judgement if needs_judgement(findings) else ""
    report.number = len(published_reports(report.incident)) + 1
    report.approver = approver
    report.published_at = utcnow()
    report.state = ReportState.PUBLISHED  # the final report leaves the incident open: 収束 is its own step
    detail = f"version={version[:16]}" + (f" judgement={report.approver_judgement[:150]}" if report.approver_judgement else "")
    audit.record("publish", "report", report.id, detail=detail, user=approver)
    report_published.send(report)
    return report


def delete_draft(report: Report, user: User) -> None:
    """Discard an unpublished report."""
    require_role(user, Role.SUPERVISOR, "削除には責任者以上の権限が必要です。")
    ensure_editable(report)
    audit.record("delete", "report", report.id, user=user)
    db.session.delete(report)


def require_role(user: User | None, role: Role, message: str) -> None:
    """Refuse users below `role`."""
    if user is None or not user.has_role(role):
        raise NoticeError(message)


def ensure_editable(report: Report) -> None:
    """Refuse changes to published reports."""
    if report.is_published:
        raise ReportFrozen(FROZEN_MESSAGE)
