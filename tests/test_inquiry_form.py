"""The public inquiry window: the form, receipts, urgency, mail, status lookups, abuse."""

import re

import pytest
from sqlalchemy import func, select

from hotline import demo, inquiries, mail
from hotline.extensions import db
from hotline.models import Inquiry, InquiryCategory, OutboxMail, RateEvent

from .pages import assert_valid_html, body

GOOD = {"name": "山田 太郎", "email": "taro@example.jp", "phone": "", "reply_by": "email",
        "category": "eligibility", "message": "自分の情報が漏れたか知りたいです。", "notice_number": "",
        "consent": "y"}


def send(client, **changes):
    """Post the form with some fields changed."""
    return client.post("/inquiry", data={**GOOD, **changes})


def receipt_of(client) -> str:
    """The receipt number on the thank-you page."""
    html = body(client.get("/inquiry/thanks"))
    return re.search(r'class="receipt-number">([^<]+)<', html).group(1)


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(model.id)))


def test_form_page_is_valid_and_works_without_script(client):
    response = client.get("/inquiry")
    html = body(response)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert_valid_html(html)
    assert 'name="website"' in html and "個人情報の取り扱い" in html
    for value, label in [(c.value, c.form_label) for c in InquiryCategory]:
        assert f'value="{value}"' in html and label in html


def test_a_valid_inquiry_gets_a_receipt_and_a_confirmation_mail_in_the_same_transaction(client, app):
    response = send(client)
    assert response.status_code == 303 and response.headers["Location"].endswith("/inquiry/thanks")
    receipt = receipt_of(client)
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", receipt)
    inquiry = db.session.scalar(select(Inquiry))
    assert inquiry.receipt == receipt and inquiry.consent_at is not None and not inquiry.urgent
    row = db.session.scalar(select(OutboxMail))
    assert row.to_addr == "taro@example.jp" and receipt in row.subject and receipt in row.body
    assert "3営業日以内" in row.body
    again = client.get("/inquiry/thanks")  # a reload shows it again: a phone-only sender has no other copy
    assert again.status_code == 200 and receipt in body(again) and again.headers["Cache-Control"] == "no-store"
    assert client.post("/inquiry/thanks/hide").status_code == 303
    assert client.get("/inquiry/thanks").status_code == 302  # hidden on request


def test_the_receipt_stops_showing_after_half_an_hour(client, app, monkeypatch):
    from hotline.public import inquiry_views

    send(client)
    assert client.get("/inquiry/thanks").status_code == 200
    later = inquiry_views.time.time() + inquiry_views.RECEIPT_SECONDS + 1
    monkeypatch.setattr(inquiry_views.time, "time", lambda: later)
    assert client.get("/inquiry/thanks").status_code == 302


def test_the_confirmation_mail_reaches_a_real_smtp_server(client, app, smtp):
    send(client)
    receipt = receipt_of(client)
    result = mail.deliver_pending()
    assert result.sent == 1 and smtp.wait_for(1)
    message = smtp.received[0].message
    assert receipt in str(message["Subject"]) and "taro@example.jp" in smtp.received[0].rcpt_tos


def test_receipts_are_unique_and_random():
    numbers = {inquiries.new_receipt() for _ in range(2000)}
    assert len(numbers) == 2000
    assert inquiries.normalize_receipt("ｋ７ｑｍ２ｘｐａ９ｈｄｔ") == "K7QM-2XPA-9HDT"


