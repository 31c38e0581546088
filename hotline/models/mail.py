"""The mail outbox: messages written in the same transaction as the change causing them."""

import enum
from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._sealed import Sealed
from ._types import enum_column, utcnow


class MailStatus(enum.Enum):
    """Life of an outgoing message: pending → sending → sent, or failed for good."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"

    @property
    def label(self) -> str:
        """Japanese label."""
        return {"pending": "送信待ち", "sending": "送信中", "sent": "送信済み", "failed": "送信失敗"}[
            self.value
        ]


class OutboxMail(db.Model):
    """One message to one recipient, delivered over SMTP by the sender process.

    A row is claimed by setting it to SENDING with a lease (`locked_until`); a sender
    that dies mid-delivery leaves the row SENDING, and once the lease has passed
    another sender retries it. `last_error` holds an error class and SMTP code only,
    never the message or the address. The address, the name and the body are sealed
    (encrypted in the application), as they hold the recipient's personal data.
    """

    __table_args__ = (Index("ix_outbox_mail_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    to_addr: Mapped[str] = mapped_column(Sealed)
    to_name: Mapped[str] = mapped_column(Sealed, default="")
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Sealed)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[MailStatus] = mapped_column(enum_column(MailStatus), default=MailStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(String(200), default="")
    # RFC 8058 one-click unsubscribe (List-Unsubscribe, List-Unsubscribe-Post), for subscriber mail.
    unsubscribe_url: Mapped[str] = mapped_column(String(300), default="")
