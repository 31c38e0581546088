"""The small rules of intake, at their edges: receipt and phone forms, the status-link length, the retention cut-off."""

from datetime import datetime, timedelta

from sqlalchemy import func, select

from hotline import inquiries, mail
from hotline.extensions import db
from hotline.inquiries.intake import (
    by_submission,
    lookup_by_token,
    normalize_phone,
    normalize_receipt,
    token_hash,
)
from hotline.models import (
    AuditEvent,
    Inquiry,
    MailStatus,
    OutboxMail,
    SearchStat,
)

from .factories import receive_inquiry

NOW = datetime(2026, 12, 1, 3, 0)


def test_a_receipt_is_read_as_people_type_it():
    assert normalize_receipt("ｋ７ｑｍ　２ｘｐａ－９ｈｄｔ") == "K7QM-2XPA-9HDT"
    assert normalize_receipt("abcO-Ii10") == "ABC0-1110"  # O and I are read as the digits they look like
    assert normalize_receipt("oi") == "01"
    assert normalize_receipt(None) == "" and normalize_receipt("") == ""
    assert normalize_receipt("漢字!?") == ""


def test_a_phone_is_its_digits():
    assert normalize_phone("０９０ー１２３４－５６７８") == "09012345678"
    assert normalize_phone("(03) 1234 5678") == "0312345678"
    assert normalize_phone(None) == "" and normalize_phone("abc") == ""


def test_a_double_submit_is_found_by_the_first_64_characters_of_its_token(app):
    long = "t" * 70
    item = receive_inquiry(submission_token=long[:64])
    assert by_submission(long).id == item.id
    assert by_submission("") is None and by_submission("u" * 70) is None


def test_status_links_of_more_than_64_characters_are_refused_before_any_lookup(app):
    item = receive_inquiry()
    for length in (64, 65):
        item.status_token_hash = token_hash("a" * length)
        db.session.commit()
        found = lookup_by_token("a" * length, "taro@example.jp")
        assert (found is not None) is (length == 64), length
    item.status_token_hash = token_hash("")
    db.session.commit()
    assert lookup_by_token("", "taro@example.jp") is None


def _mail(kind: str, created: datetime, status=MailStatus.SENT) -> None:
    row = mail.enqueue("someone@example.jp", f"件名 {kind}", "本文", kind)
    row.created_at, row.status = created, status


def test_retention_keeps_what_is_exactly_at_the_cut_off_and_removes_what_is_older(app):
    cutoff = NOW - timedelta(days=365)
    answered_old = receive_inquiry(message="回答済みで古い")
    answered_edge = receive_inquiry(message="回答済みでちょうど")
    waiting_old = receive_inquiry(message="未回答で古い")
    waiting_edge = receive_inquiry(message="未回答でちょうど")
    answered_old.answered_at = cutoff - timedelta(seconds=1)
    answered_edge.answered_at = cutoff
    answered_edge.created_at = cutoff - timedelta(days=30)  # old, but answered only at the cut-off
    waiting_old.created_at = cutoff - timedelta(seconds=1)
    waiting_edge.created_at = cutoff
    for kind in ("inquiry_receipt", "answer", "oncall_alert", "callback"):
        _mail(kind, cutoff - timedelta(seconds=1))
        _mail(kind, cutoff)
        _mail(kind, cutoff - timedelta(days=1), status=MailStatus.PENDING)  # not yet sent: kept
    _mail("notice", cutoff - timedelta(days=10))  # another kind of mail has its own retention
    db.session.add_all([SearchStat(query="古い検索", last_seen=cutoff - timedelta(seconds=1)),
                        SearchStat(query="ちょうどの検索", last_seen=cutoff)])
    db.session.commit()
    counts = inquiries.purge_expired(365, now=NOW)
    db.session.commit()
    assert counts == {"inquiries": 2, "mails": 4, "rate_events": 0, "search_stats": 1, "callbacks": 0}
    left = set(db.session.scalars(select(Inquiry.message)))
    assert left == {"回答済みでちょうど", "未回答でちょうど"} | {i.message for i in db.session.scalars(
        select(Inquiry).where(Inquiry.answered_at.is_(None), Inquiry.created_at > cutoff))}
    kinds = db.session.execute(select(OutboxMail.kind, func.count()).group_by(OutboxMail.kind)).all()
    assert dict(kinds) == {"inquiry_receipt": 2, "answer": 2, "oncall_alert": 2, "callback": 2, "notice": 1}
    assert list(db.session.scalars(select(SearchStat.query))) == ["ちょうどの検索"]
    event = db.session.scalars(select(AuditEvent).filter_by(action="purge")).one()
    assert (event.target_type, event.target_id, event.detail) == (
        "inquiry", "*", "inquiries=2 mails=4 rate_events=0 search_stats=1 callbacks=0")


def _callback(number: str, status, updated):
    from hotline.models import Callback, InquiryCategory

    row = Callback(number=number, phone="090-1111-2222", phone_hash=number, category=InquiryCategory.OTHER,
                   slot_at=updated, next_attempt_at=updated, status=status)
    db.session.add(row)
    db.session.flush()
    row.updated_at = updated
    return row


