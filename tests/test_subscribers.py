"""Subscribers: double opt-in, stop from any mail, every new report queued for them without slowing the publish."""

import re
from datetime import timedelta

from sqlalchemy import func, select, text

from hotline import demo, mail, subscribers
from hotline.extensions import db
from hotline.models import Broadcast, Incident, OutboxMail, Subscriber

from .factories import make_draft, make_incident, publish
from .pages import assert_valid_html, body

SLUG = demo.DEMO_SLUG


def _demo():
    demo.load_demo("development")
    db.session.commit()
    return db.session.scalar(select(Incident).filter_by(slug=SLUG))


def _mails(kind):
    return db.session.scalars(select(OutboxMail).filter_by(kind=kind).order_by(OutboxMail.id)).all()


def _link(mail, path):
    return re.search(rf"https?://[^/\s]+({path}/[\w-]+)", mail.body).group(1)


def test_a_subscription_starts_only_when_the_link_in_the_mail_is_confirmed(app, client):
    _demo()
    page = client.get(f"/notices/{SLUG}/subscribe")
    assert page.status_code == 200 and "新しいお知らせをメールで受け取る" in body(page)
    assert_valid_html(body(page))
    sent = client.post(f"/notices/{SLUG}/subscribe", data={"email": "hana@example.jp"})
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/subscribe/sent")
    subscriber = db.session.scalar(select(Subscriber))
    stored = db.session.execute(text("SELECT email FROM subscriber")).scalar()
    assert not subscriber.active and "hana" not in stored  # sealed at rest
    confirmation = _mails("subscribe_confirm")[0]
    path = _link(confirmation, "/subscribe/confirm")
    shown = client.get(path)
    assert shown.status_code == 200 and "配信を開始する" in body(shown)  # a GET (a mail scanner) confirms nothing
    assert not db.session.get(Subscriber, subscriber.id).active
    done = client.post(path)
    assert done.status_code == 200 and "配信を開始しました" in body(done)
    assert db.session.get(Subscriber, subscriber.id).active
    assert client.post(path).status_code == 404  # a link confirms once


def test_the_same_page_whatever_the_address_and_no_mail_storm(app, client):
    _demo()
    for _ in range(3):
        response = client.post(f"/notices/{SLUG}/subscribe", data={"email": "same@example.jp"})
        assert response.status_code == 303
    assert len(_mails("subscribe_confirm")) == 1  # one confirmation per address in ten minutes
    bad = client.post(f"/notices/{SLUG}/subscribe", data={"email": "not an address"})
    assert bad.status_code == 422 and "メールアドレス" in body(bad)
    assert client.get("/notices/no-such-incident/subscribe").status_code == 404


def test_an_expired_confirmation_link_confirms_nothing(app, client):
    incident = _demo()
    subscribers.subscribe(incident, "late@example.jp")
    db.session.commit()
    subscriber = db.session.scalar(select(Subscriber))
    subscriber.confirm_expires_at -= timedelta(hours=subscribers.CONFIRM_HOURS + 1)
    db.session.commit()
    path = _link(_mails("subscribe_confirm")[0], "/subscribe/confirm")
    assert client.post(path).status_code == 404
    assert not db.session.get(Subscriber, subscriber.id).active


def test_a_new_report_is_queued_for_confirmed_subscribers_and_stopped_from_any_mail(app, client, staff):
    incident = make_incident("news-case")
    publish(make_draft(incident, staff["sup1"], count_min=100, count_max=500), staff["sup1"], staff["sup2"])
    for n in range(5):
        subscribers.subscribe(incident, f"reader{n}@example.jp")
    db.session.commit()
    for confirmation in _mails("subscribe_confirm")[:4]:
        subscribers.confirm(_link(confirmation, "/subscribe/confirm").rsplit("/", 1)[1])
    db.session.commit()
    draft = make_draft(incident, staff["sup1"], count_min=300, count_max=800,
                       correction="漏えいの可能性がある件数を、最大500件から最大800件に訂正いたします。")
    publish(draft, staff["sup1"], staff["sup2"])
    assert _mails("subscriber_report") == []  # publishing queued one broadcast row, not the mail
    assert db.session.scalar(select(func.count(Broadcast.id))) == 2  # 第一報 (before anyone subscribed), 第二報
    app.config["SUBSCRIBER_MAILS_PER_HOUR"] = 3600  # one a second
    assert subscribers.pump() == 4
    mails = _mails("subscriber_report")
    assert len(mails) == 4 and all("訂正あり" in m.subject and "第二報" in m.subject for m in mails)
    assert "この報には、これまでにお知らせした内容の訂正が含まれております。" in mails[0].body
    gaps = [(b.next_attempt_at - a.next_attempt_at).total_seconds() for a, b in zip(mails, mails[1:])]
    assert all(abs(gap - 1) < 0.01 for gap in gaps)  # delivered at the pace, not at once
    assert subscribers.pump() == 0  # done: nobody twice
    stop_path = _link(mails[0], "/subscribe/stop")
    message = mail.build_message(mails[0])
    assert message["List-Unsubscribe"] == f"<{app.config['PUBLIC_URL']}{stop_path}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"  # RFC 8058
    assert "配信を停止する" in body(client.get(stop_path))
    one_click = client.post(stop_path, data={"List-Unsubscribe": "One-Click"})  # what a mail program sends
    assert one_click.status_code == 200
    stopped = db.session.scalar(select(Subscriber).where(Subscriber.stopped_at.is_not(None)))
    assert stopped is not None and not stopped.active
    assert client.get("/subscribe/stop/not-a-token").status_code == 404


def test_supervisors_see_how_many_are_subscribed(app, client, staff, login):
    incident = _demo()
    for n in range(3):
        subscribers.subscribe(incident, f"count{n}@example.jp")
    db.session.commit()
    subscribers.confirm(_link(_mails("subscribe_confirm")[0], "/subscribe/confirm").rsplit("/", 1)[1])
    db.session.commit()
    login("sup1")
    text = body(client.get("/supervisor/"))
    assert "お知らせのメール配信" in text and "配信中：1件" in text and "確認待ち：2件" in text
    assert "hana" not in text and "count0@example.jp" not in text  # figures only, no addresses


def test_a_new_secret_key_breaks_no_stop_link(app, client):
    incident = _demo()
    subscribers.subscribe(incident, "kept@example.jp")
    db.session.commit()
    subscriber = db.session.scalar(select(Subscriber))
    before = subscribers.stop_link(subscriber)
    stored = db.session.execute(text("SELECT stop_token FROM subscriber")).scalar()
    assert before.rsplit("/", 1)[1] not in stored  # kept sealed, like the address
    app.config["SECRET_KEY"] = "a-new-secret-key-after-rotation"
    db.session.expire_all()
    assert subscribers.stop_link(db.session.scalar(select(Subscriber))) == before  # the next mail carries the same link
    assert "配信を停止する" in body(client.get(before.removeprefix(app.config["PUBLIC_URL"])))
