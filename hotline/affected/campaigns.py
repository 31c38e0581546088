"""Notice campaigns: the text approved by two people, then mail at a pace the call center can answer.

A supervisor drafts a campaign from the latest published report (`create`), may edit
its text (`update`), and asks for approval (`submit`). Another supervisor, who never
edited it, approves the exact text shown (`approve`); everyone on the list then gets a
delivery: email when they have a working address, a letter when they have a postal
address, otherwise the public notice stands in for them (代替措置). `pump` (run by the
mail sender at each round) moves emails into the outbox at `pace_per_hour`, only
within the sending hours, and pauses the campaign by itself when the inquiry backlog
or the age of the oldest unanswered inquiry passes its threshold; a supervisor resumes.
"""

import hashlib
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, insert, select
from sqlalchemy.orm import selectinload

from .. import audit
from ..extensions import db
from ..mail import MailError, enqueue
from ..models import (
    AffectedPerson, CampaignState, DeliveryStatus, Incident, Inquiry, InquiryStatus, MailStatus, NoticeCampaign,
    NoticeChannel, NoticeDelivery, NoticeEvent, OutboxMail, Report, Role,
)
from ..models._types import utcnow
from ..notices import latest_published, report_label
from . import notice_text
from .people import facts_for

JST = timezone(timedelta(hours=9))
KIND = "notice"
MAX_BATCH = 200
EDITABLE = (CampaignState.DRAFT, CampaignState.AWAITING_APPROVAL)
SETTINGS = ("pace_per_hour", "send_from_hour", "send_until_hour", "pause_backlog", "pause_oldest_minutes")


class CampaignError(ValueError):
    """A campaign step that cannot be taken; the text is Japanese."""


def _supervisor(user) -> None:
    if user is None or not user.has_role(Role.SUPERVISOR):
        raise CampaignError("お知らせの送付は責任者が行います。")


def content_hash(campaign: NoticeCampaign) -> str:
    """Fingerprint of what the approver approves: the text and the pace."""
    parts = [campaign.subject, campaign.body, str(campaign.report_id)] + [str(getattr(campaign, s)) for s in SETTINGS]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _edited_by(campaign: NoticeCampaign, user) -> None:
    campaign.editor_ids = ",".join(str(i) for i in sorted(campaign.editors | {user.id}))


def create(incident: Incident, user) -> NoticeCampaign:
    """A draft campaign with the text written from the latest published report."""
    _supervisor(user)
    report = latest_published(incident)
    if report is None:
        raise CampaignError("公表した報がないため、お知らせを作成できません。")
    subject, body = notice_text.draft(report)
    campaign = NoticeCampaign(incident_id=incident.id, report_id=report.id, subject=subject, body=body,
                              title=f"{report_label(report)}の個別のお知らせ", created_by_id=user.id, credit=0.0)
    _edited_by(campaign, user)
    db.session.add(campaign)
    db.session.flush()
    audit.record("create", "notice_campaign", campaign.id, campaign.title, user=user)
    return campaign


def update(campaign: NoticeCampaign, values: dict, user) -> None:
    """Change the text or the pace of a campaign not yet approved; it goes back to draft."""
    _supervisor(user)
    if campaign.state not in EDITABLE:
        raise CampaignError("承認済みのお知らせの文面は変更できません。")
    subject, body = values.get("subject", campaign.subject), values.get("body", campaign.body)
    notice_text.check(subject, body)
    settings = {name: int(values.get(name, getattr(campaign, name))) for name in SETTINGS}
    if not (0 <= settings["send_from_hour"] < settings["send_until_hour"] <= 24):
        raise CampaignError("送信する時間帯は、開始が終了より前になるように指定してください（0〜24時）。")
    if settings["pace_per_hour"] < 1:
        raise CampaignError("1時間あたりの送信数は1以上にしてください。")
    campaign.subject, campaign.body = subject, body
    for name, value in settings.items():
        setattr(campaign, name, value)
    campaign.state = CampaignState.DRAFT
    _edited_by(campaign, user)
    audit.record("update", "notice_campaign", campaign.id, user=user)


def submit(campaign: NoticeCampaign, user) -> None:
    """Ask a second supervisor to approve."""
    _supervisor(user)
    if campaign.state is not CampaignState.DRAFT:
        raise CampaignError("下書きのお知らせだけを承認に回せます。")
    notice_text.check(campaign.subject, campaign.body)
    campaign.state = CampaignState.AWAITING_APPROVAL
    audit.record("submit", "notice_campaign", campaign.id, user=user)


