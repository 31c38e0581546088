"""What console templates show: plain values built from inquiries."""

from .. import affected, audit, inquiries, notices
from ..extensions import db
from ..models import AffectedPerson, AnswerTemplate, AuditEvent, FaqEntry, Incident, Inquiry, InquiryStatus, Report, Role, User
from ..notices.report_view import jst

TABS = (("new", "未対応"), ("mine", "自分の担当"), ("waiting", "保留中"), ("answered", "回答済み"), ("all", "すべて"))


def queue_row(inquiry: Inquiry) -> dict:
    """One queue line: no personal data (opening the inquiry is what gets recorded)."""
    return {
        "id": inquiry.id, "receipt": inquiry.receipt, "category": inquiry.category.label,
        "channel": inquiry.channel.label, "status": inquiry.status.label, "status_key": inquiry.status.value,
        "urgent": inquiry.urgent, "urgent_reason": inquiry.urgent_reason,
        "age": inquiries.age_label(inquiry.created_at), "created": jst(inquiry.created_at),
        "assignee": inquiry.assigned_to.display_name if inquiry.assigned_to else "",
        "claimable": inquiry.status is InquiryStatus.NEW,
    }


def inquiry_view(inquiry: Inquiry, user: User) -> dict:
    """Header facts and which buttons this user gets."""
    mine = inquiry.assigned_to_id == user.id
    handler = mine or user.has_role(Role.SUPERVISOR)
    open_ = inquiry.status is not InquiryStatus.ANSWERED
    return {
        "created": jst(inquiry.created_at), "age": inquiries.age_label(inquiry.created_at),
        "answered": jst(inquiry.answered_at), "claimed": jst(inquiry.claimed_at),
        "assignee": inquiry.assigned_to.display_name if inquiry.assigned_to else "",
        "answered_by": inquiry.answered_by.display_name if inquiry.answered_by else "",
        "logged_by": inquiry.logged_by.display_name if inquiry.logged_by else "",
        "can_claim": inquiry.status is InquiryStatus.NEW,
        "can_answer": handler and open_ and inquiry.assigned_to_id is not None,
        "can_release": handler and open_ and inquiry.assigned_to_id is not None,
        "can_wait": handler and inquiry.status is InquiryStatus.ASSIGNED,
        "can_resume": handler and inquiry.status is InquiryStatus.WAITING,
        "taken_by_other": inquiry.assigned_to_id is not None and not mine and open_,
        "message_lines": inquiry.message.split("\n"),
        "listed": affected.listed_groups(inquiry.incident, inquiry.notice_number),
        "answer_lines": inquiry.answer_text.split("\n") if inquiry.answer_text else [],
        "note_lines": inquiry.staff_note.split("\n") if inquiry.staff_note else [],
    }


def group_names(incident) -> list[str]:
    """The names of the groups of people in the incident's latest published report."""
    report = notices.latest_published(incident) if incident is not None else None
    return [group.name for group in report.groups] if report is not None else []


def target_labels(events: list[AuditEvent]) -> dict[int, str]:
    """{event id: what it concerns in words}: receipt numbers, report names, account names."""
    wanted: dict[str, set[int]] = {}
    for e in events:
        if e.target_id.isdigit():
            wanted.setdefault(e.target_type, set()).add(int(e.target_id))
    names: dict[tuple[str, int], str] = {}
    lookups = {
        "inquiry": (Inquiry, lambda row: f"受付番号 {row.receipt}"),
        "report": (Report, lambda row: f"{row.incident.title}（{notices.report_label(row) if row.number else '下書き'}）"),
        "incident": (Incident, lambda row: row.title),
        "answer_template": (AnswerTemplate, lambda row: row.title),
        "faq_entry": (FaqEntry, lambda row: row.question),
        "user": (User, lambda row: f"{row.display_name}（{row.username}）"),
        "affected_person": (AffectedPerson, lambda row: f"お知らせ番号 {row.notice_number}"),
    }
    for kind, ids in wanted.items():
        if kind not in lookups:
            continue
        model, word = lookups[kind]
        for row in db.session.scalars(db.select(model).where(model.id.in_(ids))):
            names[(kind, row.id)] = word(row)
    out = {}
    for e in events:
        kind = audit.TARGET_LABELS.get(e.target_type, e.target_type)
        found = names.get((e.target_type, int(e.target_id))) if e.target_id.isdigit() else None
        out[e.id] = f"{kind}：{found}" if found else (f"{kind} {e.target_id}".strip() if e.target_id else kind)
    return out
