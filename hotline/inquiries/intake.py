"""Inquiries as they arrive: receipt numbers, urgency, intake, status lookups, retention.

Plain functions over models; callers commit. The queue that agents work from is in
hotline.inquiries.handling.
"""

import hashlib
import hmac
import secrets
import unicodedata
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select

from .. import audit, notices
from ..extensions import db, insert_object
from ..models import (
    Callback, CallbackStatus, Channel, Inquiry, InquiryCategory, InquiryStatus, MailStatus, OutboxMail, SearchStat,
    User,
)
from ..models._types import utcnow
from ..throttle import purge_old
from . import urgent

RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
RECEIPT_GROUPS = 3
URGENT_CATEGORIES = {
    InquiryCategory.CARD_FRAUD: "カードの不正利用に関するお問い合わせ",
    InquiryCategory.SUSPICIOUS_CONTACT: "不審な連絡に関するお問い合わせ",
}


class InquiryError(Exception):
    """A rule about inquiries was broken; the message is Japanese."""


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
    return urgent.reason(message)


def current_incident():
    """The incident inquiries are about: the newest active one with a published report."""
    incidents = notices.active_incidents()
    return incidents[0] if incidents else None


def current_incident_id() -> int | None:
    """The id of current_incident (read before a write transaction, see extensions.reads_first)."""
    ids = notices.active_incident_ids()
    return ids[0] if ids else None


LOOK_UP = object()  # receive(): find the current incident itself


def token_hash(token: str) -> str:
    """What is stored of a status link token (the token itself is only sent to the customer)."""
    return hashlib.sha256((token or "").encode()).hexdigest()


def receive(values: dict, channel: Channel = Channel.WEB, logged_by: User | None = None,
            incident_id=LOOK_UP, before_write=None) -> Inquiry:
    """Store a new inquiry (not committed) with its receipt number and urgency.

    `inquiry.status_token` (not stored; only its hash is) is the 128-bit secret of the
    customer's status link, for the confirmation mail and the receipt page. `before_write`
    (the confirmation mail) runs with the inquiry before anything is written: on SQLite
    the write lock is then held for the inserts and the commit only.
    """
    inquiry = Inquiry(receipt=new_receipt(), channel=channel, **values)
    inquiry.status_token = secrets.token_urlsafe(16)
    inquiry.status_token_hash = token_hash(inquiry.status_token)
    inquiry.urgent_reason = urgency(inquiry.category, inquiry.message)
    inquiry.urgent = bool(inquiry.urgent_reason)
    inquiry.incident_id = current_incident_id() if incident_id is LOOK_UP else incident_id
    if channel is Channel.WEB:
        inquiry.consent_at = utcnow()
    if logged_by is not None:
        inquiry.logged_by_id = logged_by.id
        inquiry.assigned_to_id = logged_by.id
        inquiry.claimed_at = utcnow()
        inquiry.status = InquiryStatus.ASSIGNED
    if before_write is not None:
        before_write(inquiry)
    insert_object(inquiry)
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
        OutboxMail.kind.in_(["inquiry_receipt", "answer", "oncall_alert", "callback"]), OutboxMail.created_at < cutoff,
        OutboxMail.status.in_([MailStatus.SENT, MailStatus.FAILED])))
    stats = db.session.execute(delete(SearchStat).where(SearchStat.last_seen < cutoff))
    calls = db.session.execute(delete(Callback).where(Callback.status != CallbackStatus.SCHEDULED,
                                                      Callback.updated_at < cutoff))
    counts = {"inquiries": len(ids), "mails": mails.rowcount or 0, "rate_events": purge_old(),
              "search_stats": stats.rowcount or 0, "callbacks": calls.rowcount or 0}
    audit.record("purge", "inquiry", "*", " ".join(f"{k}={v}" for k, v in counts.items()))
    return counts


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
