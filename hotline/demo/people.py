"""The demo's affected list: a few hundred fictional people in two groups, and a campaign sent to them.

The lists go through the real import (CSV files built here), so the demo shows 名寄せ,
people without email (letters) and people with no contact at all (the public notice
is their substitute). One member has a fixed notice number and code, named in the README.
"""

import csv
import io
import random
from datetime import timedelta

from sqlalchemy import select

from .. import affected
from ..affected.numbers import code_hash
from ..extensions import db
from ..affected import campaigns
from ..models import AffectedPerson, CampaignState, DeliveryStatus, NoticeChannel, NoticeDelivery, NoticeEvent
from ..models._sealed import lookup_hash
from ..notices import latest_published

DEMO_MEMBER = "M1000001"
DEMO_MEMBER_PHONE = "090-0000-0001"
DEMO_NOTICE_NUMBER = "3141-5926-5358"
DEMO_CODE = "H2T9KW"
MEMBERS, GUESTS = "会員のお客様", "ゲスト購入のお客様"
_FAMILY = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田",
           "佐々木", "松本", "井上", "木村", "林", "清水", "山崎", "森"]
_FAMILY_KANA = ["サトウ", "スズキ", "タカハシ", "タナカ", "イトウ", "ワタナベ", "ヤマモト", "ナカムラ", "コバヤシ",
                "カトウ", "ヨシダ", "ヤマダ", "ササキ", "マツモト", "イノウエ", "キムラ", "ハヤシ", "シミズ",
                "ヤマザキ", "モリ"]
_GIVEN = [("陽菜", "ヒナ"), ("蓮", "レン"), ("結衣", "ユイ"), ("悠真", "ユウマ"), ("美咲", "ミサキ"),
          ("大翔", "ヒロト"), ("葵", "アオイ"), ("湊", "ミナト"), ("さくら", "サクラ"), ("健太", "ケンタ"),
          ("直子", "ナオコ"), ("誠", "マコト"), ("恵子", "ケイコ"), ("浩", "ヒロシ"), ("由美", "ユミ")]
_PLACES = [("100-0001", "東京都千代田区千代田"), ("150-0001", "東京都渋谷区神宮前"), ("530-0001", "大阪府大阪市北区梅田"),
           ("460-0008", "愛知県名古屋市中区栄"), ("060-0001", "北海道札幌市中央区北一条西"),
           ("810-0001", "福岡県福岡市中央区天神"), ("980-0021", "宮城県仙台市青葉区中央")]
HEADER = ["会員番号", "氏名", "フリガナ", "メールアドレス", "電話番号", "郵便番号", "住所", "生年月日"]


def _person(rng: random.Random, n: int) -> list[str]:
    family = rng.randrange(len(_FAMILY))
    given, given_kana = _GIVEN[rng.randrange(len(_GIVEN))]
    postal, town = _PLACES[rng.randrange(len(_PLACES))]
    birth = f"{rng.randint(1950, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    email = f"demo.customer{n:04d}@example.jp" if n % 7 else ""  # every seventh has no email
    address = f"{town}{rng.randint(1, 9)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}" if n % 23 else ""
    return [f"M{1000000 + n}", f"{_FAMILY[family]} {given}", f"{_FAMILY_KANA[family]} {given_kana}",
            email, f"090-0000-{n:04d}", postal if address else "", address, birth]


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("cp932")  # as a typical member system exports it


def load_people(incident, supervisor, approver) -> None:
    """Import the two demo lists and record the notices of the latest report as sent."""
    rng = random.Random(2026)
    members = [_person(rng, n) for n in range(1, 241)]
    members[0][1:3] = ["山田 太郎", "ヤマダ タロウ"]
    # Guests bought without an account: 50 new people, and 30 members who also checked out as guests.
    guests = [["", *_person(rng, n)[1:]] for n in range(241, 291)]
    guests += [["", *row[1:]] for row in members[10:40]]
    for row in guests[:50:9]:
        row[3] = ""  # some guests left no email
    affected.import_list(incident, _csv(members), "会員一覧.csv", group=MEMBERS, user=supervisor)
    affected.import_list(incident, _csv(guests), "ゲスト購入一覧.csv", group=GUESTS, user=supervisor)
    db.session.flush()
    demo = db.session.scalar(select(AffectedPerson).where(
        AffectedPerson.member_hash == lookup_hash("member", DEMO_MEMBER)))
    demo.notice_number, demo.verify_code = DEMO_NOTICE_NUMBER, DEMO_CODE
    demo.verify_hash = code_hash(DEMO_NOTICE_NUMBER, DEMO_CODE)
    _sent(incident, supervisor, approver)


def _sent(incident, supervisor, approver) -> None:
    """A campaign of the latest report, approved and delivered: email, then letters for the rest."""
    campaign = campaigns.create(incident, supervisor)
    campaigns.submit(campaign, supervisor)
    campaigns.approve(campaign, approver, campaigns.content_hash(campaign))
    db.session.flush()
    report = latest_published(incident)
    sent_at = report.published_at + timedelta(days=1)
    day = sent_at.date()
    deliveries = db.session.scalars(select(NoticeDelivery).where(NoticeDelivery.campaign_id == campaign.id)
                                    .order_by(NoticeDelivery.id)).all()
    for index, delivery in enumerate(deliveries):
        if delivery.status is DeliveryStatus.WAITING:
            if index % 40 == 17:  # a few addresses no longer exist: those notices went by letter
                delivery.person.email_bounced, delivery.bounced_at = True, sent_at
                db.session.add(NoticeEvent(person_id=delivery.person_id, kind="bounced", channel=NoticeChannel.EMAIL,
                                           report_id=report.id, happened_on=day, note="送信先のメールサーバーが受け取りを拒否"))
                delivery.channel, delivery.status = NoticeChannel.LETTER, DeliveryStatus.TO_PRINT
            else:
                delivery.status, delivery.done_at = DeliveryStatus.SENT, sent_at + timedelta(minutes=index // 5)
                db.session.add(NoticeEvent(person_id=delivery.person_id, kind="sent", channel=NoticeChannel.EMAIL,
                                           report_id=report.id, happened_on=day))
        if delivery.status is DeliveryStatus.TO_PRINT and delivery.person.address:
            delivery.status, delivery.batch, delivery.done_at = DeliveryStatus.PRINTED, 1, sent_at + timedelta(days=2)
            db.session.add(NoticeEvent(person_id=delivery.person_id, kind="printed", channel=NoticeChannel.LETTER,
                                       report_id=report.id, happened_on=day + timedelta(days=2), note="印刷バッチ1"))
    campaign.state, campaign.finished_at = CampaignState.DONE, sent_at + timedelta(days=2)
