"""Rows added with extensions.add_row (audit rows, rate events) behave like objects added to
the session: seen by the session's next statement, written with the commit, gone with a
rollback, even one before any statement ran."""

from sqlalchemy import func, select, text

from hotline import audit, throttle
from hotline.extensions import add_row, db
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
