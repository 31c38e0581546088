"""The two public checks: 「お知らせの真偽確認」 (/verify) and 「対象かどうかの確認」 (/affected).

Both answer a wrong input exactly as they answer an unknown one: the same `None`, after
the same work (one indexed lookup, one keyed hash, one constant-time comparison), so
neither the page nor its timing says whether a notice number or member id exists.
Neither ever returns personal data; a found answer carries only what the person
already holds (their groups and what the latest report says of them).
"""

import hmac
import unicodedata
from dataclasses import dataclass
from datetime import date, timezone

from flask import current_app
from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..models import (
    AffectedPerson, DeliveryStatus, Incident, MailStatus, NoticeChannel, NoticeDelivery, NoticeEvent, OutboxMail, Report,
)
from ..notices.contact_window import JST
from ..models._sealed import lookup_hash
from .numbers import CODE_ALPHABET, code_hash
from .people import GroupFacts, facts_for, normalize_number
from .rows import normalize_birth, phone_digits

_DUMMY = "0" * 64
SENT_KINDS = ("sent", "printed")
MODES = {
    "member_phone": ("会員番号", "ご登録の電話番号"),
    "email_birth": ("ご登録のメールアドレス", "生年月日"),
}


@dataclass
class Verified:
    """A notice that is ours: when and how it was sent, and which incident it is about."""

    incident: Incident
    number: str
    sent: list[tuple[date, NoticeChannel]]


@dataclass
class InScope:
    """A person who checked themselves and is on the list."""

    person: AffectedPerson
    report: Report | None
    facts: list[GroupFacts]
    sent: list[tuple[date, NoticeChannel]]


def normalize_code(text: str) -> str:
    """A verification code as typed, upper case, only the characters a code can have."""
    raw = unicodedata.normalize("NFKC", text or "").upper()
    return "".join(c for c in raw if c in CODE_ALPHABET)[:12]


def verify_notice(number: str, code: str) -> Verified | None:
    """The notice with this number and code, if we sent it; None for anything else."""
    number = normalize_number(number)[:20]
    row = db.session.execute(select(AffectedPerson.id, AffectedPerson.verify_hash, AffectedPerson.incident_id)
                             .where(AffectedPerson.notice_number == number)).first()
    matches = hmac.compare_digest(code_hash(number, normalize_code(code)), row.verify_hash if row else _DUMMY)
    if row is None or not matches:
        return None
    sent = _sent(row.id)
    if not sent:
        return None
    return Verified(db.session.get(Incident, row.incident_id), number, sent)


def _sent(person_id: int) -> list[tuple[date, NoticeChannel]]:
    """When and how notices went to a person: the history, and a mail the sender has delivered
    but the campaign's next round has not yet written into it (a person checking /verify the
    minute the notice arrives must not be told it is not ours)."""
    sent = [(on, channel) for on, channel in db.session.execute(
        select(NoticeEvent.happened_on, NoticeEvent.channel).where(
            NoticeEvent.person_id == person_id, NoticeEvent.kind.in_(SENT_KINDS)))]
    delivered = db.session.scalars(select(OutboxMail.sent_at).join(NoticeDelivery, NoticeDelivery.outbox_id == OutboxMail.id)
                                   .where(NoticeDelivery.person_id == person_id,
                                          NoticeDelivery.status == DeliveryStatus.QUEUED,
                                          OutboxMail.status == MailStatus.SENT))
    sent += [(moment.replace(tzinfo=timezone.utc).astimezone(JST).date(), NoticeChannel.EMAIL)
             for moment in delivered if moment is not None]
    return sorted(sent)


def mode() -> str:
    """Which pair /affected asks for (HOTLINE_AFFECTED_CHECK)."""
    configured = current_app.config["AFFECTED_CHECK"]
    return configured if configured in MODES else "member_phone"


def self_check(first: str, second: str) -> InScope | None:
    """The person identified by the configured pair, or None (wrong and unknown alike)."""
    first = unicodedata.normalize("NFKC", first or "").strip()[:254]
    if mode() == "member_phone":
        lookup, column = lookup_hash("member", first), AffectedPerson.member_hash
        given, stored = lookup_hash("phone", phone_digits(second)), AffectedPerson.phone_hash
    else:
        lookup, column = lookup_hash("email", first.lower()), AffectedPerson.email_hash
        given, stored = lookup_hash("birth", normalize_birth(second)), AffectedPerson.birth_hash
    rows = db.session.execute(select(AffectedPerson.id, stored).where(column == (lookup or _DUMMY)).limit(5)).all()
    found = None
    for pid, expected in rows or [(None, _DUMMY)]:
        if hmac.compare_digest(given or "-", expected or _DUMMY) and pid is not None and found is None:
            found = pid
    audit.record("self_check", "affected_person", found or "", "該当あり" if found else "該当なし")
    if found is None:
        return None
    person = db.session.get(AffectedPerson, found)
    report, facts = facts_for(person)
    return InScope(person, report, facts, _sent(person.id))
