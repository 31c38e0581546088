"""Rows added with extensions.add_row (audit rows, rate events) behave like objects added to
the session: seen by the session's next statement, written with the commit, gone with a
rollback, even one before any statement ran. An object written by extensions.insert_object
is the row a flush would have written, and stays in the session as a loaded object."""

import pytest
from sqlalchemy import bindparam, func, select, text

from hotline import audit, throttle
from hotline.extensions import add_row, db, insert_object
from hotline.models import AuditEvent, RateEvent


def stored(model) -> int:
    """Rows committed, as another connection sees them."""
    with db.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(model.__table__)).scalar()


def test_the_next_statement_of_the_session_sees_the_row(app):
    throttle.record("probe", "192.0.2.1")
    assert throttle.count("probe", "192.0.2.1", 60) == 1
    db.session.commit()
    assert stored(RateEvent) == 1


def test_the_commit_writes_rows_no_statement_has_written(app):
    audit.record("probe", "user", 7, detail="x" * 600)
    audit.record("probe", "user", 8)
    db.session.commit()
    rows = db.session.execute(select(AuditEvent.target_id, AuditEvent.detail, AuditEvent.created_at)
                              .filter_by(action="probe").order_by(AuditEvent.id)).all()
    assert [r.target_id for r in rows] == ["7", "8"] and len(rows[0].detail) == 500
    assert all(r.created_at is not None for r in rows)


def test_a_rollback_discards_rows_before_and_after_a_statement(app):
    throttle.record("probe", "192.0.2.1")
    db.session.rollback()  # no statement had run: the transaction was begun by add_row
    db.session.commit()
    assert stored(RateEvent) == 0
    db.session.execute(text("SELECT 1"))
    add_row(RateEvent, bucket="probe", key="k")
    db.session.execute(text("SELECT 1"))  # written now, inside the transaction
    db.session.rollback()
    db.session.commit()
    assert stored(RateEvent) == 0


def test_a_closed_session_forgets_its_rows(app):
    audit.record("probe", "user", 1)
    db.session.close()
    db.session.commit()
    assert stored(AuditEvent) == 0


def test_mail_queued_without_an_object_is_the_same_row_sealed_the_same_way(app):
    from hotline import mail
    from hotline.models import MailStatus, OutboxMail

    kept = mail.enqueue("taro@example.jp", "件名", "本文です。", "probe", to_name="山田 太郎")
    assert mail.enqueue("hanako@example.jp", "件名", "本文です。", "probe", to_name="山田 花子", keep=False) is None
    db.session.commit()
    rows = db.session.scalars(select(OutboxMail).filter_by(kind="probe")).all()
    rows.sort(key=lambda r: r.to_addr)
    assert [(r.to_addr, r.to_name, r.status, r.attempts) for r in rows] == [
        ("hanako@example.jp", "山田 花子", MailStatus.PENDING, 0), ("taro@example.jp", "山田 太郎", MailStatus.PENDING, 0)]
    assert rows[0].message_id != kept.message_id and rows[0].next_attempt_at is not None
    db.session.commit()
    with db.engine.connect() as connection:
        raw = connection.execute(text("SELECT to_addr, body FROM outbox_mail WHERE kind = 'probe'")).all()
    assert all("example.jp" not in r.to_addr and "本文" not in r.body for r in raw)


def test_an_inserted_object_is_the_row_a_flush_writes_and_stays_in_the_session(app):
    from hotline.models import Channel, Inquiry, InquiryCategory, InquiryStatus

    flushed = Inquiry(receipt="AAAA-AAAA-AAAA", category=InquiryCategory.OTHER, name="山田 太郎", message="本文")
    db.session.add(flushed)
    db.session.flush()
    inserted = Inquiry(receipt="BBBB-BBBB-BBBB", category=InquiryCategory.OTHER, name="山田 太郎", message="本文")
    insert_object(inserted)
    assert inserted.id == flushed.id + 1 and inserted in db.session and not db.session.dirty
    assert (inserted.status, inserted.channel, inserted.urgent, inserted.email) == (
        InquiryStatus.NEW, Channel.WEB, False, "")  # the model's defaults, filled in on the object
    assert inserted.created_at is not None and inserted.updated_at is not None
    inserted.status = InquiryStatus.ANSWERED  # a later change is flushed as an UPDATE
    db.session.commit()
    db.session.expunge_all()
    columns = [c for c in Inquiry.__table__.columns.keys() if c not in ("id", "receipt", "created_at", "updated_at")]
    with db.engine.connect() as connection:
        rows = connection.execute(select(Inquiry.__table__).order_by(Inquiry.id)).mappings().all()
    assert rows[1]["status"] is InquiryStatus.ANSWERED and rows[1]["name"] == "山田 太郎"
    for column in columns:  # the same values (sealed columns read back opened)
        if column != "status":
            assert rows[0][column] == rows[1][column], column
    again = db.session.get(Inquiry, rows[1]["id"])
    assert (again.name, again.message, again.status) == ("山田 太郎", "本文", InquiryStatus.ANSWERED)


