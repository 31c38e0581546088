"""Re-contact: people told facts that a later report changed are found, and told what changed, in one approved step."""

from datetime import date

import pytest
from sqlalchemy import select

from hotline import affected, inquiries, notices
from hotline.affected import campaigns, notice_text, recontact
from hotline.affected.people import facts_for
from hotline.extensions import db
from hotline.inquiries import handling
from hotline.models import (
    AffectedPerson, DataCategory, InquiryCategory, LeakStatus, NoticeChannel, NoticeDelivery, NoticeEvent, ReplyBy,
)

from .affected_helpers import GIFT_ROWS, GIFTS, MEMBER_ROWS, MEMBERS, csv_bytes, incident_with_groups, two_groups
from .factories import make_draft, publish


def second_report(incident, staff):
    """第二報: the members' card number moves from 可能性 to 可能性が高い; the gift group is unchanged."""
    groups = two_groups()
    groups[0].items[2] = notices.ItemSpec(LeakStatus.LIKELY, DataCategory.CARD_NUMBER)
    groups[0].reason = groups[1].reason = "ログの解析が進みました。"
    report = make_draft(incident, staff["sup1"], groups=groups, cause="決済画面の改ざんによるものと見ております。",
                        secondary_risks="不審なメールのおそれがございます。", customer_actions="明細をご確認ください。")
    publish(report, staff["sup1"], staff["sup2"])
    return report


@pytest.fixture
def told(app, staff):
    """Everyone on the list told the 第一報 by a notice; then the 第二報 is published."""
    incident = incident_with_groups(staff)
    affected.import_list(incident, csv_bytes(MEMBER_ROWS), "members.csv", group=MEMBERS, user=staff["sup1"])
    affected.import_list(incident, csv_bytes(GIFT_ROWS), "gifts.csv", group=GIFTS, user=staff["sup1"])
    first = notices.latest_published(incident)
    for person in db.session.scalars(select(AffectedPerson)):
        if GIFTS in person.group_names and MEMBERS not in person.group_names:
            continue  # the gift-only recipient was not notified
        db.session.add(NoticeEvent(person_id=person.id, kind="sent", channel=NoticeChannel.EMAIL,
                                   report_id=first.id, happened_on=date(2026, 11, 5)))
    db.session.commit()
    return incident


def person(name_part: str) -> AffectedPerson:
    return next(p for p in db.session.scalars(select(AffectedPerson)) if name_part in p.name)


def test_nobody_needs_a_follow_up_until_a_report_changes_their_facts(app, told, staff):
    assert recontact.needing_follow_up(told) == []
    with pytest.raises(campaigns.CampaignError, match="変わった方はいません"):
        campaigns.create(told, staff["sup1"], follow_up=True)


def test_people_told_changed_facts_are_listed_with_what_changed(app, told, staff):
    second_report(told, staff)
    found = {f.person_id: f for f in recontact.needing_follow_up(told)}
    members = {person(n).id for n in ("山田", "佐藤", "鈴木")}
    assert set(found) == members  # the gift-only recipient was never told; nobody else is missing
    assert found[person("山田").id].changes == [
        "会員のお客様・クレジットカード番号：「漏えいの可能性を否定できない」から「漏えいの可能性が高い」に変わりました。"]


def test_an_answer_counts_as_being_told(app, told, staff):
    jiro = person("高橋")
    item = inquiries.receive({"name": "高橋 次郎", "email": "jiro@example.jp", "phone": "", "reply_by": ReplyBy.EMAIL,
                              "category": InquiryCategory.LEAKED_DATA, "message": "何が漏れましたか",
                              "notice_number": jiro.notice_number})
    handling.claim(item.id, staff["agent"])
    db.session.refresh(item)
    handling.record_answer(item, staff["agent"], handling.AnswerChoice("氏名と住所です。", "email", None, None, ""))
    db.session.commit()
    assert item.answer_report_id == notices.latest_published(told).id
    groups = two_groups()
    groups[1].items[2] = notices.ItemSpec(LeakStatus.CONFIRMED, DataCategory.PHONE)  # gift recipients' phones
    groups[0].reason = groups[1].reason = "ログの解析が進みました。"
    publish(make_draft(told, staff["sup1"], groups=groups, cause="改ざんによるもの。", secondary_risks="不審なメール。",
                       customer_actions="明細の確認。"), staff["sup1"], staff["sup2"])
    found = {f.person_id: f for f in recontact.needing_follow_up(told)}
    assert jiro.id in found
    assert found[jiro.id].changes == [
        "ギフトのお届け先の方・電話番号：「確認されていない（調査中）」から「漏えいを確認」に変わりました。"]


def test_a_follow_up_goes_to_exactly_those_people_and_says_what_changed(app, told, staff):
    second_report(told, staff)
    follow_up = campaigns.create(told, staff["sup1"], follow_up=True)
    assert "■ 前回のお知らせからの変更点\n{変更点}" in follow_up.body and "変更について" in follow_up.subject
    campaigns.submit(follow_up, staff["sup1"])
    assert campaigns.approve(follow_up, staff["sup2"], campaigns.content_hash(follow_up)) == 3
    db.session.commit()
    taro = person("山田")
    body = notice_text.fill(follow_up.body, taro, facts_for(taro)[1],
                            changed=campaigns_changed(follow_up, taro))
    assert "第一報でお知らせした内容から、第二報で次のとおり変わりました。" in body
    assert "・会員のお客様・クレジットカード番号：「漏えいの可能性を否定できない」から「漏えいの可能性が高い」に変わりました。" in body
    people = {d.person_id for d in db.session.scalars(select(NoticeDelivery))}
    assert person("高橋").id not in people


def campaigns_changed(campaign, someone):
    from hotline.affected.sending import changed_text

    return changed_text(campaign, someone, notices.latest_published(campaign.incident))


def test_the_page_offers_the_follow_up_and_previews_a_real_change(client, login, told, staff):
    second_report(told, staff)
    login("sup1")
    listing = client.get("/supervisor/notices").get_data(as_text=True)
    assert "お知らせした内容が変わった方：3名" in listing
    page = client.post("/supervisor/notices/new", data={"follow_up": "1"}, follow_redirects=True).get_data(as_text=True)
    assert "第二報での変更点のお知らせ" in page
    assert "「漏えいの可能性を否定できない」から「漏えいの可能性が高い」に変わりました" in page