@pytest.mark.parametrize("changes,field,message", [
    ({"name": ""}, "name", "お名前を入力してください"),
    ({"email": "", "phone": ""}, "email", "少なくとも一方"),
    ({"email": "taro@", "reply_by": "email"}, "email", "メールアドレス"),
    ({"email": "", "phone": "03-1234-5678", "reply_by": "email"}, "email", "メールでの回答を希望"),
    ({"phone": "12ab", "reply_by": "none"}, "phone", "数字とハイフン"),
    ({"phone": "123", "reply_by": "none"}, "phone", "桁数"),
    ({"category": ""}, "category", "種類を選んでください"),
    ({"category": "'; DROP TABLE inquiry;--"}, "category", "Not a valid choice"),
    ({"message": ""}, "message", "内容を入力してください"),
    ({"message": "あ" * 4001}, "message", "4,000文字以内"),
    ({"notice_number": "<script>"}, "notice_number", "英数字とハイフン"),
    ({"consent": ""}, "consent", "同意にチェック"),
])
def test_errors_are_shown_next_to_the_field_and_nothing_typed_is_lost(client, changes, field, message):
    data = {**GOOD, "message": "入力した本文が消えないこと", "name": "佐藤 花子", **changes}
    response = client.post("/inquiry", data=data)
    html = body(response)
    assert response.status_code == 200 and count(Inquiry) == 0
    assert f'id="{field}-error"' in html or "field-error" in html
    assert message in html or field == "category"
    if "message" not in changes:
        assert "入力した本文が消えないこと" in html
    if "name" not in changes:
        assert 'value="佐藤 花子"' in html
    assert_valid_html(html)


def test_hostile_text_is_stored_as_text_and_escaped(client, app):
    payload = '<script>alert(1)</script>=HYPERLINK("x")\x00\x07\u202e'
    send(client, name=payload[:60], message=payload)
    inquiry = db.session.scalar(select(Inquiry))
    assert "<script>" in inquiry.message and "\x00" not in inquiry.message and "\u202e" not in inquiry.message
    assert "\x07" not in inquiry.message


@pytest.mark.parametrize("category,message,urgent", [
    ("card_fraud", "カードについて教えてください", True),
    ("suspicious_contact", "電話がありました", True),
    ("other", "身に覚えのない請求が来ています", True),
    ("other", "ﾌｨｯｼﾝｸﾞメールが届きました", True),
    ("eligibility", "対象か知りたいです", False),
])
def test_secondary_damage_is_urgent_and_alerts_on_call(client, app, category, message, urgent):
    app.config["ONCALL_EMAIL"] = "oncall@example.jp"
    send(client, category=category, message=message)
    inquiry = db.session.scalar(select(Inquiry))
    assert inquiry.urgent is urgent and bool(inquiry.urgent_reason) is urgent
    alerts = db.session.scalars(select(OutboxMail).filter_by(kind="oncall_alert")).all()
    assert len(alerts) == (1 if urgent else 0)
    if urgent:
        assert alerts[0].to_addr == "oncall@example.jp"
        assert "taro@example.jp" not in alerts[0].body and message not in alerts[0].body


def test_honeypot_filled_stores_nothing(client):
    response = send(client, website="http://spam.example")
    assert response.status_code == 400 and count(Inquiry) == 0


def test_a_flood_gets_a_clear_429(client, app):
    demo.load_demo("development")  # a published report with the hotline's phone number
    db.session.commit()
    before = count(Inquiry)
    app.config["INQUIRY_LIMIT_PER_HOUR"] = 3
    codes = [send(client, message=f"質問{i}").status_code for i in range(5)]
    assert codes[:3] == [303, 303, 303] and codes[3:] == [429, 429]
    refused = send(client)
    assert "受付を一時的に制限しております" in body(refused) and 'href="tel:' in body(refused)
    assert 60 <= int(refused.headers["Retry-After"]) <= 3601
    assert count(Inquiry) == before + 3
    keys = db.session.scalars(select(RateEvent.key)).all()
    assert all("127.0.0.1" not in k for k in keys)


def test_oversized_body_is_refused(client):
    response = client.post("/inquiry", data={**GOOD, "message": "あ" * 600_000})
    assert response.status_code == 413 and count(Inquiry) == 0


