"""Callbacks (折り返し): slots with capacity, booking from the public page, agents' attempts."""

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, text

from hotline import callbacks, inquiries
from hotline.extensions import db
from hotline.models import (
    AuditEvent, Callback, CallbackStatus, Channel, Inquiry, InquiryCategory, InquiryStatus, OutboxMail,
)
from hotline.models._types import utcnow

from .pages import body

PHONE = "090-1111-2222"


def booking(slot: str, **fields) -> dict:
    values = {"phone": PHONE, "slot": slot, "category": "card_fraud", "name": "折返 花子",
              "email": "hanako@example.jp", "note": "明細の件", "consent": "y"}
    values.update(fields)
    return values


def first_slot(app) -> callbacks.Slot:
    with app.test_request_context():
        return callbacks.open_slots()[0]


def test_slots_follow_the_hours_in_japan_and_leave_out_full_ones(app):
    now = datetime(2026, 12, 3, 0, 0)  # 09:00 in Japan
    app.config.update(CALLBACK_HOURS="10:00-18:00", CALLBACK_SLOT_MINUTES=30, CALLBACK_DAYS=2,
                      CALLBACK_SLOT_CAPACITY=2)
    starts = callbacks.slots.candidate_starts(now)
    assert starts[0] == datetime(2026, 12, 3, 1, 0) and len(starts) == 2 * 16
    assert callbacks.slot_label(starts[0], 30) == "12月3日（木）10:00〜10:30"
    assert starts[15] == datetime(2026, 12, 3, 8, 30)  # 17:30 in Japan, the last one of the day
    for phone in ("03-0000-0001", "03-0000-0002"):
        db.session.add(Callback(number=phone, phone=phone, phone_hash=callbacks.phone_key(phone),
                                category=InquiryCategory.OTHER, slot_at=starts[0], next_attempt_at=starts[0]))
    db.session.commit()
    offered = callbacks.open_slots(now)
    assert offered[0].start == starts[1] and offered[0].remaining == 2
    late = callbacks.slots.candidate_starts(datetime(2026, 12, 3, 8, 40))  # 17:40: today is over
    assert late[0] == datetime(2026, 12, 4, 1, 0)


def test_a_caller_books_a_slot_and_gets_a_callback_number(client, app):
    page = body(client.get("/callback"))
    slot = re.search(r'name="slot" value="(\d{12})"', page).group(1)
    response = client.post("/callback", data=booking(slot))
    assert response.status_code == 303
    thanks = body(client.get("/callback/thanks"))
    booked = db.session.scalar(select(Callback))
    assert booked.number in thanks and booked.number.startswith("CB-") and "回までおかけします" in thanks
    assert booked.phone == PHONE and booked.category is InquiryCategory.CARD_FRAUD
    raw = db.session.execute(text("SELECT phone, name, email, note FROM callback")).one()
    assert PHONE not in " ".join(raw) and "hanako" not in " ".join(raw) and "明細" not in " ".join(raw)
    mail = db.session.scalar(select(OutboxMail).filter_by(kind="callback"))
    assert mail is not None and booked.number in mail.body and "暗証番号" in mail.body


def test_one_open_booking_per_number_and_no_slot_that_is_not_offered(client, app):
    slot = first_slot(app)
    assert client.post("/callback", data=booking(slot.value)).status_code == 303
    again = client.post("/callback", data=booking(slot.value, email=""))
    assert again.status_code == 422 and "既に折り返しのご予約を承って" in body(again)
    past = (utcnow() - timedelta(days=1)).strftime("%Y%m%d%H%M")
    refused = client.post("/callback", data=booking(past, phone="03-9999-0000"))
    assert refused.status_code == 422 and "予約できません" in body(refused)
    missing = client.post("/callback", data=booking("", phone="03-9999-0001", consent=""))
    assert missing.status_code == 422 and "時間帯を選んで" in body(missing) and "同意" in body(missing)
    assert db.session.scalar(select(db.func.count(Callback.id))) == 1


def test_a_full_slot_is_refused_even_when_the_page_still_offered_it(client, app):
    app.config["CALLBACK_SLOT_CAPACITY"] = 1
    slot = first_slot(app)
    assert client.post("/callback", data=booking(slot.value)).status_code == 303
    late = client.post("/callback", data=booking(slot.value, phone="03-2222-3333"))
    assert late.status_code == 422 and "満席" in body(late)


def test_bookings_are_limited_per_address_with_a_page_that_says_what_to_do(client, app):
    app.config["CALLBACK_LIMIT_PER_HOUR"] = 1
    slot = first_slot(app)
    assert client.post("/callback", data=booking(slot.value)).status_code == 303
    limited = client.post("/callback", data=booking(slot.value, phone="03-4444-5555"))
    assert limited.status_code == 429 and limited.headers["Retry-After"]
    assert "折り返しのご予約を一時的に制限" in body(limited)


