"""People who asked to hear of every new report of an incident by email (double opt-in).

The address is `Sealed`; `email_hash` (a keyed hash) finds an existing subscription. Only
hashes of the confirmation and stop tokens are stored: the tokens themselves go out in
the mails. A `Broadcast` is one report to mail to every confirmed subscriber, worked
through in batches by the mail sender (`last_subscriber_id` is how far it got).
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._sealed import Sealed
from ._types import utcnow


class Subscriber(db.Model):
    """One address subscribed to one incident's reports."""

    __table_args__ = (UniqueConstraint("incident_id", "email_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    email: Mapped[str] = mapped_column(Sealed)
    email_hash: Mapped[str] = mapped_column(String(64))
    confirm_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    confirm_expires_at: Mapped[datetime | None]
    confirm_sent_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    stop_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    stop_token: Mapped[str] = mapped_column(Sealed, default="", server_default="")  # the one every mail carries
    stopped_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    incident = relationship("Incident")

    @property
    def active(self) -> bool:
        """Confirmed and not stopped: gets every new report."""
        return self.confirmed_at is not None and self.stopped_at is None


class Broadcast(db.Model):
    """A published report to mail to the incident's subscribers."""

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_subscriber_id: Mapped[int] = mapped_column(default=0)
    queued: Mapped[int] = mapped_column(default=0)
    done_at: Mapped[datetime | None]

    report = relationship("Report")
