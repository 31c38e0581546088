"""Urgent detection (reports of secondary damage) and the agents' mark and unmark."""

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from hotline import inquiries
from hotline.extensions import db
from hotline.inquiries import urgent
from hotline.models import AuditEvent, Inquiry, InquiryCategory, InquiryStatus, OutboxMail, ReplyBy

from .pages import body

EVAL = Path(__file__).parent / "data" / "urgent_eval.jsonl"


def _rows(split: str) -> list[dict]:
    rows = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r["split"] == split]


def test_the_evaluation_file_is_large_enough_and_balanced():
    rows = _rows("dev") + _rows("held")
    assert len(rows) >= 100
    for kind in ("fraud", "money", "impersonation", "none"):
        assert sum(r["kind"] == kind for r in rows) >= 10


@pytest.mark.parametrize("split,allowed_alarms", [("dev", 0), ("held", 1)])
def test_no_report_of_damage_is_missed(split, allowed_alarms):
    rows = _rows(split)
    missed = [r["text"] for r in rows if r["urgent"] and not urgent.reason(r["text"])]
    alarms = [r["text"] for r in rows if not r["urgent"] and urgent.reason(r["text"])]
    assert missed == []
    assert len(alarms) <= allowed_alarms, alarms


@pytest.mark.parametrize("text,hedge", [
    ("もし不正利用されていたら補償されますか", "仮定"),
    ("不審なメールが届いた場合の連絡先", "仮定"),
    ("不正利用されないか心配です", "否定"),
    ("不正利用が心配です", "心配"),
    ("不正利用される可能性はありますか", "心配"),
    ("不正利用を防ぐ方法を教えてください", "予防"),
    ("御社を名乗る電話があるとニュースで見ました", "伝聞"),
    ("被害には遭っていません", "否定"),
    ("不正利用の補償はありますか", "話題"),
])
def test_a_mention_that_is_not_a_report_is_hedged(text, hedge):
    found = urgent.findings(text)
    assert found and all(f.hedge for f in found), found
    assert hedge in {f.hedge for f in found}
    assert urgent.reason(text) == ""


@pytest.mark.parametrize("text", [
    "不正利用されたかもしれません",          # past, then a doubt: still a report
    "不正に使われたのではないかと思います",   # a denial after the past tense is not a denial
    "不正利用された可能性があります",        # a suspicion, not a question
    "ふせいりようされました",              # typed in kana
    "不正理容されました",                  # the wrong kanji of the same reading
    "ﾌｨｯｼﾝｸﾞメールが届きました",          # half-width katakana
    "ヒッシングメールがきた",               # one typo in a katakana word
    "明細を見たら知らない店で決済されていた",  # たら before the report is not a condition on it
])
def test_reports_survive_doubt_kana_typos_and_a_condition_before_them(text):
    assert urgent.reason(text), urgent.findings(text)


def test_the_reason_quotes_only_the_rule_words_never_other_words_of_the_message():
    text = "山田太郎です。0312345678に御社を名乗る電話がかかってきました"
    reason = urgent.reason(text)
    assert "なりすまし" in reason and "名乗る" in reason
    assert "山田" not in reason and "0312345678" not in reason


def test_each_sentence_is_read_on_its_own():
    assert urgent.reason("知らない請求がありました。もし不正利用ならどうすれば")
    assert not urgent.reason("今後、不正利用されたらどうすればいいですか。カードは止めました")


def test_a_long_message_is_read_without_error():
    assert urgent.reason("ご確認ください。" * 600 + "身に覚えのない請求がありました") == ""  # beyond 4,000 chars
    assert urgent.reason("ご確認ください。" * 300 + "身に覚えのない請求がありました")


def _inquiry(message: str) -> Inquiry:
    item = inquiries.receive(dict(name="山田 太郎", email="taro@example.jp", phone="", reply_by=ReplyBy.EMAIL,
                                  category=InquiryCategory.OTHER, message=message, notice_number=""))
    db.session.commit()
    return item


def test_agents_mark_and_unmark_with_a_reason_kept_in_the_audit_log(app, staff):
    item = _inquiry("カードのことで相談があります")
    assert not item.urgent
    inquiries.set_urgent(item, staff["agent"], True, "fraud", "電話で不正利用と伺いました")
    db.session.commit()
    assert item.urgent and "不正利用の報告" in item.urgent_reason
    assert "電話で不正利用と伺いました" in item.staff_note and "agent1" not in item.staff_note
    inquiries.set_urgent(item, staff["sup1"], False, "question")
    db.session.commit()
    assert not item.urgent and item.urgent_reason == ""
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.target_type == "inquiry",
                                                         AuditEvent.action.like("%urgent"))
                                .order_by(AuditEvent.id)).all()
    assert [(e.action, e.detail) for e in events] == [("mark_urgent", "fraud"), ("unmark_urgent", "question")]


@pytest.mark.parametrize("urgent_now,code,message", [
    (False, "", "理由を選んでください。"),
    (False, "question", "理由を選んでください。"),   # an unmark reason cannot mark
    (True, "fraud", "既に至急です。"),
])
def test_marking_needs_a_reason_of_its_own_list(app, staff, urgent_now, code, message):
    item = _inquiry("身に覚えのない請求がありました" if urgent_now else "退会したいです")
    assert item.urgent is urgent_now
    with pytest.raises(inquiries.InquiryError, match=message):
        inquiries.set_urgent(item, staff["agent"], True, code)


def test_an_answered_inquiry_keeps_its_mark(app, staff):
    item = _inquiry("身に覚えのない請求がありました")
    item.status = InquiryStatus.ANSWERED
    with pytest.raises(inquiries.InquiryError, match="回答済み"):
        inquiries.set_urgent(item, staff["agent"], False, "question")
    with pytest.raises(inquiries.InquiryError, match="ログイン"):
        inquiries.set_urgent(item, None, False, "question")


def test_the_inquiry_page_marks_urgent_and_alerts_the_on_call_person(app, client, login, staff):
    app.config["ONCALL_EMAIL"] = "oncall@example.jp"
    item = _inquiry("カードのことで相談があります")
    login("agent1")
    page = body(client.get(f"/agent/inquiries/{item.id}"))
    assert "至急に指定する" in page and "なりすまし・不審な連絡の報告" in page
    response = client.post(f"/agent/inquiries/{item.id}/urgent", data={"reason": "impersonation", "note": ""})
    assert response.status_code == 302
    item = db.session.get(Inquiry, item.id)
    assert item.urgent
    alerts = db.session.scalars(select(OutboxMail).filter_by(kind="oncall_alert")).all()
    assert len(alerts) == 1 and "担当者が至急に指定" in alerts[0].body
    page = body(client.get(f"/agent/inquiries/{item.id}"))
    assert "至急の指定を解除する" in page and "仮定やご心配のご質問" in page
    client.post(f"/agent/inquiries/{item.id}/urgent", data={"reason": "hypothetical"})
    assert not db.session.get(Inquiry, item.id).urgent
    refused = client.post(f"/agent/inquiries/{item.id}/urgent", data={"reason": "made-up"}, follow_redirects=True)
    assert "理由を選んでください" in body(refused) and not db.session.get(Inquiry, item.id).urgent