def test_an_inserted_object_is_gone_with_a_rollback_and_refuses_related_objects(app):
    from hotline.models import Inquiry, InquiryCategory, User

    insert_object(Inquiry(receipt="CCCC-CCCC-CCCC", category=InquiryCategory.OTHER))
    db.session.rollback()
    assert stored(Inquiry) == 0
    with pytest.raises(ValueError):
        insert_object(Inquiry(receipt="DDDD-DDDD-DDDD", category=InquiryCategory.OTHER, logged_by=User()))


def test_rows_written_on_the_driver_are_stored_as_sqlalchemy_stores_them(app):
    """Dates, enums and flags in the same text and types, whichever way the row went in."""
    from sqlalchemy import insert

    from hotline.models import Inquiry, InquiryCategory

    flushed = Inquiry(receipt="EEEE-EEEE-EEEE", category=InquiryCategory.CARD_FRAUD, urgent=True)
    db.session.add(flushed)
    db.session.flush()
    insert_object(Inquiry(receipt="FFFF-FFFF-FFFF", category=InquiryCategory.CARD_FRAUD, urgent=True,
                          created_at=flushed.created_at, updated_at=flushed.updated_at))
    db.session.execute(insert(RateEvent.__table__).values(bucket="probe", key="same", created_at=flushed.created_at))
    add_row(RateEvent, bucket="probe", key="same", created_at=flushed.created_at)
    db.session.commit()
    plain = ("category", "status", "channel", "urgent", "reply_by", "created_at", "updated_at", "consent_at")
    with db.engine.connect() as connection:
        inquiries = connection.execute(text(f"SELECT {', '.join(plain)} FROM inquiry ORDER BY id")).all()
        events = connection.execute(text("SELECT bucket, key, created_at FROM rate_event ORDER BY id")).all()
    assert inquiries[0] == inquiries[1] and events[0] == events[1]
    if db.engine.dialect.name == "sqlite":
        assert isinstance(inquiries[0].created_at, str) and inquiries[0].category == "card_fraud"


def test_a_duplicate_key_on_the_driver_is_sqlalchemys_integrity_error_and_the_session_goes_on(app):
    from sqlalchemy.exc import IntegrityError

    from hotline.models import Inquiry, InquiryCategory

    insert_object(Inquiry(receipt="GGGG-GGGG-GGGG", category=InquiryCategory.OTHER, submission_token="same"))
    db.session.commit()
    with pytest.raises(IntegrityError) as refused:
        insert_object(Inquiry(receipt="HHHH-HHHH-HHHH", category=InquiryCategory.OTHER, submission_token="same"))
    assert "HHHH-HHHH-HHHH" not in str(refused.value)  # parameters hidden, as the engine hides them
    db.session.rollback()
    insert_object(Inquiry(receipt="JJJJ-JJJJ-JJJJ", category=InquiryCategory.OTHER, submission_token="other"))
    db.session.commit()
    assert stored(Inquiry) == 2



_EVENTS = select(RateEvent.bucket, RateEvent.created_at).where(
    RateEvent.key == "probe-key", RateEvent.created_at >= bindparam("since", type_=RateEvent.created_at.type)
).order_by(RateEvent.id)
_IN_LIST = select(RateEvent.bucket).where(RateEvent.bucket.in_(["a", "b"])).order_by(RateEvent.bucket)


def test_rows_read_on_the_driver_are_typed_as_sqlalchemy_reads_them_and_see_pending_rows(app):
    from datetime import timedelta

    from hotline.extensions import driver_rows
    from hotline.models import IncidentStatus, Role
    from hotline.models._types import utcnow
    from hotline.notices.public_reads import _PUBLIC_COLUMNS
    from tests.factories import make_draft, make_incident, make_user, publish

    add_row(RateEvent, bucket="one", key="probe-key")  # not yet written: driver_rows writes it first
    rows = driver_rows(_EVENTS, {"since": utcnow() - timedelta(minutes=1)})
    assert [row.bucket for row in rows] == ["one"]
    assert rows[0].created_at == db.session.execute(select(RateEvent.created_at)).scalar()
    assert driver_rows(_EVENTS, {"since": utcnow() + timedelta(minutes=1)}) == []
    add_row(RateEvent, bucket="a", key="k")
    add_row(RateEvent, bucket="b", key="k")
    assert [row.bucket for row in driver_rows(_IN_LIST)] == ["a", "b"]  # an expanding IN: through SQLAlchemy
    incident = make_incident()
    author, approver = make_user("author", Role.SUPERVISOR), make_user("approver", Role.SUPERVISOR)
    publish(make_draft(incident, author), author, approver)
    assert [(row.id, row.status) for row in driver_rows(_PUBLIC_COLUMNS)] == [(incident.id, IncidentStatus.ACTIVE)]
