"""What became of the notices: bounces (DSN or a list), returned letters, progress per group and hour.

A bounce arrives as a delivery status notification (a multipart/report mail saved as
.eml) or as a list from the mail provider (one address or notice number per line, or
the first column of a CSV). Either way the person's email stops being used and their
notice goes by letter, or, with no address, the public notice stands in for it.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy

from sqlalchemy import func, select

from .. import audit
from ..extensions import db
from ..models import (
    AffectedMembership, AffectedPerson, DeliveryStatus, Inquiry, NoticeCampaign, NoticeChannel, NoticeDelivery,
    NoticeEvent, Report,
)
from ..models._sealed import lookup_hash
from ..models._types import utcnow
from .campaigns import JST
from .sending import bounced
from .people import normalize_number

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_NUMBER = re.compile(r"\d{4}-?\d{4}-?\d{4}")


@dataclass
class BounceResult:
    """What a bounce file did."""

    moved: int = 0
    unknown: int = 0
    already: int = 0


def bounce_addresses(data: bytes) -> list[str]:
    """Addresses (or notice numbers) a DSN or a bounce list names as undeliverable."""
    message = message_from_bytes(data, policy=policy.default)
    if message.get_content_type() == "multipart/report":
        found = []
        for part in message.walk():
            if part.get_content_type() == "message/delivery-status":
                # One block per recipient, separated by blank lines; only failed ones count.
                for block in re.split(r"\n\s*\n", part.as_string().replace("\r\n", "\n")):
                    if re.search(r"(?im)^Action:\s*failed", block):
                        found += re.findall(r"(?im)^Final-Recipient:\s*rfc822;\s*(\S+)", block)
        return [a.strip("<>").lower() for a in found]
    text = data.decode("utf-8", errors="replace")
    values = []
    for row in csv.reader(io.StringIO(text)):
        cell = (row[0] if row else "").strip()
        if _EMAIL.fullmatch(cell):
            values.append(cell.lower())
        elif _NUMBER.fullmatch(cell):
            values.append(normalize_number(cell))
    return values


def import_bounces(campaign: NoticeCampaign, data: bytes, user) -> BounceResult:
    """Mark the campaign's emails named in a DSN or bounce list as undeliverable."""
    result = BounceResult()
    for value in bounce_addresses(data):
        column, key = ((AffectedPerson.email_hash, lookup_hash("email", value)) if "@" in value
                       else (AffectedPerson.notice_number, value))
        delivery = db.session.scalar(select(NoticeDelivery).join(AffectedPerson).where(
            NoticeDelivery.campaign_id == campaign.id, column == key))
        if delivery is None:
            result.unknown += 1
        elif delivery.channel is not NoticeChannel.EMAIL or delivery.bounced_at is not None:
            result.already += 1
        else:
            bounced(delivery, "不達の通知を取り込み")
            result.moved += 1
    audit.record("import_bounces", "notice_campaign", campaign.id,
                 f"不達{result.moved}件を郵送へ（該当なし{result.unknown}件・処理済み{result.already}件）", user=user)
    return result


def letter_returned(campaign: NoticeCampaign, number: str, user) -> bool:
    """A letter came back: the person is counted for the public notice instead."""
    delivery = db.session.scalar(select(NoticeDelivery).join(AffectedPerson).where(
        NoticeDelivery.campaign_id == campaign.id, AffectedPerson.notice_number == normalize_number(number),
        NoticeDelivery.status == DeliveryStatus.PRINTED))
    if delivery is None:
        return False
    delivery.status = DeliveryStatus.RETURNED
    delivery.person.letter_returned = True
    db.session.add(NoticeEvent(person_id=delivery.person_id, kind="returned", channel=NoticeChannel.LETTER,
                               report_id=campaign.report_id, happened_on=utcnow().date()))
    audit.record("letter_returned", "affected_person", delivery.person_id, f"お知らせ{campaign.id}", user=user)
    return True


@dataclass
class Progress:
    """Counts per group and status, bounces, and the hourly series for the chart."""

    by_group: dict[str, dict[DeliveryStatus, int]] = field(default_factory=dict)
    totals: dict[DeliveryStatus, int] = field(default_factory=dict)
    bounced: int = 0
    bounced_by_group: dict[str, int] = field(default_factory=dict)
    hours: list[tuple[datetime, int, int]] = field(default_factory=list)


def progress(campaign: NoticeCampaign, now: datetime | None = None, hours: int = 48) -> Progress:
    """Where every notice of the campaign is, and notices sent against inquiries, hour by hour."""
    out = Progress(totals={s: 0 for s in DeliveryStatus})
    rows = db.session.execute(
        select(AffectedMembership.group_name, NoticeDelivery.status, func.count(func.distinct(NoticeDelivery.id)))
        .join(AffectedMembership, AffectedMembership.person_id == NoticeDelivery.person_id)
        .where(NoticeDelivery.campaign_id == campaign.id)
        .group_by(AffectedMembership.group_name, NoticeDelivery.status)).all()
    order = {g.name: i for i, g in enumerate(db.session.get(Report, campaign.report_id).groups)}
    for group, status, count in sorted(rows, key=lambda r: order.get(r[0], len(order))):
        out.by_group.setdefault(group, {s: 0 for s in DeliveryStatus})[status] = count
    for status, count in db.session.execute(select(NoticeDelivery.status, func.count(NoticeDelivery.id)).where(
            NoticeDelivery.campaign_id == campaign.id).group_by(NoticeDelivery.status)):
        out.totals[status] = count
    out.bounced = db.session.scalar(select(func.count(NoticeDelivery.id)).where(
        NoticeDelivery.campaign_id == campaign.id, NoticeDelivery.bounced_at.is_not(None))) or 0
    bounced = dict(db.session.execute(
        select(AffectedMembership.group_name, func.count(func.distinct(NoticeDelivery.id)))
        .join(AffectedMembership, AffectedMembership.person_id == NoticeDelivery.person_id)
        .where(NoticeDelivery.campaign_id == campaign.id, NoticeDelivery.bounced_at.is_not(None))
        .group_by(AffectedMembership.group_name)).all())
    out.bounced_by_group = {group: bounced.get(group, 0) for group in out.by_group}
    now = (now or utcnow()).replace(minute=0, second=0, microsecond=0)
    start = now - timedelta(hours=hours - 1)
    sent = _per_hour(select(NoticeDelivery.done_at).where(
        NoticeDelivery.campaign_id == campaign.id, NoticeDelivery.status == DeliveryStatus.SENT,
        NoticeDelivery.done_at >= start))
    asked = _per_hour(select(Inquiry.created_at).where(Inquiry.created_at >= start))
    out.hours = [(start + timedelta(hours=i), sent.get(start + timedelta(hours=i), 0),
                  asked.get(start + timedelta(hours=i), 0)) for i in range(hours)]
    return out


def _per_hour(query) -> dict[datetime, int]:
    counts: dict[datetime, int] = {}
    for (moment,) in db.session.execute(query):
        if moment is not None:
            hour = moment.replace(minute=0, second=0, microsecond=0)
            counts[hour] = counts.get(hour, 0) + 1
    return counts


def jst_hour(moment: datetime) -> str:
    """'12/2 15時' in Japan, for the chart's axis."""
    local = moment.replace(tzinfo=timezone.utc).astimezone(JST)
    return f"{local.month}/{local.day} {local.hour}時"