def test_retention_removes_finished_callbacks_older_than_the_cut_off_and_never_a_booked_one(app):
    from hotline.models import Callback, CallbackStatus

    cutoff = NOW - timedelta(days=365)
    _callback("CB-OLD", CallbackStatus.DONE, cutoff - timedelta(seconds=1))
    _callback("CB-EDGE", CallbackStatus.UNREACHED, cutoff)
    _callback("CB-BOOKED", CallbackStatus.SCHEDULED, cutoff - timedelta(days=30))  # still to be called
    db.session.commit()
    counts = inquiries.purge_expired(365, now=NOW)
    db.session.commit()
    assert counts == {"inquiries": 0, "mails": 0, "rate_events": 0, "search_stats": 0, "callbacks": 1}
    assert set(db.session.scalars(select(Callback.number))) == {"CB-EDGE", "CB-BOOKED"}


def test_a_received_inquiry_is_audited_with_its_channel_and_urgency_and_the_agent_who_logged_it(app, staff):
    from hotline.models import Channel, InquiryCategory, ReplyBy

    web = receive_inquiry(message="ポイントは使えますか。")
    assert len(web.status_token) == 22 and web.status_token_hash == token_hash(web.status_token)  # 128 bits
    call = inquiries.receive(dict(name="鈴木 花子", email="", phone="090-1111-2222", reply_by=ReplyBy.PHONE,
                                  category=InquiryCategory.CARD_FRAUD, message="身に覚えのない請求がありました。",
                                  notice_number=""), Channel.PHONE, logged_by=staff["agent"])
    db.session.commit()
    assert (call.assigned_to_id, call.logged_by_id, call.claimed_at is not None) == (
        staff["agent"].id, staff["agent"].id, True)
    rows = db.session.scalars(select(AuditEvent).filter_by(action="create").order_by(AuditEvent.id)).all()
    assert [(r.target_type, r.target_id, r.detail, r.user_id) for r in rows] == [
        ("inquiry", str(web.id), "channel=web urgent=False", None),
        ("inquiry", str(call.id), "channel=phone urgent=True", staff["agent"].id)]


def test_the_export_is_audited_with_its_row_count_even_when_empty(app, staff):
    from hotline.inquiries import export

    text = export.export_csv(staff["sup1"])
    assert text == "".join(export.csv_chunks()) and text.startswith("\ufeff")
    event = db.session.scalars(select(AuditEvent).filter_by(action="export")).one()
    assert (event.target_type, event.target_id, event.detail, event.user_id) == (
        "inquiry", "*", "rows=0", staff["sup1"].id)


def test_rate_counts_of_several_buckets_in_one_read_stop_at_their_caps_and_keep_to_the_window(app):
    from hotline import throttle
    from hotline.models import RateEvent
    from hotline.models._types import utcnow

    with app.test_request_context():
        for _ in range(5):
            throttle.record("inquiry_post", "192.0.2.1")
        for _ in range(2):
            throttle.record("inquiry", "192.0.2.1")
        throttle.record("inquiry", "192.0.2.2")  # another address
        old = RateEvent(bucket="inquiry", key=throttle.hashed("192.0.2.1"))
        db.session.add(old)
        db.session.flush()
        old.created_at = utcnow() - timedelta(hours=2)  # outside the hour
        db.session.commit()
        assert throttle.counts({"inquiry_post": 3, "inquiry": 10}, "192.0.2.1", 3600) == {"inquiry_post": 3, "inquiry": 2}
        assert throttle.counts({"inquiry_post": 10, "inquiry": 10}, "192.0.2.1", 3600) == {"inquiry_post": 5, "inquiry": 2}
        assert throttle.counts({"inquiry": 10}, "192.0.2.1", 3 * 3600) == {"inquiry": 3}
        assert throttle.counts({"inquiry_post": 10, "inquiry": 10}, "198.51.100.9", 3600) == {
            "inquiry_post": 0, "inquiry": 0}
        assert [throttle.count(b, "192.0.2.1", 3600) for b in ("inquiry_post", "inquiry")] == [5, 2]


def test_the_backlog_that_pauses_mailings_counts_to_its_cap_and_finds_the_oldest_open_inquiry(app, staff):
    from hotline.affected.sending import backlog
    from hotline.models import InquiryStatus

    items = [receive_inquiry(message=f"質問{n}") for n in range(5)]
    ages = [50, 40, 30, 20, 10]  # minutes
    for item, minutes in zip(items, ages):
        item.created_at = NOW - timedelta(minutes=minutes)
    items[0].status = InquiryStatus.ANSWERED                        # the oldest is answered: not counted
    items[1].status, items[1].urgent = InquiryStatus.WAITING, True  # on hold and urgent: the oldest open one
    db.session.commit()
    assert backlog(NOW) == (4, 40)
    assert backlog(NOW, cap=2) == (2, 40)
    for item in items[1:]:
        item.status = InquiryStatus.ANSWERED
    db.session.commit()
    assert backlog(NOW) == (0, 0)


def test_an_inquiry_keeps_the_incident_its_post_read_before_writing(app, staff):
    from .factories import make_draft, make_incident, publish

    from hotline.models import InquiryCategory, ReplyBy

    incident = make_incident("current-case")
    publish(make_draft(incident, staff["sup1"]), staff["sup1"], staff["sup2"])
    assert inquiries.current_incident_id() == incident.id
    looked_up = receive_inquiry(message="対象ですか。")
    given = inquiries.receive(dict(name="山田 太郎", email="taro@example.jp", phone="", reply_by=ReplyBy.EMAIL,
                                   category=InquiryCategory.OTHER, message="対象ですか。", notice_number=""),
                              incident_id=None)  # read when no incident was public yet
    assert (looked_up.incident_id, given.incident_id) == (incident.id, None)
