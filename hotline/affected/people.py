"""One person on the list: what the latest published report says about their groups, and finding them.

`facts_for` reads the typed facts (groups and their items) of the latest published
report, so a person, a page, a notice and an agent's answer say the same thing.
`find` is the agents' exact-match lookup (notice number, member id, phone or email),
audited on every call that shows someone.
"""

import unicodedata
from dataclasses import dataclass

from sqlalchemy import case, func, select

from .. import audit
from ..extensions import db
from ..models import (
    AffectedGroup, AffectedPerson, GroupItem, Incident, LeakStatus, MergeCandidate, MergeState, NoticeChannel, NoticeEvent,
    Report,
)
from ..models._sealed import lookup_hash
from ..notices import latest_published
from .rows import phone_digits

LOOKUP_KINDS = {"notice": "お知らせ番号", "member": "会員番号", "phone": "電話番号", "email": "メールアドレス"}
MAX_FOUND = 20


@dataclass
class GroupFacts:
    """One of a person's groups as the latest published report states it."""

    name: str
    group: AffectedGroup | None

    @property
    def items(self) -> list[GroupItem]:
        """The group's data items, as published."""
        return list(self.group.items) if self.group is not None else []

    @property
    def leaked(self) -> list[GroupItem]:
        """Items confirmed, likely or possibly leaked."""
        return [i for i in self.items if i.status.may_have_leaked]

    @property
    def investigating(self) -> list[GroupItem]:
        """Items still under investigation."""
        return [i for i in self.items if i.status == LeakStatus.INVESTIGATING]

    @property
    def safe(self) -> list[GroupItem]:
        """Items confirmed not leaked or not held."""
        return [i for i in self.items if i.status in (LeakStatus.NOT_LEAKED, LeakStatus.NOT_HELD)]


def facts_for(person: AffectedPerson, report: Report | None = None) -> tuple[Report | None, list[GroupFacts]]:
    """What a report (by default the latest published one) says of each of the person's groups."""
    report = report or latest_published(person.incident)
    by_name = {g.name: g for g in report.groups} if report is not None else {}
    return report, [GroupFacts(name, by_name.get(name)) for name in person.group_names]


def items_sentence(facts: list[GroupFacts]) -> str:
    """「氏名（漏えいを確認）、クレジットカード番号（漏えいの可能性を否定できない）」 over all groups.

    An item listed in several groups is named once, with the strongest status any group gives it.
    """
    order = list(LeakStatus)
    strongest: dict[str, LeakStatus] = {}
    for group in facts:
        for item in group.leaked + group.investigating:
            known = strongest.get(item.label)
            if known is None or order.index(item.status) < order.index(known):
                strongest[item.label] = item.status
    return "、".join(f"{label}（{status.label}）" for label, status in strongest.items())


def phone_display(digits: str) -> str:
    """Digits of a phone number with the usual hyphens (090-1234-5678, 03-1234-5678, 0120-123-456)."""
    if len(digits) == 11 and digits[:3] in ("070", "080", "090", "050"):
        return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    if len(digits) == 10 and digits[:4] in ("0120", "0800"):
        return f"{digits[:4]}-{digits[4:7]}-{digits[7:]}"
    if len(digits) == 10 and digits[:2] in ("03", "06"):
        return f"{digits[:2]}-{digits[2:6]}-{digits[6:]}"
    return digits


def normalize_number(text: str) -> str:
    """A notice number as typed ('４８２１ ０９３７-5516') in canonical form."""
    digits = "".join(c for c in unicodedata.normalize("NFKC", text or "") if c.isdigit())
    return "-".join(digits[i:i + 4] for i in range(0, len(digits), 4))


def find(incident: Incident | None, kind: str, value: str, user) -> list[AffectedPerson]:
    """People matching one exact value; each one shown is recorded in the audit log."""
    value = unicodedata.normalize("NFKC", value or "").strip()
    if not value or kind not in LOOKUP_KINDS:
        return []
    query = select(AffectedPerson)
    if incident is not None:
        query = query.where(AffectedPerson.incident_id == incident.id)
    if kind == "notice":
        query = query.where(AffectedPerson.notice_number == normalize_number(value))
    elif kind == "member":
        query = query.where(AffectedPerson.member_hash == lookup_hash("member", value))
    elif kind == "phone":
        query = query.where(AffectedPerson.phone_hash == lookup_hash("phone", phone_digits(value) or value))
    else:
        query = query.where(AffectedPerson.email_hash == lookup_hash("email", value.lower()))
    people = list(db.session.scalars(query.order_by(AffectedPerson.id).limit(MAX_FOUND)))
    audit.record("search", "affected_list", incident.id if incident else "",
                 f"{LOOKUP_KINDS[kind]}で検索: {len(people)}件", user=user)
    for person in people:
        audit.record_view("affected_person", person.id, "検索結果", user=user)
    return people


def open_person(person_id: int, user) -> AffectedPerson | None:
    """One person, for a staff page; the view is recorded."""
    person = db.session.get(AffectedPerson, person_id)
    if person is not None:
        audit.record_view("affected_person", person.id, user=user)
    return person


def history(person: AffectedPerson) -> list[NoticeEvent]:
    """The person's notice history, oldest first."""
    return list(db.session.scalars(
        select(NoticeEvent).where(NoticeEvent.person_id == person.id).order_by(NoticeEvent.happened_on, NoticeEvent.id)))


def open_candidates(incident: Incident) -> list[MergeCandidate]:
    """Uncertain merges waiting for a supervisor."""
    return list(db.session.scalars(select(MergeCandidate).where(
        MergeCandidate.incident_id == incident.id, MergeCandidate.state == MergeState.OPEN).order_by(MergeCandidate.id)))


def listed_groups(incident: Incident | None, number: str) -> list[str] | None:
    """The groups of the person with this notice number in the incident's list; None when nobody has it."""
    if incident is None or not number:
        return None
    person = db.session.scalar(select(AffectedPerson).where(
        AffectedPerson.incident_id == incident.id, AffectedPerson.notice_number == normalize_number(number)))
    return person.group_names if person is not None else None


def channel_counts(incident: Incident) -> dict[NoticeChannel, int]:
    """How many people of the list each channel reaches (AffectedPerson.channel's rule), counted by
    the database without opening a sealed value: emptiness is stored in clear."""
    P = AffectedPerson
    email = (P.email != "") & P.email_bounced.is_(False)
    letter = (P.address != "") & (P.postal_code != "") & P.letter_returned.is_(False)
    total, by_email, by_letter = db.session.execute(
        select(func.count(P.id), func.count(case((email, 1))), func.count(case((~email & letter, 1))))
        .where(P.incident_id == incident.id)).one()
    return {NoticeChannel.EMAIL: by_email, NoticeChannel.LETTER: by_letter,
            NoticeChannel.NONE: total - by_email - by_letter}

