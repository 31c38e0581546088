"""Notice campaigns: the text approved by two people, then mail at a pace the call center can answer.

A supervisor drafts a campaign from the latest published report (`create`), may edit
its text (`update`), and asks for approval (`submit`). Another supervisor, who never
edited it, approves the exact text shown (`approve`); everyone on the list (or, for a
follow-up, everyone told facts that have since changed) then gets a delivery: email
when they have a working address, a letter when they have a postal address, otherwise
the public notice stands in for them (代替措置). Sending, at the campaign's pace and with
its automatic pause, is `sending`'s; a supervisor pauses and resumes here.
"""

import hashlib

from sqlalchemy import insert, select

from .. import audit
from ..extensions import db
from ..models import (
    AffectedPerson, CampaignState, DeliveryStatus, Incident, NoticeCampaign,
    NoticeChannel, NoticeDelivery, Report, Role,
)
from ..models._types import utcnow
from ..notices import latest_published, report_label
from ..notices.contact_window import JST  # noqa: F401  (re-exported for sending and letters)
from . import gifts, notice_text, recontact

KIND = "notice"
MAX_BATCH = 200
EDITABLE = (CampaignState.DRAFT, CampaignState.AWAITING_APPROVAL)
SETTINGS = ("pace_per_hour", "send_from_hour", "send_until_hour", "pause_backlog", "pause_oldest_minutes")
GIFT_SETTINGS = ("gift_label", "gift_deadline", "gift_faq_key")


class CampaignError(ValueError):
    """A campaign step that cannot be taken; the text is Japanese."""


def _supervisor(user) -> None:
    if user is None or not user.has_role(Role.SUPERVISOR):
        raise CampaignError("お知らせの送付は責任者が行います。")


def content_hash(campaign: NoticeCampaign) -> str:
    """Fingerprint of what the approver approves: the text, the pace and the gift."""
    parts = [campaign.subject, campaign.body, str(campaign.report_id)] + [str(getattr(campaign, s)) for s in SETTINGS]
    parts += [campaign.gift_label or "", str(campaign.gift_deadline or ""), campaign.gift_faq_key or ""]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _edited_by(campaign: NoticeCampaign, user) -> None:
    campaign.editor_ids = ",".join(str(i) for i in sorted(campaign.editors | {user.id}))


def create(incident: Incident, user, follow_up: bool = False) -> NoticeCampaign:
    """A draft campaign with the text written from the latest published report.

    `follow_up`: only for people told facts (by an earlier notice or an answer) that the
    latest report changed, with {変更点} saying what changed for each of them.
    """
    _supervisor(user)
    report = latest_published(incident)
    if report is None:
        raise CampaignError("公表した報がないため、お知らせを作成できません。")
    if follow_up and not recontact.needing_follow_up(incident):
        raise CampaignError("お知らせした内容が変わった方はいません。")
    subject, body = notice_text.draft(report, follow_up)
    title = f"{report_label(report)}での変更点のお知らせ" if follow_up else f"{report_label(report)}の個別のお知らせ"
    campaign = NoticeCampaign(incident_id=incident.id, report_id=report.id, subject=subject, body=body,
                              title=title, created_by_id=user.id, credit=0.0, follow_up=follow_up)
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
    gift = {name: values.get(name, getattr(campaign, name)) for name in GIFT_SETTINGS}
    gift["gift_label"] = (gift["gift_label"] or "").strip()
    if gift["gift_label"] and not gift["gift_deadline"]:
        raise CampaignError("お詫び品には、コードの有効期限を指定してください。")
    notice_text.check(subject, body, gift=bool(gift["gift_label"]))
    settings = {name: int(values.get(name, getattr(campaign, name))) for name in SETTINGS}
    if not (0 <= settings["send_from_hour"] < settings["send_until_hour"] <= 24):
        raise CampaignError("送信する時間帯は、開始が終了より前になるように指定してください（0〜24時）。")
    if settings["pace_per_hour"] < 1:
        raise CampaignError("1時間あたりの送信数は1以上にしてください。")
    campaign.subject, campaign.body = subject, body
    for name, value in {**settings, **gift, "gift_faq_key": (gift["gift_faq_key"] or "").strip()}.items():
        setattr(campaign, name, value)
    campaign.state = CampaignState.DRAFT
    _edited_by(campaign, user)
    audit.record("update", "notice_campaign", campaign.id, user=user)


def submit(campaign: NoticeCampaign, user) -> None:
    """Ask a second supervisor to approve."""
    _supervisor(user)
    if campaign.state is not CampaignState.DRAFT:
        raise CampaignError("下書きのお知らせだけを承認に回せます。")
    notice_text.check(campaign.subject, campaign.body, gift=bool(campaign.gift_label))
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
    if campaign.follow_up:
        wanted = {f.person_id for f in recontact.needing_follow_up(campaign.incident)}
        rows = [row for row in rows if row[0] in wanted]
    values = []
    for pid, has_email, bounced_before, has_address, returned in rows:
        if has_email and not bounced_before:
            channel, status = NoticeChannel.EMAIL, DeliveryStatus.WAITING
        elif has_address and not returned:
            channel, status = NoticeChannel.LETTER, DeliveryStatus.TO_PRINT
        else:
            channel, status = NoticeChannel.NONE, DeliveryStatus.SUBSTITUTE
        value = {"campaign_id": campaign.id, "person_id": pid, "channel": channel, "status": status}
        if campaign.gift_label:
            code = gifts.new_code()
            value.update(gift_code=code, gift_hash=gifts.gift_hash(code))
        values.append(value)
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


def why_not_sendable(campaign: NoticeCampaign) -> str:
    """Why an approved campaign must not send (its text no longer the approved one, a newer report), or ''.

    Checked before every round of mail and every batch of letters, so a text changed
    after approval by any path (raw SQL included) never reaches anyone.
    """
    if not campaign.content_hash or content_hash(campaign) != campaign.content_hash:
        return "自動停止：承認された後に文面または設定が変わっています。新しいお知らせを作成し、承認を受けてください。"
    try:
        notice_text.check_subject(campaign.subject)  # approved before personal placeholders were refused there
    except notice_text.NoticeTextError as error:
        return f"自動停止：{error}"
    latest = latest_published(campaign.incident)
    if latest is not None and latest.id != campaign.report_id:
        return (f"自動停止：このお知らせの後に{report_label(latest)}が公表されました。"
                "最新の報で新しいお知らせ（または変更点のお知らせ）を作成してください。")
    return ""


def resume(campaign: NoticeCampaign, user) -> None:
    """A supervisor starts the mail again."""
    _supervisor(user)
    if campaign.state is not CampaignState.PAUSED:
        raise CampaignError("一時停止中のお知らせではありません。")
    blocked = why_not_sendable(campaign)
    if blocked:
        raise CampaignError(blocked.replace("自動停止：", "再開できません。"))
    campaign.state, campaign.paused_reason, campaign.last_pump_at = CampaignState.RUNNING, "", utcnow()
    audit.record("resume", "notice_campaign", campaign.id, user=user)
