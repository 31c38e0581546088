"""Inquiries: receiving, urgency, the shared queue, claiming, answering, status lookups.

Plain functions over models. Every read of an inquiry's personal data by staff goes
through `open_for` so it is recorded in the audit log.
"""

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, func, or_, select, update

from . import audit, notices
from .extensions import db
from .models import (
    Channel, Inquiry, InquiryCategory, InquiryStatus, MailStatus, OutboxMail, ReplyBy, Role, SearchStat, User,
)
from .models._types import utcnow
from .textnorm import normalize
from .throttle import purge_old

RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
RECEIPT_GROUPS = 3
URGENT_CATEGORIES = {
    InquiryCategory.CARD_FRAUD: "カードの不正利用に関するお問い合わせ",
    InquiryCategory.SUSPICIOUS_CONTACT: "不審な連絡に関するお問い合わせ",
}
URGENT_WORDS = (
    "不正利用", "不正に使", "身に覚えのない", "覚えのない請求", "勝手に使", "引き落とされ", "請求が来",
    "請求がき", "詐欺", "フィッシング", "なりすまし", "偽のメール", "偽メール", "不審なメール", "不審な電話",
    "不審なsms", "怪しいメール", "怪しい電話", "怪しいsms", "電話がかかってき", "お金を要求", "振り込",
    "被害に遭", "被害にあ",
)
QUEUE_VIEWS = ("new", "mine", "waiting", "answered", "all")


class InquiryError(Exception):
    """A rule about inquiries was broken; the message is Japanese."""


@dataclass(frozen=True)
class AnswerChoice:
    """What the agent sent and how it came about."""

    text: str
    channel: str
    template_id: int | None = None
    template_version: int | None = None
    suggested_text: str = ""


def new_receipt() -> str:
    """A receipt number like 'K7QM-2XPA-9HDT': 60 random bits, so it cannot be guessed."""
    groups = ["".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(4)) for _ in range(RECEIPT_GROUPS)]
    return "-".join(groups)


def normalize_receipt(text: str) -> str:
    """What a person typed as a receipt number, in canonical form."""
    raw = unicodedata.normalize("NFKC", text or "").upper()
    chars = [c for c in raw if c in RECEIPT_ALPHABET or c in "01OI"]
    chars = ["0" if c == "O" else ("1" if c == "I" else c) for c in chars]
    joined = "".join(chars)
    return "-".join(joined[i:i + 4] for i in range(0, len(joined), 4))


def normalize_phone(text: str) -> str:
    """Digits of a phone number (full-width digits accepted)."""
    return "".join(c for c in unicodedata.normalize("NFKC", text or "") if c.isdigit())


def urgency(category: InquiryCategory, message: str) -> str:
    """Why an inquiry is urgent (secondary damage), or '' when it is not."""
    if category in URGENT_CATEGORIES:
        return URGENT_CATEGORIES[category]
    text = normalize(message)
    for word in URGENT_WORDS:
        if normalize(word) in text:
            return f"本文に「{word}」を含む"
    return ""


def current_incident():
    """The incident inquiries are about: the newest active one with a published report."""
    incidents = notices.active_incidents()
    return incidents[0] if incidents else None


def token_hash(token: str) -> str:
    """What is stored of a status link token (the token itself is only sent to the customer)."""
    return hashlib.sha256((token or "").encode()).hexdigest()


def receive(values: dict, channel: Channel = Channel.WEB, logged_by: User | None = None) -> Inquiry:
    """Store a new inquiry (not committed) with its receipt number and urgency.

    `inquiry.status_token` (not stored; only its hash is) is the 128-bit secret of the
    customer's status link, for the confirmation mail and the receipt page.
    """
    inquiry = Inquiry(receipt=new_receipt(), channel=channel, **values)
    inquiry.status_token = secrets.token_urlsafe(16)
    inquiry.status_token_hash = token_hash(inquiry.status_token)
    inquiry.urgent_reason = urgency(inquiry.category, inquiry.message)
    inquiry.urgent = bool(inquiry.urgent_reason)
    incident = current_incident()
    inquiry.incident_id = incident.id if incident else None
    if channel is Channel.WEB:
        inquiry.consent_at = utcnow()
    if logged_by is not None:
        inquiry.logged_by_id = logged_by.id
        inquiry.assigned_to_id = logged_by.id
        inquiry.claimed_at = utcnow()
        inquiry.status = InquiryStatus.ASSIGNED
    db.session.add(inquiry)
    db.session.flush()
    audit.record("create", "inquiry", inquiry.id, f"channel={channel.value} urgent={inquiry.urgent}",
                 user=logged_by)
    return inquiry


def by_submission(token: str) -> Inquiry | None:
    """The inquiry an earlier post of the same form created, if any (double submits)."""
    if not token:
        return None
    return db.session.scalar(select(Inquiry).filter_by(submission_token=token[:64]))