def test_no_slot_left_points_to_the_inquiry_form(client, app):
    app.config["CALLBACK_DAYS"] = 0
    page = body(client.get("/callback"))
    assert "ご予約いただける時間帯がございません" in page and "/inquiry" in page


def _booked(app, minutes_from_now: int = 0) -> Callback:
    slot = first_slot(app).start
    with app.test_request_context():
        item = callbacks.book(PHONE, slot, InquiryCategory.CARD_FRAUD, "折返 花子", "hanako@example.jp", "明細の件")
    item.next_attempt_at = utcnow() + timedelta(minutes=minutes_from_now)
    db.session.commit()
    return item


def test_due_callbacks_lead_the_queue_and_the_number_is_shown_only_on_an_audited_page(client, app, staff, login):
    item = _booked(app)
    later = _booked_other(app)
    login("agent1")
    queue = body(client.get("/agent/"))
    assert item.number in queue and later.number not in queue and PHONE not in queue
    page = body(client.get(f"/agent/callbacks/{item.id}"))
    assert PHONE in page and "予約番号" in page
    viewed = db.session.scalar(select(AuditEvent).filter_by(target_type="callback", action="view"))
    assert viewed is not None and viewed.target_id == str(item.id)


def _booked_other(app) -> Callback:
    slot = first_slot(app).start
    with app.test_request_context():
        other = callbacks.book("03-5555-6666", slot, InquiryCategory.OTHER)
    other.next_attempt_at = utcnow() + timedelta(hours=3)
    db.session.commit()
    return other


def test_no_answer_is_tried_again_then_closed_with_a_note_and_a_mail(app, staff):
    app.config.update(CALLBACK_ATTEMPTS=3, CALLBACK_RETRY_MINUTES=30)
    item = _booked(app)
    for attempt in (1, 2):
        assert callbacks.record_outcome(item, staff["agent"], "no_answer") is None
        assert item.status is CallbackStatus.SCHEDULED and item.attempts == attempt
        assert item.next_attempt_at > utcnow() + timedelta(minutes=29)
        assert item not in callbacks.due()
    callbacks.record_outcome(item, staff["agent"], "no_answer", "留守電に予約番号を残しました")
    db.session.commit()
    assert item.status is CallbackStatus.UNREACHED and "3回お電話しましたが" in item.closed_note
    assert "留守電" in item.closed_note
    told = db.session.scalars(select(OutboxMail).filter_by(kind="callback")).all()
    assert any("おつなぎできませんでした" in m.subject for m in told)
    with pytest.raises(callbacks.CallbackError, match="既に終わっています"):
        callbacks.record_outcome(item, staff["agent"], "reached")


def test_a_call_that_gets_through_becomes_a_phone_inquiry_for_the_agent(client, app, staff, login):
    item = _booked(app)
    login("agent1")
    response = client.post(f"/agent/callbacks/{item.id}", data={"outcome": "reached", "note": "カード会社へ連絡済み"})
    inquiry = db.session.scalar(select(Inquiry))
    assert response.status_code == 302 and f"/agent/inquiries/{inquiry.id}" in response.headers["Location"]
    assert inquiry.channel is Channel.PHONE and inquiry.status is InquiryStatus.ASSIGNED
    assert inquiry.assigned_to_id == staff["agent"].id and inquiry.phone == PHONE
    assert item.number in inquiry.message and "カード会社へ連絡済み" in inquiry.message
    assert inquiry.urgent  # the card-fraud topic makes it urgent like any other inquiry
    done = db.session.get(Callback, item.id)
    assert done.status is CallbackStatus.DONE and done.inquiry_id == inquiry.id
    calls = db.session.scalars(select(AuditEvent.detail).filter_by(target_type="callback", action="call")).all()
    assert calls == ["reached attempt=1"]


def test_an_outcome_must_be_chosen(client, app, staff, login):
    item = _booked(app)
    login("agent1")
    page = client.post(f"/agent/callbacks/{item.id}", data={"outcome": "made-up"})
    assert page.status_code == 422 and db.session.get(Callback, item.id).attempts == 0


def test_ended_callbacks_are_purged_with_the_inquiries(app, staff):
    item = _booked(app)
    callbacks.record_outcome(item, staff["agent"], "wrong_number")
    item.updated_at = utcnow() - timedelta(days=400)
    db.session.commit()
    kept = _booked_other(app)
    counts = inquiries.purge_expired(365)
    db.session.commit()
    assert counts["callbacks"] == 1
    assert db.session.scalars(select(Callback.id)).all() == [kept.id]
