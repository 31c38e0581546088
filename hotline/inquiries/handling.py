"""The shared queue: tabs, claiming, waiting, answering, and the audited opening of an inquiry.

Every read of an inquiry's personal data by staff goes through `open_for`, so it is
recorded in the audit log. Plain functions over models; callers commit.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from .. import audit, notices
from ..answers import placeholders
from ..extensions import db
from ..models import Channel, Inquiry, InquiryCategory, InquiryStatus, ReplyBy, Role, User
from ..models._types import utcnow
from .intake import InquiryError

QUEUE_VIEWS = ("new", "mine", "waiting", "answered", "all")


@dataclass(frozen=True)
class AnswerChoice:
    """What the agent sent and how it came about."""

    text: str
    channel: str
    template_id: int | None = None
    template_version: int | None = None
    suggested_text: str = ""


def claim(inquiry_id: int, agent: User) -> bool:
    """Assign an unassigned inquiry to `agent`; exactly one of several simultaneous claims wins."""
    result = db.session.execute(
        update(Inquiry)
        .where(Inquiry.id == inquiry_id, Inquiry.assigned_to_id.is_(None),
               Inquiry.status == InquiryStatus.NEW)
        .values(assigned_to_id=agent.id, status=InquiryStatus.ASSIGNED, claimed_at=utcnow(), updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    audit.record("claim", "inquiry", inquiry_id, user=agent)
    return True


def _require_handler(inquiry: Inquiry, user: User) -> None:
    """Only the assigned agent, or a supervisor, may change an assigned inquiry."""
    if inquiry.assigned_to_id != user.id and not user.has_role(Role.SUPERVISOR):
        raise InquiryError("この問い合わせは他の担当者が対応中です。")


def release(inquiry: Inquiry, user: User) -> None:
    """Put an inquiry back into the shared queue."""
    _require_handler(inquiry, user)
    if inquiry.status is InquiryStatus.ANSWERED:
        raise InquiryError("回答済みの問い合わせは戻せません。")
    inquiry.assigned_to_id, inquiry.claimed_at, inquiry.status = None, None, InquiryStatus.NEW
    audit.record("release", "inquiry", inquiry.id, user=user)


def set_waiting(inquiry: Inquiry, user: User, note: str) -> None:
    """Park an assigned inquiry while something is checked; the note is for staff only."""
    _require_handler(inquiry, user)
    if inquiry.status is InquiryStatus.ANSWERED:
        raise InquiryError("回答済みの問い合わせは保留にできません。")
    inquiry.status = InquiryStatus.WAITING
    if note:
        inquiry.staff_note = (inquiry.staff_note + "\n" if inquiry.staff_note else "") + note
    audit.record("wait", "inquiry", inquiry.id, user=user)


def resume(inquiry: Inquiry, user: User) -> None:
    """Take a waiting inquiry up again."""
    _require_handler(inquiry, user)
    if inquiry.status is InquiryStatus.WAITING:
        inquiry.status = InquiryStatus.ASSIGNED
        audit.record("resume", "inquiry", inquiry.id, user=user)


URGENT_MARKS = {
    "fraud": "不正利用の報告", "money": "金銭を要求された報告", "impersonation": "なりすまし・不審な連絡の報告",
    "other_damage": "その他の二次被害の報告",
}
URGENT_UNMARKS = {
    "question": "二次被害の報告ではない（一般的なご質問）", "hypothetical": "仮定やご心配のご質問",
    "duplicate": "同じ方の別の問い合わせで対応済み", "other": "その他",
}


def set_urgent(inquiry: Inquiry, user: User, urgent: bool, code: str, note: str = "") -> None:
    """Mark an inquiry urgent, or take the mark away, for a reason from the fixed lists.

    The audit log keeps the action and the reason's code (no free text: it outlives the
    inquiry); the note, if any, goes into the inquiry's staff note with the reason's label.
    """
    reasons = URGENT_MARKS if urgent else URGENT_UNMARKS
    if user is None or not user.has_role(Role.AGENT):
        raise InquiryError("至急の指定を変えるにはログインが必要です。")
    if code not in reasons:
        raise InquiryError("理由を選んでください。")
    if inquiry.status is InquiryStatus.ANSWERED:
        raise InquiryError("回答済みの問い合わせの至急の指定は変えられません。")
    if inquiry.urgent is urgent:
        raise InquiryError("既に至急です。" if urgent else "至急ではありません。")
    label = reasons[code]
    if urgent:
        inquiry.urgent_reason = f"担当者が至急に指定（{label}）"
    else:
        inquiry.urgent_reason = ""
    inquiry.urgent = urgent
    line = f"{'至急に指定' if urgent else '至急を解除'}：{label}（{user.display_name}）" + (f" {note}" if note else "")
    inquiry.staff_note = (inquiry.staff_note + "\n" if inquiry.staff_note else "") + line
    audit.record("mark_urgent" if urgent else "unmark_urgent", "inquiry", inquiry.id, detail=code, user=user)


def record_answer(inquiry: Inquiry, agent: User, choice: AnswerChoice) -> None:
    """Store the answer, which template and version it came from, and whether it was edited."""
    _require_handler(inquiry, agent)
    if inquiry.status is InquiryStatus.ANSWERED:
        raise InquiryError("この問い合わせには既に回答しています。")
    if inquiry.assigned_to_id is None:
        raise InquiryError("担当者を決めてから回答してください。")
    if not choice.text.strip():
        raise InquiryError("回答文を入力してください。")
    left = placeholders.missing_inputs(choice.text)
    if left:
        raise InquiryError("回答文に入力が必要な箇所が残っています：" + "".join(f"「{label}」" for label in left)
                           + "。【入力してください：…】を書き換えてから送信してください。")
    if choice.channel == "email" and not inquiry.email:
        raise InquiryError("メールアドレスがないため、メールでは回答できません。電話で回答してください。")
    inquiry.answer_text = choice.text.strip()
    inquiry.answer_channel = choice.channel
    inquiry.template_id, inquiry.template_version = choice.template_id, choice.template_version
    inquiry.template_edited = bool(choice.template_id) and _squash(choice.text) != _squash(choice.suggested_text)
    inquiry.status, inquiry.answered_at, inquiry.answered_by_id = InquiryStatus.ANSWERED, utcnow(), agent.id
    latest = notices.latest_published(inquiry.incident) if inquiry.incident else None
    inquiry.answer_report_id = latest.id if latest else None
    audit.record("answer", "inquiry", inquiry.id,
                 f"channel={choice.channel} template={choice.template_id}:{choice.template_version} "
                 f"edited={inquiry.template_edited}", user=agent)


def _squash(text: str) -> str:
    """Text without whitespace differences, to tell real edits from reflowing."""
    return "".join((text or "").split())


def open_for(inquiry_id: int, user: User) -> Inquiry | None:
    """Load an inquiry for a staff member and record that they saw its personal data."""
    inquiry = db.session.get(Inquiry, inquiry_id)
    if inquiry is not None:
        audit.record_view("inquiry", inquiry.id, user=user)
    return inquiry


def queue(view: str, user: User, category: str = "", channel: str = "", limit: int = 200) -> list[Inquiry]:
    """One queue tab: urgent first, then oldest first."""
    query = select(Inquiry)
    if view == "new":
        query = query.where(Inquiry.status == InquiryStatus.NEW)
    elif view == "mine":
        query = query.where(Inquiry.assigned_to_id == user.id,
                            Inquiry.status.in_([InquiryStatus.ASSIGNED, InquiryStatus.WAITING]))
    elif view == "waiting":
        query = query.where(Inquiry.status == InquiryStatus.WAITING)
    elif view == "answered":
        query = query.where(Inquiry.status == InquiryStatus.ANSWERED)
    if category:
        query = query.where(Inquiry.category == InquiryCategory(category))
    if channel:
        query = query.where(Inquiry.channel == Channel(channel))
    if view == "answered":
        return list(db.session.scalars(query.order_by(Inquiry.answered_at.desc()).limit(limit)))
    # Urgent first, then the rest, each oldest first: two reads along the queue index
    # (status, urgent, created_at) instead of sorting every open inquiry.
    urgent = list(db.session.scalars(query.where(Inquiry.urgent.is_(True)).order_by(Inquiry.created_at).limit(limit)))
    if len(urgent) == limit:
        return urgent
    rest = db.session.scalars(query.where(Inquiry.urgent.is_(False)).order_by(Inquiry.created_at)
                              .limit(limit - len(urgent)))
    return urgent + list(rest)


def queue_counts(user: User) -> dict[str, int]:
    """How many inquiries each tab holds."""
    rows = dict(db.session.execute(select(Inquiry.status, func.count(Inquiry.id)).group_by(Inquiry.status)).all())
    mine = db.session.scalar(select(func.count(Inquiry.id)).where(
        Inquiry.assigned_to_id == user.id,
        Inquiry.status.in_([InquiryStatus.ASSIGNED, InquiryStatus.WAITING]))) or 0
    # An urgent report on hold (保留) is still open: it stays in the figure until it is answered.
    urgent = db.session.scalar(select(func.count(Inquiry.id)).where(
        Inquiry.urgent, Inquiry.status != InquiryStatus.ANSWERED)) or 0
    return {"new": rows.get(InquiryStatus.NEW, 0), "mine": mine, "waiting": rows.get(InquiryStatus.WAITING, 0),
            "answered": rows.get(InquiryStatus.ANSWERED, 0), "urgent_open": urgent}


def age_label(created_at: datetime, now: datetime | None = None) -> str:
    """'12分', '3時間', '2日' since the inquiry arrived."""
    seconds = max(0, int(((now or utcnow()) - created_at).total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60}分"
    if seconds < 86400:
        return f"{seconds // 3600}時間"
    return f"{seconds // 86400}日"


def reply_options(inquiry: Inquiry) -> list[tuple[str, str]]:
    """How this inquiry can be answered, the customer's preference first."""
    options = []
    if inquiry.email:
        options.append(("email", "メールで送信"))
    options.append(("phone", "電話で回答した（記録のみ）"))
    if inquiry.reply_by is ReplyBy.PHONE:
        options.sort(key=lambda o: o[0] != "phone")
    return options