def test_status_lookup_shows_the_answer_only_for_the_right_pair(client, app, staff):
    send(client, phone="090-1234-5678")
    receipt = receipt_of(client)
    response = client.post("/inquiry/status", data={"receipt": receipt, "contact": "taro@example.jp"})
    assert "受け付けました" in body(response) and response.headers["Cache-Control"] == "no-store"
    assert "営業日以内を目安に、メールで回答いたします" in body(response) and "受付日時：" in body(response)
    inquiry = db.session.scalar(select(Inquiry))
    assert inquiries.claim(inquiry.id, staff["agent"])
    db.session.commit()
    inquiries.record_answer(inquiry, staff["agent"], inquiries.AnswerChoice(
        "ご回答します。<b>太字</b>\n詳しくは https://example.jp/notice?a=1&b=2 と /faq/ をご覧ください。"
        "\njavascript:alert(1) は書いただけの文字です。", "email"))
    db.session.commit()
    html = body(client.post("/inquiry/status", data={"receipt": receipt.lower().replace("-", ""),
                                                    "contact": "０９０１２３４５６７８"}))
    assert "回答しました" in html and "ご回答します。&lt;b&gt;太字&lt;/b&gt;" in html
    assert '<a href="https://example.jp/notice?a=1&amp;b=2">https://example.jp/notice?a=1&amp;b=2</a>' in html
    assert '<a href="/faq/">/faq/</a>' in html and 'href="javascript' not in html
    assert "受付番号 " + receipt in html and "このあとのこと" in html
    wrong = [body(client.post("/inquiry/status", data=d)) for d in (
        {"receipt": receipt, "contact": "other@example.jp"},
        {"receipt": "2222-2222-2222", "contact": "taro@example.jp"},
        {"receipt": receipt, "contact": "03-0000-0000"})]
    assert all("一致するお問い合わせが見つかりませんでした" in w and "ご回答します" not in w for w in wrong)


def test_status_lookups_are_rate_limited(client, app):
    app.config["STATUS_LIMIT_PER_HOUR"] = 2
    codes = [client.post("/inquiry/status", data={"receipt": "2222-2222-2222", "contact": "a@example.jp"}).status_code
             for _ in range(3)]
    assert codes == [200, 200, 429]


def test_inquiries_attach_to_the_active_incident(client, app):
    demo.load_demo("development")
    db.session.commit()
    send(client)
    inquiry = db.session.scalar(select(Inquiry))
    assert inquiry.incident is not None and inquiry.incident.slug == demo.DEMO_SLUG
    assert 'href="tel:0120000123"' in body(client.get("/inquiry"))


def test_a_double_submit_creates_one_inquiry(client):
    html = body(client.get("/inquiry"))
    token = re.search(r'name="token"[^>]*value="([^"]+)"', html).group(1)
    first = send(client, token=token)
    receipt = receipt_of(client)
    second = send(client, token=token)
    assert first.status_code == second.status_code == 303
    assert count(Inquiry) == 1 and receipt_of(client) == receipt
    assert db.session.scalar(select(func.count(OutboxMail.id))) == 1
    send(client, token="x" * 20)
    assert count(Inquiry) == 2


def test_retention_purge_deletes_old_inquiries_and_their_mail(client, app, runner, staff):
    from datetime import timedelta

    from hotline.models import AuditEvent, MailStatus
    from hotline.models._types import utcnow

    send(client, message="古いお問い合わせ")
    send(client, message="新しいお問い合わせ")
    old, new = db.session.scalars(select(Inquiry).order_by(Inquiry.id)).all()
    old.created_at = utcnow() - timedelta(days=400)
    for row in db.session.scalars(select(OutboxMail)):
        row.status = MailStatus.SENT
        if old.receipt in row.subject:
            row.created_at = utcnow() - timedelta(days=400)
    db.session.commit()
    result = runner.invoke(args=["inquiries", "purge", "--days", "365"])
    assert result.exit_code == 0 and "問い合わせ1件" in result.output and "メール1件" in result.output
    remaining = db.session.scalars(select(Inquiry.message)).all()
    assert remaining == ["新しいお問い合わせ"]
    assert db.session.scalar(select(func.count(OutboxMail.id))) == 1
    assert db.session.scalar(select(func.count(AuditEvent.id)).filter_by(action="purge")) == 1
    assert runner.invoke(args=["inquiries", "purge", "--days", "0"]).exit_code != 0


