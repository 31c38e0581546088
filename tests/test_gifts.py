"""お詫び品 codes: one per person, printed in the notice, usable once until the deadline; the FAQ entry retires after it."""

from datetime import date, datetime

import pytest
from sqlalchemy import select

from hotline import affected
from hotline.affected import campaigns, gifts, notice_text, sending
from hotline.affected.people import facts_for
from hotline.extensions import db
from hotline.models import FaqEntry, NoticeDelivery

from .affected_helpers import MEMBER_ROWS, MEMBERS, csv_bytes, incident_with_groups
from .factories import approved_faq

GIFT_TEXT = "\n\n■ お詫びの品\nお詫びのしるしとして、{お詫び品コード}（有効期限 {お詫び品の期限}）をお送りいたします。"


@pytest.fixture
def gift_campaign(app, staff):
    incident = incident_with_groups(staff)
    affected.import_list(incident, csv_bytes(MEMBER_ROWS), "members.csv", group=MEMBERS, user=staff["sup1"])
    approved_faq(key="gift-card", category="お詫び", question="お詫びの品はいつまで使えますか",
                 answer="有効期限までご利用いただけます。", display_order=1)
    campaign = campaigns.create(incident, staff["sup1"])
    with pytest.raises(notice_text.NoticeTextError, match="{お詫び品コード} と {お詫び品の期限}"):
        campaigns.update(campaign, {"gift_label": "QUOカード500円分", "gift_deadline": date(2027, 3, 31)}, staff["sup1"])
    with pytest.raises(campaigns.CampaignError, match="有効期限"):
        campaigns.update(campaign, {"gift_label": "QUOカード500円分", "body": campaign.body + GIFT_TEXT}, staff["sup1"])
    campaigns.update(campaign, {"gift_label": "QUOカード500円分", "gift_deadline": date(2027, 3, 31),
                                "gift_faq_key": "gift-card", "body": campaign.body + GIFT_TEXT}, staff["sup1"])
    campaigns.submit(campaign, staff["sup1"])
    campaigns.approve(campaign, staff["sup2"], campaigns.content_hash(campaign))
    db.session.commit()
    return campaign


def test_each_person_gets_their_own_code_in_the_notice(app, gift_campaign, staff):
    deliveries = db.session.scalars(select(NoticeDelivery)).all()
    codes = {d.gift_code for d in deliveries}
    assert len(codes) == 3 and all(len(code) == 14 for code in codes)
    one = deliveries[0]
    body = notice_text.fill(gift_campaign.body, one.person, facts_for(one.person)[1],
                            extra=gifts.placeholders(gift_campaign, one))
    assert f"お詫びのしるしとして、{one.gift_code}（有効期限 2027年3月31日）をお送りいたします。" in body
    raw = db.session.connection().exec_driver_sql("SELECT gift_code FROM notice_delivery").all()
    assert all(one.gift_code not in value for (value,) in raw)  # sealed at rest


def test_a_code_is_used_once_and_not_after_its_deadline(app, gift_campaign, staff):
    first, second = db.session.scalars(select(NoticeDelivery).order_by(NoticeDelivery.id)).all()[:2]
    used = gifts.redeem(first.gift_code.lower().replace("-", " "), staff["sup1"], now=datetime(2027, 1, 10, 3))
    assert (used.label, used.notice_number) == ("QUOカード500円分", first.person.notice_number)
    with pytest.raises(gifts.GiftError, match="使用済み"):
        gifts.redeem(first.gift_code, staff["sup1"], now=datetime(2027, 1, 11, 3))
    with pytest.raises(gifts.GiftError, match="有効期限（2027年3月31日）を過ぎています"):
        gifts.redeem(second.gift_code, staff["sup1"], now=datetime(2027, 4, 1, 3))  # 12:00 on 1 April in Japan
    with pytest.raises(gifts.GiftError, match="見つかりません"):
        gifts.redeem("XXXX-XXXX-XXXX", staff["sup1"])


def test_the_faq_entry_about_the_gift_retires_after_the_deadline(app, gift_campaign):
    sending.pump(datetime(2027, 3, 31, 14))  # 23:00 on the last day in Japan
    db.session.commit()
    assert db.session.scalar(select(FaqEntry).filter_by(key="gift-card")).published
    sending.pump(datetime(2027, 3, 31, 15))  # midnight: the deadline has passed
    db.session.commit()
    assert not db.session.scalar(select(FaqEntry).filter_by(key="gift-card")).published
