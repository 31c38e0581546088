"""Notice campaigns: the text, two-person approval, paced mail over real SMTP, bounces, letters as PDF."""

from datetime import datetime, timedelta

import pytest
import pypdfium2
from sqlalchemy import func, select

from hotline import mail
from hotline.affected import campaigns, letters, notice_text, outcomes, sending
from hotline.affected.people import facts_for
from hotline.extensions import db
from hotline.models import (
    AffectedPerson, CampaignState, DeliveryStatus, Inquiry, InquiryCategory, NoticeCampaign, NoticeDelivery, NoticeEvent,
    ReplyBy,
)
from hotline.models._types import utcnow

from .affected_helpers import GIFT_ROWS, GIFTS, MEMBER_ROWS, MEMBERS, csv_bytes, incident_with_groups

# 10:00 in Japan on a weekday: within the default sending hours.
MORNING = datetime(2026, 12, 3, 1, 0)


@pytest.fixture
def listed(app, staff):
    from hotline import affected

    incident = incident_with_groups(staff)
    affected.import_list(incident, csv_bytes(MEMBER_ROWS), "members.csv", group=MEMBERS, user=staff["sup1"])
    affected.import_list(incident, csv_bytes(GIFT_ROWS), "gifts.csv", group=GIFTS, user=staff["sup1"])
    db.session.commit()
    return incident


def approved(incident, staff, **settings):
    campaign = campaigns.create(incident, staff["sup1"])
    if settings:
        campaigns.update(campaign, settings, staff["sup1"])
    campaigns.submit(campaign, staff["sup1"])
    campaigns.approve(campaign, staff["sup2"], campaigns.content_hash(campaign))
    assert campaign.credit == campaign.pace_per_hour / 60  # the first round may send a minute's worth
    campaign.last_pump_at, campaign.credit = MORNING, 0.0  # the tests below start from an empty bucket
    db.session.commit()
    return campaign


def person(name_part: str) -> AffectedPerson:
    return next(p for p in db.session.scalars(select(AffectedPerson)) if name_part in p.name)


def test_the_text_holds_every_item_the_law_asks_for_and_each_persons_groups(app, listed, staff):
    campaign = campaigns.create(listed, staff["sup1"])
    for heading in ("■ 概要", "■ お客様に関わる情報", "■ 二次被害のおそれ", "■ お客様へのお願い",
                    "■ このお知らせの真偽の確認", "■ 本件に関するお問い合わせ", "0120-111-222"):
        assert heading in campaign.body
    taro = person("山田")  # a member who was also a gift recipient
    _report, facts = facts_for(taro)
    body = notice_text.fill(campaign.body, taro, facts)
    assert "山田 太郎 様" in body and taro.notice_number in body and taro.verify_code in body
    assert "【会員のお客様として】" in body and "【ギフトのお届け先の方として】" in body
    assert "クレジットカード番号は、漏えいした可能性を否定できません。" in body
    assert "パスワードについては、漏えいしていないことを確認しております。" in body
    assert "電話番号については、漏えいの有無を調査しております。" in body
    assert body.count("今後の調査により変わる可能性がございます") == 1  # the caveat, once
    assert "■ 原因（調査中）" not in body or "※「可能性」「調査中」とした事項" in body
    assert "{" not in body and "}" not in body
    hanako = person("佐藤")
    assert "ギフトのお届け先の方" not in notice_text.fill(campaign.body, hanako, facts_for(hanako)[1])


def test_texts_missing_what_a_notice_needs_are_refused(app, listed, staff):
    campaign = campaigns.create(listed, staff["sup1"])
    with pytest.raises(notice_text.NoticeTextError, match="{確認コード}"):
        campaigns.update(campaign, {"body": campaign.body.replace("{確認コード}", "")}, staff["sup1"])
    with pytest.raises(notice_text.NoticeTextError, match="使えない差し込み項目があります: {電話}"):
        campaigns.update(campaign, {"body": campaign.body + "{電話}"}, staff["sup1"])
    # A report that says nothing of the risk of secondary damage: the notice must say it before it goes.
    from .factories import make_draft, make_incident, publish

    quiet = make_incident("quiet-incident")
    publish(make_draft(quiet, staff["sup1"]), staff["sup1"], staff["sup2"])
    silent = campaigns.create(quiet, staff["sup1"])
    assert "■ 二次被害のおそれ\n【記入してください：二次被害またはそのおそれの有無と、その内容】" in silent.body
    with pytest.raises(notice_text.NoticeTextError, match="施行規則10条"):
        campaigns.submit(silent, staff["sup1"])


