"""Delivering the outbox over SMTP, at least once and never lost.

`deliver_pending` (run by `flask mail worker`,
a separate process) claims due rows, sends them over SMTP and records the outcome;
a message that could not be sent waits with exponential backoff, so an SMTP outage
loses nothing.

Delivery is at least once: a message is marked sent right after the server accepted
it, and only a crash between those two steps sends it again, with the same
Message-ID so that mail clients can recognise the duplicate.
"""

import logging
import smtplib
import ssl
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import and_, func, or_, select

from ..extensions import db
from ..models import MailStatus, OutboxMail
from ..models._types import utcnow
from .outbox import build_message

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
"""How long a claimed row belongs to one sender before another may retry it."""
BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_MAX = timedelta(minutes=15)


@dataclass
class DeliveryResult:
    """What one delivery round did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    released: int = 0

    @property
    def attempted(self) -> int:
        """Messages for which a delivery was tried in this round."""
        return self.sent + self.retrying + self.failed


@dataclass
class OutboxSummary:
    """Counts per status and the age of the oldest message not yet delivered."""

    counts: dict[MailStatus, int] = field(default_factory=dict)
    oldest_pending_age: timedelta | None = None


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after `attempts` failed tries: 30 s doubling, at most 15 min."""
    exponent = max(attempts - 1, 0)
    if exponent >= 16:
        return BACKOFF_MAX
    return min(BACKOFF_FIRST * (2**exponent), BACKOFF_MAX)


def _due(now: datetime):
    """Rows ready for a delivery attempt: pending and due, or sending with an expired lease."""
    return or_(
        and_(OutboxMail.status == MailStatus.PENDING, OutboxMail.next_attempt_at <= now),
        and_(OutboxMail.status == MailStatus.SENDING, OutboxMail.locked_until < now),
    )


@dataclass
class _Claimed:
    """A claimed row and its message, built before the claim committed."""

    row_id: int
    to_addr: str
    message: EmailMessage