def test_demo_has_inquiries_waiting_in_the_queue(app):
    demo.load_demo("development")
    db.session.commit()
    rows = db.session.scalars(select(Inquiry)).all()
    assert len(rows) == 4 and any(r.urgent for r in rows) and all(r.incident_id for r in rows)
    # One gives the demo notice number, so the agent page shows the person's groups.
    from hotline import affected
    from hotline.demo import people as demo_people

    asking = next(r for r in rows if r.notice_number)
    assert asking.notice_number == demo_people.DEMO_NOTICE_NUMBER
    assert affected.listed_groups(asking.incident, asking.notice_number) == ["会員のお客様"]


def test_the_status_link_carries_a_128_bit_token_and_still_asks_for_the_contact(client, app):
    send(client)
    thanks = body(client.get("/inquiry/thanks"))
    token = re.search(r'href="/inquiry/status/([A-Za-z0-9_-]+)"', thanks).group(1)
    assert len(token) >= 22  # 16 random bytes, base64url
    inquiry = db.session.scalar(select(Inquiry))
    assert inquiry.status_token_hash == inquiries.token_hash(token) and token not in inquiry.status_token_hash
    mail_row = db.session.scalar(select(OutboxMail))
    assert f"http://127.0.0.1:8000/inquiry/status/{token}" in mail_row.body
    path = f"/inquiry/status/{token}"
    page = client.get(path)
    html = body(page)
    assert "name=\"receipt\"" not in html, html
    assert page.headers["Referrer-Policy"] == "no-referrer"
    ok = body(client.post(path, data={"contact": "taro@example.jp"}))
    assert "受け付けました" in ok and inquiry.receipt in ok
    wrong = [body(client.post(p, data={"contact": c})) for p, c in (
        (path, "other@example.jp"), ("/inquiry/status/" + "A" * 22, "taro@example.jp"),
        ("/inquiry/status/" + "x" * 300, "taro@example.jp"))]
    assert all("一致するお問い合わせが見つかりませんでした" in w and inquiry.receipt not in w for w in wrong)


def test_errors_speak_of_sending_and_the_status_page_is_linked_everywhere(client):
    page = client.post("/inquiry", data={"message": ""}).get_data(as_text=True)
    assert "もう一度送信してください" in page and "もう一度保存してください" not in page
    for path in ("/", "/faq/", "/inquiry"):
        assert 'href="/inquiry/status"' in client.get(path).get_data(as_text=True), path


def test_mistakes_do_not_use_up_the_limit_but_a_ceiling_holds(client, app):
    app.config["INQUIRY_LIMIT_PER_HOUR"], app.config["INQUIRY_POSTS_PER_HOUR"] = 2, 8
    codes = [send(client, email="not-an-address").status_code for _ in range(4)]  # validation errors
    assert codes == [200, 200, 200, 200]
    assert [send(client, message=f"質問{i}").status_code for i in range(3)] == [303, 303, 429]
    assert count(Inquiry) == 2
    assert [send(client, email="x").status_code for _ in range(2)] == [429, 429]  # past the ceiling of all posts


def test_a_filled_honeypot_counts_against_the_limit(client, app):
    app.config["INQUIRY_LIMIT_PER_HOUR"] = 2
    assert [send(client, website="http://spam.example").status_code for _ in range(2)] == [400, 400]
    assert send(client).status_code == 429 and count(Inquiry) == 0