def test_two_people_approve_the_text_they_saw(app, listed, staff):
    with pytest.raises(campaigns.CampaignError, match="責任者"):
        campaigns.create(listed, staff["agent"])
    campaign = campaigns.create(listed, staff["sup1"])
    campaigns.submit(campaign, staff["sup1"])
    with pytest.raises(campaigns.CampaignError, match="作成・変更した方は承認できません"):
        campaigns.approve(campaign, staff["sup1"], campaigns.content_hash(campaign))
    seen = campaigns.content_hash(campaign)
    campaigns.update(campaign, {"pace_per_hour": 10}, staff["sup2"])  # a second supervisor edits...
    campaigns.submit(campaign, staff["sup2"])
    with pytest.raises(campaigns.CampaignError, match="作成・変更した方"):  # ...and so cannot approve either
        campaigns.approve(campaign, staff["sup2"], campaigns.content_hash(campaign))
    with pytest.raises(campaigns.CampaignError, match="文面が変わっています"):
        campaigns.approve(campaign, staff["admin"], seen)
    count = campaigns.approve(campaign, staff["admin"], campaigns.content_hash(campaign))
    assert count == 4 and campaign.state is CampaignState.RUNNING
    statuses = sorted(d.status.value for d in db.session.scalars(select(NoticeDelivery)))
    # 山田 and 佐藤 have email; 鈴木 and 高橋 have only an address: letters.
    assert statuses == ["to_print", "to_print", "waiting", "waiting"]
    with pytest.raises(campaigns.CampaignError, match="承認済み"):
        campaigns.update(campaign, {"subject": "変更"}, staff["sup1"])


def test_mail_goes_out_at_the_pace_only_within_the_hours(app, listed, staff):
    campaign = approved(listed, staff, pace_per_hour=60)
    night = datetime(2026, 12, 3, 15, 0)  # 0:00 in Japan
    campaign.last_pump_at = night - timedelta(minutes=30)
    assert sending.pump(night) == 0
    campaign.last_pump_at = MORNING
    assert sending.pump(MORNING + timedelta(seconds=30)) == 0  # half a notice's worth of time
    assert sending.pump(MORNING + timedelta(minutes=1)) == 1
    assert sending.pump(MORNING + timedelta(minutes=30)) == 1  # the bucket holds five minutes' worth; one left
    assert campaign.state is CampaignState.RUNNING


def test_the_pace_holds_over_hours(app, staff):
    from hotline import affected

    incident = incident_with_groups(staff)
    rows = [[f"P{n}", f"利用者 {n}", "", f"p{n}@example.jp", "", "", "", ""] for n in range(400)]
    affected.import_list(incident, csv_bytes(rows), "many.csv", group=MEMBERS, user=staff["sup1"])
    db.session.commit()
    approved(incident, staff, pace_per_hour=120)
    sent = [sending.pump(MORNING + timedelta(minutes=m)) for m in range(1, 121)]
    assert 230 <= sum(sent) <= 250  # two hours at 120 an hour
    assert max(sent) <= 10  # never more than five minutes' worth at once


@pytest.mark.parametrize("round_", range(3))  # a race lost once in a while must still fail the suite
def test_two_senders_at_once_keep_to_the_pace(app, staff, round_):
    """Two schedulers (or nodes) running the sender in the same minute share one allowance."""
    import threading

    from hotline import affected

    incident = incident_with_groups(staff)
    rows = [[f"P{n}", f"利用者 {n}", "", f"p{n}@example.jp", "", "", "", ""] for n in range(60)]
    affected.import_list(incident, csv_bytes(rows), "many.csv", group=MEMBERS, user=staff["sup1"])
    db.session.commit()
    campaign = approved(incident, staff, pace_per_hour=600)  # ten a minute
    campaign.last_pump_at, campaign.credit = MORNING, 0.0
    db.session.commit()
    db.session.remove()
    barrier, counts = threading.Barrier(2), []

    def send():
        with app.app_context():
            barrier.wait()
            counts.append(sending.pump(MORNING + timedelta(minutes=1)))
            db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) == [0, 10], counts
    queued = db.session.scalar(select(func.count(NoticeDelivery.id)).where(NoticeDelivery.status == DeliveryStatus.QUEUED))
    assert queued == 10


