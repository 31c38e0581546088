"""Inquiries are sealed at rest: the database file holds no name, address, phone or message in clear."""

import re
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import func, select, text

from hotline import affected, demo, inquiries
from hotline.extensions import db
from hotline.inquiries.handling import AnswerChoice
from hotline.models import AffectedPerson, Inquiry, OutboxMail

from .factories import receive_inquiry

SECRETS = ("taro.yamada@example.jp", "09077778888", "090-7777-8888", "山田 太郎", "4111111111111111",
           "不審な請求がありました", "折り返しは夕方希望", "山田 太郎 様への回答")


def _answered_inquiry(staff) -> Inquiry:
    """A web inquiry with every personal field filled, claimed, noted and answered."""
    item = receive_inquiry("カード 4111111111111111 に不審な請求がありました", email="taro.yamada@example.jp",
                           phone="090-7777-8888")
    agent = staff["agent"]
    assert inquiries.claim(item.id, agent)
    db.session.commit()
    db.session.expire_all()
    inquiries.set_waiting(db.session.get(Inquiry, item.id), agent, "折り返しは夕方希望")
    inquiries.resume(db.session.get(Inquiry, item.id), agent)
    inquiries.record_answer(db.session.get(Inquiry, item.id), agent,
                            AnswerChoice(text="山田 太郎 様への回答です。", channel="email"))
    db.session.commit()
    return item


def _raw_database(database_url: str) -> bytes:
    """Every byte the database keeps: the SQLite files, or each inquiry column as PostgreSQL returns it."""
    if database_url.startswith("sqlite"):
        db.session.remove()
        db.engine.dispose()
        return b"".join(p.read_bytes() for p in Path(database_url[10:]).parent.glob("hotline.sqlite3*"))
    rows = db.session.connection().exec_driver_sql("SELECT * FROM inquiry").all()
    return b"".join(str(value).encode() for row in rows for value in row)


def test_no_personal_field_of_an_inquiry_is_in_the_database_in_clear(app, staff, database_url):
    item = _answered_inquiry(staff)
    receipt = item.receipt
    raw = _raw_database(database_url)
    assert receipt.encode() in raw  # the scan does see the inquiry's row
    for secret in SECRETS:
        assert secret.encode() not in raw, secret
    again = db.session.scalar(select(Inquiry).filter_by(receipt=receipt))
    assert (again.email, again.phone, again.name) == ("taro.yamada@example.jp", "090-7777-8888", "山田 太郎")
    assert again.staff_note.startswith("折り返しは夕方希望") and again.answer_text == "山田 太郎 様への回答です。"


def test_the_status_lookup_still_matches_the_sealed_address_and_phone(app, staff):
    item = receive_inquiry(email="Taro.Yamada@example.jp", phone="090-7777-8888")
    assert inquiries.lookup(item.receipt, "taro.yamada@example.jp").id == item.id
    assert inquiries.lookup(item.receipt, "09077778888").id == item.id
    assert inquiries.lookup(item.receipt, "hanako@example.jp") is None


def test_a_key_rotation_reseals_inquiries_too(app, staff):
    item = _answered_inquiry(staff)
    old = app.config["DATA_KEYS"][0]
    new = Fernet.generate_key().decode()
    app.config["DATA_KEYS"] = [new, old]
    try:
        assert affected.rotate_keys() >= 6
        db.session.commit()
        app.config["DATA_KEYS"] = [new]
        db.session.expire_all()
        again = db.session.get(Inquiry, item.id)
        assert (again.email, again.message) == ("taro.yamada@example.jp", "カード 4111111111111111 に不審な請求がありました")
    finally:
        app.config["DATA_KEYS"] = [new]


EMAIL = re.compile(rb"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.-]+")
# A phone number standing on its own: not a run of digits inside a hex hash or a base64 token.
PHONE = re.compile(rb"(?<![0-9A-Za-z_=-])0[1-9]0-?\d{4}-?\d{4}(?![0-9A-Za-z_=-])")


def test_the_demo_with_its_list_inquiries_callbacks_and_mail_keeps_no_address_or_phone_in_clear(
        app, client, database_url):
    demo.load_demo("development")
    db.session.commit()
    sent = client.post("/inquiry", data={"name": "山田 太郎", "email": "scan.me@example.jp", "phone": "090-1234-5678",
                                         "reply_by": "email", "category": "other", "message": "確認です。",
                                         "consent": "y", "notice_number": ""})
    assert sent.status_code == 303
    db.session.rollback()
    assert db.session.scalar(select(func.count(OutboxMail.id))) >= 1
    assert db.session.scalar(select(func.count(AffectedPerson.id))) > 100
    db.session.rollback()
    everything = b""
    with db.engine.connect() as connection:
        for table in db.inspect(connection).get_table_names():
            rows = connection.execute(text(f'SELECT * FROM "{table}"')).all()
            everything += b"\0".join(str(value).encode() for row in rows for value in row)
    if database_url.startswith("sqlite"):
        everything += _raw_database(database_url)
    assert b"scan.me" not in everything
    message_ids = re.compile(rb"[\d.]+@")  # the outbox's own Message-IDs: numbers at the site's domain
    assert [found for found in EMAIL.findall(everything) if not message_ids.match(found)] == []
    assert PHONE.findall(everything) == []
