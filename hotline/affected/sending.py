"""Sending a running campaign: the pace, the sending hours, the automatic pause, and what became of each mail.

`pump` runs at every round of the mail sender (hotline.mail.cli.on_round). For each
running campaign it first records what the sender finished (sent: the person's
history; refused for good: the notice goes by letter), then moves as many emails into
the outbox as the pace allows: a bucket filled at `pace_per_hour` that holds five
minutes' worth, only within the sending hours in Japan, and not at all while the
inquiry backlog or the oldest unanswered inquiry is past its threshold (the campaign
then pauses itself, with the reason, until a supervisor resumes it).
"""

from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import audit
from ..extensions import db
from ..mail import MailError, enqueue
from ..models import (
    AffectedPerson, CampaignState, DeliveryStatus, Inquiry, InquiryStatus, MailStatus, NoticeCampaign, NoticeChannel,
    NoticeDelivery, NoticeEvent, OutboxMail, Report,
)
from ..models._types import utcnow
from . import gifts, notice_text, recontact
from .campaigns import JST, KIND, MAX_BATCH, pause, why_not_sendable
from .people import facts_for


OPEN = (InquiryStatus.NEW, InquiryStatus.ASSIGNED, InquiryStatus.WAITING)


def backlog(now: datetime, cap: int | None = None) -> tuple[int, int]:
    """Unanswered inquiries (counted up to `cap`), and the age in minutes of the oldest one.

    Both read a few entries of the queue index, not every open inquiry: the count stops at
    the cap, and the oldest is the least of one index seek per status and urgency.
    """
    waiting = select(Inquiry.id).where(Inquiry.status.in_(OPEN))
    count = db.session.scalar(select(func.count()).select_from(
        (waiting.limit(cap) if cap is not None else waiting).subquery())) or 0
    firsts = [select(func.min(Inquiry.created_at)).where(Inquiry.status == status, Inquiry.urgent.is_(urgent))
              .scalar_subquery() for status in OPEN for urgent in (True, False)]
    oldest = min((t for t in db.session.execute(select(*firsts)).one() if t is not None), default=None)
    return count, int((now - oldest).total_seconds() // 60) if oldest else 0


def overload(campaign: NoticeCampaign, now: datetime) -> str:
    """Why the call center cannot take more now ('' when it can)."""
    count, minutes = backlog(now, cap=campaign.pause_backlog)
    if count >= campaign.pause_backlog:
        return f"自動停止：未回答のお問い合わせが{count}件になりました（基準 {campaign.pause_backlog}件）。"
    if minutes >= campaign.pause_oldest_minutes:
        return f"自動停止：最も古い未回答のお問い合わせが{minutes}分待っています（基準 {campaign.pause_oldest_minutes}分）。"
    return ""


def in_hours(campaign: NoticeCampaign, now: datetime) -> bool:
    """True within the campaign's sending hours, in Japan."""
    hour = now.replace(tzinfo=timezone.utc).astimezone(JST).hour
    return campaign.send_from_hour <= hour < campaign.send_until_hour


def pump(now: datetime | None = None) -> int:
    """One round for every running campaign: record outcomes, then queue what the pace allows."""
    now = now or utcnow()
    queued = 0
    # Locked for the round (PostgreSQL; SQLite's write lock does the same): a second sender
    # running at once waits and then sees the credit this round used, so the pace holds.
    campaigns = db.session.scalars(select(NoticeCampaign).where(
        NoticeCampaign.state.in_([CampaignState.RUNNING, CampaignState.PAUSED]))
        .order_by(NoticeCampaign.id).with_for_update()).all()
    gifts.retire_expired(now)
    for campaign in campaigns:
        record_outcomes(campaign)
        if campaign.state is CampaignState.RUNNING:
            queued += _queue_some(campaign, now)
    db.session.commit()
    return queued


def _queue_some(campaign: NoticeCampaign, now: datetime) -> int:
    elapsed = (now - (campaign.last_pump_at or now)).total_seconds() / 3600
    campaign.last_pump_at = now
    if not in_hours(campaign, now):
        campaign.credit = 0.0
        return 0
    reason = why_not_sendable(campaign) or overload(campaign, now)
    if reason:
        pause(campaign, reason)
        return 0
    # A bucket that fills at the pace and holds at most five minutes' worth: no bursts after a pause.
    campaign.credit = min(campaign.credit + campaign.pace_per_hour * max(elapsed, 0),
                          max(1.0, campaign.pace_per_hour / 12))
    allowed = min(int(campaign.credit), MAX_BATCH)
    if allowed < 1:
        return 0
    waiting = db.session.scalars(select(NoticeDelivery).where(
        NoticeDelivery.campaign_id == campaign.id, NoticeDelivery.status == DeliveryStatus.WAITING)
        .options(selectinload(NoticeDelivery.person).selectinload(AffectedPerson.memberships))
        .order_by(NoticeDelivery.id).limit(allowed)).all()
    report = db.session.get(Report, campaign.report_id)
    texts: dict[tuple[str, ...], str] = {}  # {対象の情報} depends only on the person's groups
    queued = []
    for delivery in waiting:
        person = delivery.person
        _report, facts = facts_for(person, report)
        key = tuple(person.group_names)
        if key not in texts:
            texts[key] = notice_text.facts_text(facts)
        changed = changed_text(campaign, person, report)
        try:
            row = enqueue(person.email, notice_text.fill(campaign.subject, person, facts),
                          notice_text.fill(campaign.body, person, facts, texts[key], changed,
                                           gifts.placeholders(campaign, delivery)), KIND,
                          to_name=f"{person.name} 様")
        except MailError:
            _to_letter(delivery, "メールアドレスが使用できない形式のため")
            continue
        queued.append((delivery, row))
    db.session.flush()
    for delivery, row in queued:
        delivery.status, delivery.outbox_id, delivery.queued_at = DeliveryStatus.QUEUED, row.id, now
    campaign.credit -= len(waiting)
    if not waiting and _nothing_left(campaign):
        campaign.state, campaign.finished_at = CampaignState.DONE, now
        audit.record("finish", "notice_campaign", campaign.id, "メールの送付が完了")
    return len(waiting)


def changed_text(campaign: NoticeCampaign, person: AffectedPerson, report: Report) -> str:
    """{変更点} for one person, when the text asks for it."""
    if "{変更点}" not in campaign.body:
        return ""
    return recontact.changes_text(recontact.follow_up_for(person, report), report)


def _nothing_left(campaign: NoticeCampaign) -> bool:
    return not db.session.scalar(select(func.count(NoticeDelivery.id)).where(
        NoticeDelivery.campaign_id == campaign.id,
        NoticeDelivery.status.in_([DeliveryStatus.WAITING, DeliveryStatus.QUEUED])))


def record_outcomes(campaign: NoticeCampaign) -> None:
    """Deliveries whose mail the sender finished: sent (history) or refused for good (to a letter)."""
    rows = db.session.execute(select(NoticeDelivery, OutboxMail.status, OutboxMail.sent_at).join(
        OutboxMail, OutboxMail.id == NoticeDelivery.outbox_id).where(
        NoticeDelivery.campaign_id == campaign.id, NoticeDelivery.status == DeliveryStatus.QUEUED,
        OutboxMail.status.in_([MailStatus.SENT, MailStatus.FAILED]))).all()
    for delivery, status, sent_at in rows:
        if status is MailStatus.SENT:
            delivery.status, delivery.done_at = DeliveryStatus.SENT, sent_at
            _event(delivery, "sent", NoticeChannel.EMAIL, sent_at)
        else:
            bounced(delivery, "送信先のメールサーバーが受け取りを拒否")


def _event(delivery: NoticeDelivery, kind: str, channel: NoticeChannel, when: datetime | None, note: str = "") -> None:
    when = when or utcnow()
    day = when.replace(tzinfo=timezone.utc).astimezone(JST).date()
    db.session.add(NoticeEvent(person_id=delivery.person_id, kind=kind, channel=channel,
                               report_id=delivery.campaign.report_id, happened_on=day, note=note[:300]))


def bounced(delivery: NoticeDelivery, why: str) -> None:
    """The mail did not reach the person: recorded, and the notice goes by letter (or the public notice)."""
    delivery.person.email_bounced = True
    delivery.bounced_at = utcnow()
    _event(delivery, "bounced", NoticeChannel.EMAIL, utcnow(), why)
    _to_letter(delivery, why)


def _to_letter(delivery: NoticeDelivery, why: str) -> None:
    person = delivery.person
    if person.address and person.postal_code and not person.letter_returned:
        delivery.channel, delivery.status = NoticeChannel.LETTER, DeliveryStatus.TO_PRINT
    else:
        delivery.channel, delivery.status = NoticeChannel.NONE, DeliveryStatus.SUBSTITUTE
    delivery.done_at = utcnow()