def test_a_notice_the_sender_delivered_is_ours_at_once_before_the_next_round_records_it(app, listed, staff):
    from hotline.affected import checks
    from hotline.models import MailStatus, OutboxMail

    approved(listed, staff, pace_per_hour=600)
    assert sending.pump(MORNING + timedelta(minutes=1)) >= 1
    delivery = db.session.scalars(select(NoticeDelivery).where(NoticeDelivery.status == DeliveryStatus.QUEUED)
                                  .order_by(NoticeDelivery.id)).first()
    person = delivery.person
    assert checks.verify_notice(person.notice_number, person.verify_code) is None  # queued, not yet sent
    mail_row = db.session.get(OutboxMail, delivery.outbox_id)
    mail_row.status, mail_row.sent_at = MailStatus.SENT, datetime(2026, 12, 3, 16, 30)  # 1:30 on the 4th in Japan
    db.session.commit()
    found = checks.verify_notice(person.notice_number, person.verify_code)
    assert found is not None and [day.isoformat() for day, _channel in found.sent] == ["2026-12-04"]
    sending.pump(MORNING + timedelta(minutes=2))  # the round writes it into the history
    assert [day.isoformat() for day, _ in checks.verify_notice(person.notice_number, person.verify_code).sent] == [
        "2026-12-04"]  # once, not twice


def test_progress_counts_bounces_per_group(app, listed, staff):
    campaign = approved(listed, staff, pace_per_hour=600)
    hanako = next(d for d in db.session.scalars(select(NoticeDelivery)) if d.person.name == "佐藤 花子")  # names are sealed
    sending.bounced(hanako, "送信先のメールサーバーが受け取りを拒否")
    db.session.commit()
    shown = outcomes.progress(campaign)
    assert shown.bounced == 1 and shown.bounced_by_group == {MEMBERS: 1, GIFTS: 0}, shown.bounced_by_group
    assert list(shown.bounced_by_group) == list(shown.by_group)  # one figure for each row of the table


def add_inquiries(n: int, minutes_ago: int = 0):
    from hotline import inquiries

    for _ in range(n):
        item = inquiries.receive({"name": "問 合せ", "email": "q@example.jp", "phone": "", "reply_by": ReplyBy.EMAIL,
                                  "category": InquiryCategory.OTHER, "message": "質問です", "notice_number": ""})
        item.created_at = MORNING - timedelta(minutes=minutes_ago)
    db.session.commit()


def test_a_backlog_pauses_the_campaign_and_a_supervisor_resumes(app, listed, staff):
    campaign = approved(listed, staff, pace_per_hour=600, pause_backlog=3)
    add_inquiries(3)
    assert sending.pump(MORNING + timedelta(minutes=5)) == 0
    assert campaign.state is CampaignState.PAUSED
    assert campaign.paused_reason == "自動停止：未回答のお問い合わせが3件になりました（基準 3件）。"
    for item in db.session.scalars(select(Inquiry)):
        item.status = item.status.__class__.ANSWERED
    db.session.commit()
    assert sending.pump(MORNING + timedelta(minutes=10)) == 0  # paused stays paused until a person decides
    with pytest.raises(campaigns.CampaignError):
        campaigns.resume(campaign, staff["agent"])
    campaigns.resume(campaign, staff["sup2"])
    campaign.last_pump_at = MORNING + timedelta(minutes=10)
    assert sending.pump(MORNING + timedelta(minutes=15)) == 2


def test_an_old_unanswered_inquiry_pauses_too(app, listed, staff):
    campaign = approved(listed, staff, pause_oldest_minutes=60)
    add_inquiries(1, minutes_ago=90)
    sending.pump(MORNING + timedelta(minutes=5))
    assert campaign.state is CampaignState.PAUSED and "95分待っています" in campaign.paused_reason


def test_notices_arrive_over_smtp_and_a_refused_address_goes_by_letter(app, listed, staff, smtp):
    smtp.handler.unknown_users.add("hanako@example.jp")
    campaign = approved(listed, staff, pace_per_hour=600)
    assert sending.pump(utcnow().replace(hour=1)) + sending.pump(utcnow().replace(hour=1) + timedelta(minutes=5)) >= 2
    mail.deliver_pending()
    sending.pump(utcnow().replace(hour=1) + timedelta(minutes=6))
    assert len(smtp.received) == 1
    message = smtp.received[0].message
    taro = person("山田")
    assert taro.notice_number in message["Subject"]
    assert "【ギフトのお届け先の方として】" in message.get_content()
    hanako = db.session.scalar(select(NoticeDelivery).join(AffectedPerson).where(AffectedPerson.email_hash != "")
                               .where(NoticeDelivery.bounced_at.is_not(None)))
    assert hanako.status is DeliveryStatus.TO_PRINT and hanako.person.email_bounced
    kinds = sorted(e.kind for e in db.session.scalars(select(NoticeEvent)))
    assert kinds == ["bounced", "sent"]
    assert campaign.state is CampaignState.DONE
    # The outbox holds the notice sealed: no address or name in clear in the table.
    raw = db.session.connection().exec_driver_sql("SELECT to_addr, body FROM outbox_mail").all()
    assert all("example.jp" not in a and "山田" not in b for a, b in raw)