def approve(campaign: NoticeCampaign, approver, seen_hash: str) -> int:
    """Approve the text shown and start: every person on the list gets a delivery. Returns how many."""
    _supervisor(approver)
    if campaign.state is not CampaignState.AWAITING_APPROVAL:
        raise CampaignError("承認待ちのお知らせではありません。")
    if approver.id in campaign.editors:
        raise CampaignError("文面を作成・変更した方は承認できません。別の責任者が承認してください。")
    if seen_hash != content_hash(campaign):
        raise CampaignError("確認された後に文面が変わっています。もう一度内容を確認してください。")
    report = db.session.get(Report, campaign.report_id)
    if latest_published(campaign.incident).id != report.id:
        raise CampaignError("このお知らせの元になった報より新しい報が公表されています。新しい報でお知らせを作り直してください。")
    campaign.state, campaign.approved_by_id, campaign.approved_at = CampaignState.RUNNING, approver.id, utcnow()
    # The first round may send a minute's worth at once; then the pace fills the bucket.
    campaign.content_hash, campaign.last_pump_at, campaign.credit = seen_hash, utcnow(), campaign.pace_per_hour / 60
    # Which channel each person has, read from the database without opening a sealed value
    # (emptiness is stored in clear); the rule is AffectedPerson.channel's.
    P = AffectedPerson
    rows = db.session.execute(select(P.id, P.email != "", P.email_bounced, (P.address != "") & (P.postal_code != ""),
                                     P.letter_returned).where(P.incident_id == campaign.incident_id)).all()
    values = []
    for pid, has_email, bounced_before, has_address, returned in rows:
        if has_email and not bounced_before:
            channel, status = NoticeChannel.EMAIL, DeliveryStatus.WAITING
        elif has_address and not returned:
            channel, status = NoticeChannel.LETTER, DeliveryStatus.TO_PRINT
        else:
            channel, status = NoticeChannel.NONE, DeliveryStatus.SUBSTITUTE
        values.append({"campaign_id": campaign.id, "person_id": pid, "channel": channel, "status": status})
    for start in range(0, len(values), 1000):
        db.session.execute(insert(NoticeDelivery), values[start:start + 1000])
    count = len(values)
    audit.record("approve", "notice_campaign", campaign.id, f"{count}名に送付開始", user=approver)
    return count


def pause(campaign: NoticeCampaign, reason: str, user=None) -> None:
    """Stop queueing mail (what is already in the outbox still goes out)."""
    if campaign.state is not CampaignState.RUNNING:
        raise CampaignError("送付中のお知らせではありません。")
    campaign.state, campaign.paused_reason = CampaignState.PAUSED, reason[:300]
    audit.record("pause", "notice_campaign", campaign.id, reason[:300], user=user)


def resume(campaign: NoticeCampaign, user) -> None:
    """A supervisor starts the mail again."""
    _supervisor(user)
    if campaign.state is not CampaignState.PAUSED:
        raise CampaignError("一時停止中のお知らせではありません。")
    campaign.state, campaign.paused_reason, campaign.last_pump_at = CampaignState.RUNNING, "", utcnow()
    audit.record("resume", "notice_campaign", campaign.id, user=user)


def backlog(now: datetime) -> tuple[int, int]:
    """Unanswered inquiries, and the age in minutes of the oldest one."""
    waiting = select(Inquiry).where(Inquiry.status != InquiryStatus.ANSWERED).subquery()
    count = db.session.scalar(select(func.count()).select_from(waiting)) or 0
    oldest = db.session.scalar(select(func.min(waiting.c.created_at)))
    return count, int((now - oldest).total_seconds() // 60) if oldest else 0


def overload(campaign: NoticeCampaign, now: datetime) -> str:
    """Why the call center cannot take more now ('' when it can)."""
    count, minutes = backlog(now)
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
    campaigns = db.session.scalars(select(NoticeCampaign).where(
        NoticeCampaign.state.in_([CampaignState.RUNNING, CampaignState.PAUSED]))).all()
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
    reason = overload(campaign, now)
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
        try:
            row = enqueue(person.email, notice_text.fill(campaign.subject, person, facts),
                          notice_text.fill(campaign.body, person, facts, texts[key]), KIND, to_name=f"{person.name} 様")
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
