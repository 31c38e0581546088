"""Personal data stays out of logs and statistics; limits hold per IPv6 /64; odd
parameters get clear answers. Each test reproduces a way data could leak or a limit
could be dodged."""

import logging

import pyotp
from sqlalchemy import func, select

from hotline import inquiries
from hotline.extensions import db
from hotline.inquiries import intake
from hotline.models import (
    FaqEntry,
    Inquiry,
    InquiryCategory,
    LoginAttempt,
    ReplyBy,
    SearchStat,
)

from .factories import PASSWORD, approved_faq
from .pages import body
from .test_inquiry_form import GOOD, send


def test_a_database_error_logs_no_personal_data(client, app, monkeypatch):
    monkeypatch.setattr(intake, "new_receipt", lambda: "2222-3333-4444")
    assert send(client).status_code == 303
    records = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(logging.Formatter().format(record))
    app.logger.addHandler(handler)
    was_disabled, app.logger.disabled = app.logger.disabled, False  # the migrations' logging setup disables it
    try:
        response = send(client, name="秘密 花子", email="secret.hanako@example.jp", message="私のカードの件です")
    finally:
        app.logger.removeHandler(handler)
        app.logger.disabled = was_disabled
    assert response.status_code == 500 and "参照番号" in body(response)
    logged = "\n".join(records)
    assert "IntegrityError" in logged
    assert "unhandled error" in logged
    assert "secret.hanako@example.jp" not in logged and "秘密 花子" not in logged and "私のカードの件です" not in logged


def test_ipv6_addresses_share_the_limit_of_their_64(client, app):
    app.config["INQUIRY_LIMIT_PER_HOUR"] = 3
    codes = [client.post("/inquiry", data={**GOOD, "message": f"質問{i}"},
                         environ_base={"REMOTE_ADDR": f"2001:db8::{i + 1}"}).status_code for i in range(5)]
    assert codes == [303, 303, 303, 429, 429]
    other = client.post("/inquiry", data=GOOD, environ_base={"REMOTE_ADDR": "2001:db8:0:1::1"})
    assert other.status_code == 303


def test_queries_that_look_personal_are_not_counted(client, app):
    for query in ("山田花子 hanako@example.jp", "090-1234-5678 から電話", "カード 4111 1111 1111 1111"):
        assert client.get("/faq/search", query_string={"q": query}).status_code == 200
    assert db.session.scalar(select(func.count(SearchStat.id))) == 0
    client.get("/faq/search", query_string={"q": "カード 再発行"})
    assert db.session.scalar(select(func.count(SearchStat.id))) == 1


def test_search_statistics_are_purged_with_the_inquiries(client, app, runner):
    from datetime import timedelta

    from hotline.models._types import utcnow

    client.get("/faq/search", query_string={"q": "カード 再発行"})
    stat = db.session.scalar(select(SearchStat))
    stat.last_seen = utcnow() - timedelta(days=400)
    db.session.commit()
    result = runner.invoke(args=["inquiries", "purge", "--days", "365"])
    assert "検索の記録1件" in result.output
    assert db.session.scalar(select(func.count(SearchStat.id))) == 0


def test_failed_logins_keep_no_readable_name_or_address(client, staff):
    client.post("/login", data={"username": "my-secret-password", "password": "x" * 12})
    attempt = db.session.scalar(select(LoginAttempt))
    assert "my-secret-password" not in attempt.username and "127.0.0.1" not in attempt.address
    assert len(attempt.username) == 64


def test_turning_on_the_second_factor_ends_other_sessions(app, staff):
    browsers = []
    for _ in range(2):
        c = app.test_client()
        assert c.post("/login", data={"username": "sup1", "password": PASSWORD}).status_code == 302
        browsers.append(c)
    first, second = browsers
    html = body(first.get("/account/mfa"))
    secret = html.split('class="secret">')[1].split("<")[0]
    assert first.post("/account/mfa", data={"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert first.get("/supervisor/").status_code == 200
    assert second.get("/supervisor/").status_code == 302


def test_odd_parameters_get_clear_answers(client, login, staff):
    item = inquiries.receive({**{k: v for k, v in GOOD.items() if k in ("name", "email", "phone", "message")},
                              "category": InquiryCategory.OTHER, "reply_by": ReplyBy.EMAIL,
                              "notice_number": ""})
    db.session.commit()
    login("admin1")
    assert client.get(f"/agent/inquiries/{item.id}?template=abc").status_code == 200
    assert client.get(f"/agent/inquiries/{item.id}?template=" + "9" * 40).status_code == 200
    assert client.get("/supervisor/audit?before=" + "9" * 30).status_code == 400


def test_faq_votes_are_limited_per_address(app, client):
    entry = approved_faq(key="vote-test", question="質問", answer="回答")
    db.session.commit()
    app.config["VOTES_PER_HOUR"] = 2
    responses = [app.test_client().post(f"/faq/{entry.key}/vote", data={"helpful": "no"}) for _ in range(3)]
    assert [r.status_code for r in responses] == [302, 302, 429]
    assert 0 < int(responses[2].headers["Retry-After"]) <= 3600  # when to try again, on the Japanese page
    assert "しばらく時間をおいてから" in responses[2].get_data(as_text=True)
    assert db.session.get(FaqEntry, entry.id).helpful_no == 2


def test_state_changing_posts_need_the_csrf_token(app, staff):
    app.config["WTF_CSRF_ENABLED"] = True
    anonymous = app.test_client()
    assert anonymous.post("/inquiry", data=GOOD).status_code == 400
    assert anonymous.post("/inquiry/status", data={"receipt": "2222-2222-2222", "contact": "a@example.jp"}).status_code == 400
    item = inquiries.receive({"name": "山田", "email": "a@example.jp", "phone": "", "message": "質問",
                              "category": InquiryCategory.OTHER, "reply_by": ReplyBy.EMAIL,
                              "notice_number": ""})
    db.session.commit()
    agent = app.test_client()
    page = body(agent.get("/login"))
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert agent.post("/login", data={"username": "agent1", "password": PASSWORD, "csrf_token": token}).status_code == 302
    assert agent.post(f"/agent/inquiries/{item.id}/claim").status_code == 400
    assert agent.post("/agent/calls/new", data={"name": "x", "category": "other", "message": "y"}).status_code == 400
    db.session.rollback()
    assert db.session.scalar(select(func.count(Inquiry.id))) == 1
    assert db.session.get(Inquiry, item.id).assigned_to_id is None