def purge_expired(days: int, now: datetime | None = None) -> dict[str, int]:
    """Delete inquiries kept longer than promised, and the mail rows that carried them.

    An inquiry expires `days` after it was answered, or after it arrived when it never
    was. Audit rows stay (they hold no personal data). Returns counts for the log.
    """
    cutoff = (now or utcnow()) - timedelta(days=days)
    expired = select(Inquiry.id).where(or_(Inquiry.answered_at < cutoff,
                                           Inquiry.answered_at.is_(None) & (Inquiry.created_at < cutoff)))
    ids = list(db.session.scalars(expired))
    if ids:
        db.session.execute(delete(Inquiry).where(Inquiry.id.in_(ids)))
    mails = db.session.execute(delete(OutboxMail).where(
        OutboxMail.kind.in_(["inquiry_receipt", "answer", "oncall_alert"]), OutboxMail.created_at < cutoff,
        OutboxMail.status.in_([MailStatus.SENT, MailStatus.FAILED])))
    stats = db.session.execute(delete(SearchStat).where(SearchStat.last_seen < cutoff))
    counts = {"inquiries": len(ids), "mails": mails.rowcount or 0, "rate_events": purge_old(),
              "search_stats": stats.rowcount or 0}
    audit.record("purge", "inquiry", "*", " ".join(f"{k}={v}" for k, v in counts.items()))
    return counts


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


def record_answer(inquiry: Inquiry, agent: User, choice: AnswerChoice) -> None:
    """Store the answer, which template and version it came from, and whether it was edited."""
    _require_handler(inquiry, agent)
    if inquiry.status is InquiryStatus.ANSWERED:
        raise InquiryError("この問い合わせには既に回答しています。")
    if inquiry.assigned_to_id is None:
        raise InquiryError("担当者を決めてから回答してください。")
    if not choice.text.strip():
        raise InquiryError("回答文を入力してください。")
    if choice.channel == "email" and not inquiry.email:
        raise InquiryError("メールアドレスがないため、メールでは回答できません。電話で回答してください。")
    inquiry.answer_text = choice.text.strip()
    inquiry.answer_channel = choice.channel
    inquiry.template_id, inquiry.template_version = choice.template_id, choice.template_version
    inquiry.template_edited = bool(choice.template_id) and _squash(choice.text) != _squash(choice.suggested_text)
    inquiry.status, inquiry.answered_at, inquiry.answered_by_id = InquiryStatus.ANSWERED, utcnow(), agent.id
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
        audit.record("view", "inquiry", inquiry.id, user=user)
    return inquiry


def lookup(receipt: str, contact: str) -> Inquiry | None:
    """The inquiry matching a receipt number and the email or phone given with it, else None.

    Wrong receipt and wrong contact look the same to the caller.
    """
    inquiry = db.session.scalar(select(Inquiry).filter_by(receipt=normalize_receipt(receipt)))
    return _second_factor(inquiry, contact)


def lookup_by_token(token: str, contact: str) -> Inquiry | None:
    """The inquiry of a status link (128-bit token) whose email or phone matches, else None."""
    if not token or len(token) > 64:
        return None
    inquiry = db.session.scalar(select(Inquiry).filter_by(status_token_hash=token_hash(token)))
    return _second_factor(inquiry, contact)


def _second_factor(inquiry: Inquiry | None, contact: str) -> Inquiry | None:
    """`inquiry` when `contact` is the email or phone given with it."""
    given = unicodedata.normalize("NFKC", contact or "").strip()
    if inquiry is None:
        hmac.compare_digest("x", "y")
        return None
    email_ok = bool(inquiry.email) and hmac.compare_digest(given.lower().encode(), inquiry.email.lower().encode())
    phone_ok = bool(inquiry.phone) and bool(normalize_phone(given)) and hmac.compare_digest(
        normalize_phone(given).encode(), normalize_phone(inquiry.phone).encode())
    return inquiry if (email_ok or phone_ok) else None


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
        query = query.order_by(Inquiry.answered_at.desc())
    else:
        query = query.order_by(case((Inquiry.urgent, 0), else_=1), Inquiry.created_at)
    return list(db.session.scalars(query.limit(limit)))


def queue_counts(user: User) -> dict[str, int]:
    """How many inquiries each tab holds."""
    rows = dict(db.session.execute(select(Inquiry.status, func.count(Inquiry.id)).group_by(Inquiry.status)).all())
    mine = db.session.scalar(select(func.count(Inquiry.id)).where(
        Inquiry.assigned_to_id == user.id,
        Inquiry.status.in_([InquiryStatus.ASSIGNED, InquiryStatus.WAITING]))) or 0
    urgent = db.session.scalar(select(func.count(Inquiry.id)).where(
        Inquiry.urgent, or_(Inquiry.status == InquiryStatus.NEW, Inquiry.status == InquiryStatus.ASSIGNED))) or 0
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


def overdue_since(hours: int) -> datetime:
    """The creation time before which an open inquiry counts as overdue."""
    return utcnow() - timedelta(hours=hours)