def _claim(limit: int, now: datetime, result: DeliveryResult) -> list[_Claimed]:
    """Mark due rows as sending under a lease, build their messages, and commit.

    PostgreSQL: FOR UPDATE SKIP LOCKED, so concurrent senders take different rows.
    SQLite: the transaction starts with BEGIN IMMEDIATE (see hotline.extensions), so one
    sender at a time selects and marks rows. Messages are built here so that no
    transaction stays open while the SMTP server is talked to.
    """
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    rows = db.session.scalars(
        select(OutboxMail)
        .where(_due(now))
        .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    claimed = []
    for row in rows:
        if row.status == MailStatus.SENDING:
            # A sender stopped while delivering this row: that try counts.
            row.attempts += 1
            row.last_error = "interrupted"
            if row.attempts >= max_attempts:
                _mark_failed(row, result)
                continue
        try:
            message = build_message(row)
        except ValueError as error:  # a row that can never become a valid message
            row.last_error = _error_summary(error)
            _mark_failed(row, result)
            continue
        row.status = MailStatus.SENDING
        row.locked_until = now + LEASE
        claimed.append(_Claimed(row.id, row.to_addr, message))
    db.session.commit()
    return claimed


def _mark_failed(row: OutboxMail, result: DeliveryResult) -> None:
    """Give up on a row; it stays in the outbox, visible as failed."""
    row.status = MailStatus.FAILED
    row.locked_until = None
    result.failed += 1
    log.warning("mail %s failed for good after %s attempts (%s)", row.id, row.attempts, row.last_error)


def _error_summary(error: BaseException) -> str:
    """Error class and SMTP code only: server replies may quote addresses."""
    summary = type(error).__name__
    code = getattr(error, "smtp_code", None)
    if code is None and isinstance(error, smtplib.SMTPRecipientsRefused):
        code = next(iter(error.recipients.values()), (None,))[0]
    return (f"{summary} {code}" if code else summary)[:200]


def _is_permanent(error: BaseException) -> bool:
    """True when the server refused the recipient for good (5xx): retrying cannot help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return False


def _record_failure(row_ids: list[int], error: BaseException, now: datetime, result: DeliveryResult) -> None:
    """Count a failed try for each row: back to pending with backoff, or failed at the end."""
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    for row_id in row_ids:
        row = db.session.get(OutboxMail, row_id)
        if row is None or row.status != MailStatus.SENDING:
            continue
        row.attempts += 1
        row.last_error = _error_summary(error)
        if _is_permanent(error) or row.attempts >= max_attempts:
            _mark_failed(row, result)
            continue
        row.status = MailStatus.PENDING
        row.locked_until = None
        row.next_attempt_at = now + backoff(row.attempts)
        result.retrying += 1
        log.info("mail %s will be retried (%s)", row.id, row.last_error)
    db.session.commit()


def _record_sent(row_id: int, now: datetime, result: DeliveryResult) -> None:
    """The server accepted the message: mark it sent at once."""
    row = db.session.get(OutboxMail, row_id)
    row.status = MailStatus.SENT
    row.sent_at = now
    row.locked_until = None
    row.last_error = ""
    db.session.commit()
    result.sent += 1


def _release(row_ids: list[int], result: DeliveryResult) -> None:
    """Give back claimed rows that this round did not try; no attempt is counted."""
    for row_id in row_ids:
        row = db.session.get(OutboxMail, row_id)
        if row is not None and row.status == MailStatus.SENDING:
            row.status = MailStatus.PENDING
            row.locked_until = None
            result.released += 1
    db.session.commit()


def connect() -> smtplib.SMTP:
    """Open an SMTP session as configured (STARTTLS and login when set)."""
    config = current_app.config
    smtp = smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"])
    try:
        smtp.ehlo()
        if config["SMTP_STARTTLS"]:
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if config["SMTP_USER"]:
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    return smtp


def _close(smtp: smtplib.SMTP | None) -> None:
    """End an SMTP session, ignoring a server that is already gone."""
    if smtp is None:
        return
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def deliver_pending(limit: int = 50, *, now: datetime | None = None, should_stop=None) -> DeliveryResult:
    """Claim up to `limit` due messages, send them over SMTP and record each outcome.

    Commits the session (run it with no unfinished work of your own). `now` sets the
    clock (naive UTC) for this round, for tests; `should_stop()` is asked between
    messages, and the rows not yet tried are given back. When the server cannot be
    reached, every claimed row counts one failed try and waits.
    """
    started, base = time.monotonic(), now or utcnow()

    def clock() -> datetime:
        return base + timedelta(seconds=time.monotonic() - started)

    result = DeliveryResult()
    claimed = _claim(limit, base, result)
    smtp = None
    try:
        for index, item in enumerate(claimed):
            if (should_stop and should_stop()) or clock() > base + LEASE / 2:
                _release([c.row_id for c in claimed[index:]], result)
                break
            if smtp is None:
                try:
                    smtp = connect()
                except (smtplib.SMTPException, OSError) as error:
                    _record_failure([c.row_id for c in claimed[index:]], error, clock(), result)
                    break
            try:
                smtp.send_message(item.message, to_addrs=[item.to_addr])
            except (smtplib.SMTPException, OSError) as error:
                if not isinstance(error, smtplib.SMTPRecipientsRefused):
                    _close(smtp)
                    smtp = None
                _record_failure([item.row_id], error, clock(), result)
                continue
            _record_sent(item.row_id, clock(), result)
    finally:
        _close(smtp)
    return result


# Supervision ------------------------------------------------------------------------


def outbox_summary(now: datetime | None = None) -> OutboxSummary:
    """Counts per status and how long the oldest undelivered message has waited."""
    now = now or utcnow()
    rows = db.session.execute(select(OutboxMail.status, func.count()).group_by(OutboxMail.status)).all()
    counts = {status: 0 for status in MailStatus}
    counts.update({status: count for status, count in rows})
    oldest = db.session.scalar(
        select(func.min(OutboxMail.created_at)).where(
            OutboxMail.status.in_([MailStatus.PENDING, MailStatus.SENDING])
        )
    )
    return OutboxSummary(counts=counts, oldest_pending_age=(now - oldest) if oldest else None)