DSN = """From: MAILER-DAEMON@example.jp
To: support@example.jp
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

The mail could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.jp

Final-Recipient: rfc822; Taro@example.jp
Action: failed
Status: 5.1.1

Final-Recipient: rfc822; someone@example.jp
Action: delayed
Status: 4.4.1

--B--
"""


def test_a_dsn_moves_the_notice_to_a_letter(app, listed, staff):
    campaign = approved(listed, staff)
    result = outcomes.import_bounces(campaign, DSN.encode(), staff["sup1"])
    assert (result.moved, result.unknown) == (1, 0)
    taro = db.session.scalar(select(NoticeDelivery).join(AffectedPerson).where(AffectedPerson.id == person("山田").id))
    assert taro.status is DeliveryStatus.TO_PRINT and taro.bounced_at is not None
    again = outcomes.import_bounces(campaign, b"taro@example.jp\n0000-0000-0000\n", staff["sup1"])
    assert (again.moved, again.already, again.unknown) == (0, 1, 1)


def test_letters_print_one_notice_per_page_with_name_and_number(app, listed, staff):
    pytest.importorskip("fpdf")
    try:
        letters.font_path()
    except letters.LetterError:
        pytest.skip("fonts-noto-cjk not installed")
    campaign = approved(listed, staff)
    number, pdf, count = letters.print_batch(campaign, staff["sup1"])
    assert (number, count) == (1, 2)
    document = pypdfium2.PdfDocument(pdf)
    assert len(document) == 2
    texts = [page.get_textpage().get_text_range() for page in document]
    ichiro, jiro = person("鈴木"), person("高橋")
    first = next(text for text in texts if "鈴木 一郎 様" in text)
    assert ichiro.notice_number in first and ichiro.verify_code in first and "〒060-0001" in first
    assert any("高橋 次郎 様" in text and jiro.notice_number in text for text in texts)
    assert all("個人情報の漏えいに関するお詫びとお知らせ" in text for text in texts)
    assert db.session.scalar(select(func.count(NoticeEvent.id)).where(NoticeEvent.kind == "printed")) == 2
    with pytest.raises(letters.LetterError, match="印刷を待っている"):
        letters.print_batch(campaign, staff["sup1"])
    assert len(pypdfium2.PdfDocument(letters.reprint(campaign, 1, staff["sup1"]))) == 2
    assert outcomes.letter_returned(campaign, jiro.notice_number, staff["sup1"])
    assert jiro.letter_returned


def test_a_text_changed_after_approval_by_any_path_never_goes_out(app, listed, staff):
    campaign_id = approved(listed, staff, pace_per_hour=600).id
    db.session.close()
    with db.engine.begin() as connection:  # around the application, after the approval
        connection.exec_driver_sql("UPDATE notice_campaign SET body = body || ' 追記'")
    campaign = db.session.get(NoticeCampaign, campaign_id)
    staff = {name: db.session.merge(user) for name, user in staff.items()}
    assert sending.pump(MORNING + timedelta(minutes=5)) == 0
    assert campaign.state is CampaignState.PAUSED and "承認された後に文面" in campaign.paused_reason
    with pytest.raises(campaigns.CampaignError, match="再開できません"):
        campaigns.resume(campaign, staff["sup2"])
    with pytest.raises(letters.LetterError, match="印刷できません"):
        letters.print_batch(campaign, staff["sup1"])


def test_a_newer_report_stops_a_campaign_of_the_older_one(app, listed, staff):
    from .affected_helpers import two_groups
    from .factories import make_draft, publish

    campaign = approved(listed, staff, pace_per_hour=600)
    groups = two_groups()
    groups[0].reason = groups[1].reason = "変更なし"
    publish(make_draft(listed, staff["sup1"], groups=groups, cause="改ざん。", secondary_risks="不審なメール。",
                       customer_actions="明細の確認。"), staff["sup1"], staff["sup2"])
    assert sending.pump(MORNING + timedelta(minutes=5)) == 0
    assert campaign.state is CampaignState.PAUSED and "第二報が公表されました" in campaign.paused_reason
