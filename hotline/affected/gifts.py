"""お詫び品 codes: one per person of a campaign that offers a gift, usable once until the deadline.

The code is printed in the notice ({お詫び品コード}, with {お詫び品の期限}); the shop or the
call center redeems it here. After the deadline the FAQ entry about the gift (named by
its key) is withdrawn from the FAQ and from search, at the mail sender's next round.
"""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import select, update

from .. import audit, faq
from ..extensions import db
from ..models import CampaignState, NoticeCampaign, NoticeDelivery
from ..models._sealed import lookup_hash
from ..models._types import utcnow
from ..notices import phrasing
from ..notices.contact_window import JST
from .numbers import CODE_ALPHABET

GIFT_GROUPS = 3  # 'K7QM-2XPA-9HDT': 60 random bits


class GiftError(ValueError):
    """A code that cannot be used; the text is Japanese."""


@dataclass
class Redeemed:
    """A code just used: what it was for (no personal data)."""

    label: str
    campaign_id: int
    notice_number: str


def new_code() -> str:
    """A gift code of three groups of four characters without look-alikes."""
    return "-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(GIFT_GROUPS))


def normalize(code: str) -> str:
    """A code as typed, in canonical form."""
    chars = [c for c in (code or "").upper() if c in CODE_ALPHABET]
    return "-".join("".join(chars[i:i + 4]) for i in range(0, len(chars), 4))


def gift_hash(code: str) -> str:
    """What finds a code without opening the sealed ones."""
    return lookup_hash("gift", normalize(code))


def today_in_japan(now: datetime | None = None) -> date:
    """The date in Japan."""
    return (now or utcnow()).replace(tzinfo=timezone.utc).astimezone(JST).date()


def placeholders(campaign: NoticeCampaign, delivery: NoticeDelivery) -> dict[str, str]:
    """{お詫び品コード} and {お詫び品の期限} for one notice."""
    if not campaign.gift_label:
        return {}
    return {"{お詫び品コード}": delivery.gift_code, "{お詫び品の期限}": phrasing.format_date(campaign.gift_deadline)}


def redeem(code: str, user, now: datetime | None = None) -> Redeemed:
    """Use a code once; refused when unknown, already used or past its deadline."""
    delivery = db.session.scalar(select(NoticeDelivery).where(NoticeDelivery.gift_hash == gift_hash(code)))
    if delivery is None or not normalize(code):
        raise GiftError("このコードは見つかりません。入力の誤りがないかご確認ください。")
    campaign = delivery.campaign
    if delivery.gift_redeemed_at is not None:
        raise GiftError(f"このコードは使用済みです（{phrasing.format_date(today_in_japan(delivery.gift_redeemed_at))}）。")
    if campaign.gift_deadline and today_in_japan(now) > campaign.gift_deadline:
        raise GiftError(f"このコードの有効期限（{phrasing.format_date(campaign.gift_deadline)}）を過ぎています。")
    # One conditional UPDATE: of two people redeeming the same code at once, exactly one wins.
    won = db.session.execute(update(NoticeDelivery).where(
        NoticeDelivery.id == delivery.id, NoticeDelivery.gift_redeemed_at.is_(None))
        .values(gift_redeemed_at=now or utcnow()).execution_options(synchronize_session=False)).rowcount
    if not won:
        raise GiftError("このコードは使用済みです。")
    db.session.refresh(delivery)
    audit.record("redeem_gift", "notice_campaign", campaign.id, f"お知らせ番号 {delivery.person.notice_number}", user=user)
    return Redeemed(campaign.gift_label, campaign.id, delivery.person.notice_number)


def retire_expired(now: datetime | None = None) -> int:
    """Withdraw the FAQ entries of gifts whose deadline has passed; returns how many."""
    today = today_in_japan(now)
    expired = db.session.scalars(select(NoticeCampaign).where(
        NoticeCampaign.gift_faq_key != "", NoticeCampaign.gift_deadline < today,
        NoticeCampaign.state != CampaignState.DRAFT)).all()
    count = 0
    for campaign in expired:
        if faq.withdraw_entry(campaign.gift_faq_key, f"お詫び品の有効期限（{phrasing.format_date(campaign.gift_deadline)}）の経過"):
            count += 1
    return count
