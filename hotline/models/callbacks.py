"""Callbacks (折り返し): a caller who could not get through leaves a number and a time slot.

The phone, name, email, note and closing note are `Sealed` (encrypted in the application); `phone_hash`
is a keyed hash that finds an open booking for the same number.
"""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._sealed import Sealed
from ._types import enum_column, utcnow
from .inquiries import InquiryCategory


class CallbackStatus(enum.Enum):
    """Where a booked callback stands."""

    SCHEDULED = "scheduled"
    DONE = "done"
    UNREACHED = "unreached"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        """Japanese label."""
        return {"scheduled": "予定", "done": "通話済み", "unreached": "つながらず終了",
                "cancelled": "取り消し"}[self.value]


class Callback(db.Model):
    """One booked callback, its attempts and how it ended."""

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    phone: Mapped[str] = mapped_column(Sealed)
    phone_hash: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(Sealed, default="")
    email: Mapped[str] = mapped_column(Sealed, default="")
    note: Mapped[str] = mapped_column(Sealed, default="")
    category: Mapped[InquiryCategory] = mapped_column(enum_column(InquiryCategory))
    slot_at: Mapped[datetime] = mapped_column(index=True)
    status: Mapped[CallbackStatus] = mapped_column(enum_column(CallbackStatus), default=CallbackStatus.SCHEDULED,
                                                   index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(index=True)
    inquiry_id: Mapped[int | None] = mapped_column(ForeignKey("inquiry.id", ondelete="SET NULL"))
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    closed_note: Mapped[str] = mapped_column(Sealed, default="")  # may quote what the agent wrote
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    inquiry = relationship("Inquiry")
    handled_by = relationship("User")
