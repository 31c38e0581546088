"""Handling an inquiry, step by step: who may do what, the exact refusal, the staff note and the audit trail."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from hotline import inquiries
from hotline.extensions import db
from hotline.inquiries.handling import (
    InquiryError,
    age_label,
    queue,
    queue_counts,
    reply_options,
)
from hotline.models import (
    AuditEvent,
    Channel,
    Inquiry,
    InquiryCategory,
    InquiryStatus,
    ReplyBy,
    Role,
    User,
)

from .factories import receive_inquiry


def make(message="質問です。", created=None, **fields) -> Inquiry:
    item = receive_inquiry(message, **fields)
    if created is not None:
        item.created_at = created
        db.session.commit()
    return item


def trail(inquiry: Inquiry) -> list[tuple]:
    """(action, user id, detail) of every audit row about the inquiry after its creation."""
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.target_type == "inquiry",
                                                       AuditEvent.target_id == str(inquiry.id),
                                                       AuditEvent.action != "create").order_by(AuditEvent.id))
    return [(e.action, e.user_id, e.detail) for e in rows]


def refused(message: str, call, *args) -> None:
    with pytest.raises(InquiryError) as raised:
        call(*args)
    assert str(raised.value) == message


def test_from_claim_to_answer_each_step_is_checked_noted_and_recorded(app, staff):
    agent, other, sup = staff["agent"], staff["admin"], staff["sup1"]
    item = make()
    assert inquiries.claim(item.id, agent)
    db.session.commit()
    db.session.refresh(item)
    refused("この問い合わせは他の担当者が対応中です。", inquiries.release, item, User(id=-1, role=Role.AGENT))
    inquiries.set_waiting(item, agent, "カード会社に確認中")
    inquiries.set_waiting(item, agent, "折り返し待ち")
    assert item.status is InquiryStatus.WAITING and item.staff_note == "カード会社に確認中\n折り返し待ち"
    inquiries.set_waiting(item, agent, "")
    assert item.staff_note == "カード会社に確認中\n折り返し待ち"
    inquiries.resume(item, agent)
    inquiries.resume(item, agent)  # already taken up again: nothing to record
    assert item.status is InquiryStatus.ASSIGNED
    inquiries.release(item, sup)  # a supervisor may put anyone's inquiry back
    assert (item.status, item.assigned_to_id, item.claimed_at) == (InquiryStatus.NEW, None, None)
    db.session.commit()
    assert inquiries.claim(item.id, agent)
    db.session.commit()
    db.session.refresh(item)
    refused("回答文を入力してください。", inquiries.record_answer, item, agent, inquiries.AnswerChoice(" \n", "email"))
    refused("回答文に入力が必要な箇所が残っています：「日時」「担当」。【入力してください：…】を書き換えてから送信してください。",
            inquiries.record_answer, item, agent,
            inquiries.AnswerChoice("【入力してください：日時】に【入力してください：担当】から", "email"))
    inquiries.record_answer(item, agent, inquiries.AnswerChoice("  ご回答いたします。\n", "email"))
    assert (item.answer_text, item.answer_channel, item.answered_by_id) == ("ご回答いたします。", "email", agent.id)
    assert item.template_edited is False
    refused("この問い合わせには既に回答しています。", inquiries.record_answer, item, agent,
            inquiries.AnswerChoice("もう一度", "email"))
    refused("回答済みの問い合わせは戻せません。", inquiries.release, item, agent)
    refused("回答済みの問い合わせは保留にできません。", inquiries.set_waiting, item, agent, "x")
    db.session.commit()
    assert trail(item) == [
        ("claim", agent.id, ""), ("wait", agent.id, ""), ("wait", agent.id, ""), ("wait", agent.id, ""),
        ("resume", agent.id, ""), ("release", sup.id, ""), ("claim", agent.id, ""),
        ("answer", agent.id, "channel=email template=None:None edited=False"),
    ]
    assert other.id not in {user for _, user, _ in trail(item)}


def test_an_answer_needs_an_owner_and_an_address_for_mail(app, staff):
    agent = staff["agent"]
    item = make(email="", phone="090-1111-2222", reply_by=ReplyBy.PHONE)
    refused("担当者を決めてから回答してください。", inquiries.record_answer, item, staff["sup1"],
            inquiries.AnswerChoice("回答", "phone"))
    assert inquiries.claim(item.id, agent)
    db.session.commit()
    db.session.refresh(item)
    refused("メールアドレスがないため、メールでは回答できません。電話で回答してください。", inquiries.record_answer, item, agent,
            inquiries.AnswerChoice("回答", "email"))
    inquiries.record_answer(item, agent, inquiries.AnswerChoice("お電話でご説明いたしました。", "phone"))
    assert item.answer_channel == "phone" and item.status is InquiryStatus.ANSWERED


def test_marking_urgent_takes_a_listed_reason_and_leaves_a_line_in_the_note(app, staff):
    agent = staff["agent"]
    item = make()
    refused("至急の指定を変えるにはログインが必要です。", inquiries.set_urgent, item, None, True, "fraud")
    refused("理由を選んでください。", inquiries.set_urgent, item, agent, True, "question")  # an unmark reason
    refused("至急ではありません。", inquiries.set_urgent, item, agent, False, "question")
    inquiries.set_urgent(item, agent, True, "fraud")
    assert item.urgent and item.urgent_reason == "担当者が至急に指定（不正利用の報告）"
    refused("既に至急です。", inquiries.set_urgent, item, agent, True, "money")
    inquiries.set_urgent(item, agent, False, "hypothetical", "ご心配のお問い合わせでした")
    assert not item.urgent and item.urgent_reason == ""
    assert item.staff_note == ("至急に指定：不正利用の報告（AGENT1）\n"
                               "至急を解除：仮定やご心配のご質問（AGENT1） ご心配のお問い合わせでした")
    db.session.commit()
    assert trail(item) == [("mark_urgent", agent.id, "fraud"), ("unmark_urgent", agent.id, "hypothetical")]
    assert inquiries.claim(item.id, agent)
    db.session.commit()
    db.session.refresh(item)
    inquiries.record_answer(item, agent, inquiries.AnswerChoice("回答", "email"))
    refused("回答済みの問い合わせの至急の指定は変えられません。", inquiries.set_urgent, item, agent, True, "fraud")


def test_each_tab_holds_its_own_inquiries_urgent_first_then_oldest(app, staff):
    agent, sup = staff["agent"], staff["sup1"]
    start = datetime(2026, 11, 20, 0, 0)
    old = make("古い", created=start)
    newer = make("新しい", created=start + timedelta(hours=2))
    urgent = make("身に覚えのない請求がありました", created=start + timedelta(hours=3))
    phone = make("電話の記録", created=start + timedelta(hours=1), channel=Channel.PHONE,
                 category=InquiryCategory.ELIGIBILITY)
    mine, waiting, answered, answered_later = (make(m, created=start + timedelta(hours=n))
                                               for n, m in ((4, "担当中"), (5, "保留"), (6, "回答1"), (7, "回答2")))
    for item in (mine, waiting, answered, answered_later):
        assert inquiries.claim(item.id, agent)
    theirs = make("他の担当", created=start + timedelta(hours=8))
    assert inquiries.claim(theirs.id, sup)
    db.session.commit()
    for item in (waiting, answered, answered_later):
        db.session.refresh(item)
    inquiries.set_waiting(waiting, agent, "")
    inquiries.record_answer(answered, agent, inquiries.AnswerChoice("回答", "email"))
    db.session.commit()
    inquiries.record_answer(answered_later, agent, inquiries.AnswerChoice("回答", "email"))
    answered.answered_at = datetime(2026, 11, 30, 0, 0)
    answered_later.answered_at = datetime(2026, 11, 30, 1, 0)
    db.session.commit()
    ids = lambda items: [i.id for i in items]  # noqa: E731
    assert urgent.urgent and not old.urgent
    assert ids(queue("new", agent)) == [urgent.id, old.id, phone.id, newer.id]
    assert ids(queue("new", agent, limit=1)) == [urgent.id]
    assert ids(queue("new", agent, limit=2)) == [urgent.id, old.id]
    assert ids(queue("mine", agent)) == [mine.id, waiting.id]
    assert ids(queue("waiting", sup)) == [waiting.id]
    assert ids(queue("answered", agent)) == [answered_later.id, answered.id]
    assert ids(queue("answered", agent, limit=1)) == [answered_later.id]
    assert ids(queue("new", agent, category="eligibility")) == [phone.id]
    assert ids(queue("new", agent, channel="phone")) == [phone.id]
    assert ids(queue("new", agent, channel="web", category="other")) == [urgent.id, old.id, newer.id]
    assert queue_counts(agent) == {"new": 4, "mine": 2, "waiting": 1, "answered": 2, "urgent_open": 1}
    assert queue_counts(sup)["mine"] == 1
    assert inquiries.claim(urgent.id, agent)
    db.session.commit()
    assert queue_counts(agent) == {"new": 3, "mine": 3, "waiting": 1, "answered": 2, "urgent_open": 1}
    inquiries.set_waiting(db.session.get(Inquiry, urgent.id), agent, "カード会社の確認待ち")
    db.session.commit()
    assert queue_counts(agent)["urgent_open"] == 1  # on hold, still an open report of damage
    inquiries.record_answer(db.session.get(Inquiry, urgent.id), agent, inquiries.AnswerChoice("回答", "email"))
    db.session.commit()
    assert queue_counts(agent)["urgent_open"] == 0


def test_a_full_tab_of_urgent_inquiries_stops_at_the_limit_and_every_tab_is_oldest_first(app, staff):
    agent = staff["agent"]
    start = datetime(2026, 11, 20, 0, 0)
    # received in the opposite order of their times, so that only the ordering puts them right
    late_urgent = make("カードの請求に覚えがありません", created=start + timedelta(hours=3),
                       category=InquiryCategory.CARD_FRAUD)
    early_urgent = make("カードが使われました", created=start + timedelta(hours=1), category=InquiryCategory.CARD_FRAUD)
    late = make("質問です。", created=start + timedelta(hours=2))
    early = make("質問です。", created=start)
    ids = lambda items: [i.id for i in items]  # noqa: E731
    assert late_urgent.urgent and early_urgent.urgent and not late.urgent
    assert ids(queue("all", agent)) == [early_urgent.id, late_urgent.id, early.id, late.id]
    assert ids(queue("new", agent, limit=1)) == [early_urgent.id]
    assert ids(queue("all", agent, limit=3)) == [early_urgent.id, late_urgent.id, early.id]


def test_a_template_answer_only_reflowed_is_not_edited(app, staff):
    agent = staff["agent"]
    suggested = "お問い合わせいただき、ありがとうございます。ご回答いたします。"
    for text, edited in ((suggested, False), ("お問い合わせいただき、\nありがとうございます。\n\nご回答いたします。", False),
                         ("お問い合わせいただき、ありがとうございます。 ご回答いたします。", False),
                         (suggested + "以上です。", True)):
        item = make()
        assert inquiries.claim(item.id, agent)
        db.session.commit()
        db.session.refresh(item)
        inquiries.record_answer(item, agent, inquiries.AnswerChoice(text, "email", 7, 2, suggested_text=suggested))
        assert item.template_edited is edited, text


@pytest.mark.parametrize("seconds,label", [(-5, "0分"), (0, "0分"), (59, "0分"), (60, "1分"), (119, "1分"), (3599, "59分"),
                                           (3600, "1時間"), (86399, "23時間"), (86400, "1日"), (3 * 86400 + 5, "3日")])
def test_ages_read_in_minutes_hours_then_days(seconds, label):
    now = datetime(2026, 12, 1, 12, 0)
    assert age_label(now - timedelta(seconds=seconds), now=now) == label


def test_the_customers_preferred_way_to_be_answered_comes_first():
    by_mail = Inquiry(email="a@example.jp", reply_by=ReplyBy.EMAIL)
    by_phone = Inquiry(email="a@example.jp", reply_by=ReplyBy.PHONE)
    no_mail = Inquiry(email="", reply_by=ReplyBy.NONE)
    assert reply_options(by_mail) == [("email", "メールで送信"), ("phone", "電話で回答した（記録のみ）")]
    assert reply_options(by_phone) == [("phone", "電話で回答した（記録のみ）"), ("email", "メールで送信")]
    assert reply_options(no_mail) == [("phone", "電話で回答した（記録のみ）")]


def test_a_claim_stamps_its_time_and_needs_both_a_new_status_and_no_owner(app, staff):
    from sqlalchemy import update

    from hotline.models._types import utcnow

    assert queue_counts(staff["agent"]) == {"new": 0, "mine": 0, "waiting": 0, "answered": 0, "urgent_open": 0}
    item = make()
    before = utcnow()
    assert inquiries.claim(item.id, staff["agent"])
    db.session.commit()
    db.session.refresh(item)
    assert item.claimed_at >= before and item.updated_at >= before
    odd = make("担当者だけ残った行")  # written around the application: an owner but still NEW
    db.session.execute(update(Inquiry).where(Inquiry.id == odd.id).values(assigned_to_id=staff["sup1"].id))
    answered = make("回答済みなのに担当なし")
    db.session.execute(update(Inquiry).where(Inquiry.id == answered.id).values(status=InquiryStatus.ANSWERED))
    db.session.commit()
    assert not inquiries.claim(odd.id, staff["agent"]) and not inquiries.claim(answered.id, staff["agent"])


def test_an_answer_remembers_the_report_it_was_given_under(app, staff):
    from .factories import make_draft, make_incident, publish

    incident = make_incident()
    report = publish(make_draft(incident, staff["sup1"]), staff["sup1"], staff["sup2"])
    item = make()
    assert item.incident_id == incident.id
    assert inquiries.claim(item.id, staff["agent"])
    db.session.commit()
    db.session.refresh(item)
    inquiries.record_answer(item, staff["agent"], inquiries.AnswerChoice("回答", "email"))
    assert item.answer_report_id == report.id
    loose = make("事案の前")
    loose.incident_id = None
    assert inquiries.claim(loose.id, staff["agent"])
    db.session.commit()
    db.session.refresh(loose)
    inquiries.record_answer(loose, staff["agent"], inquiries.AnswerChoice("回答", "email"))
    assert loose.answer_report_id is None
