"""Inquiries from affected customers, by form or logged from a phone call."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._sealed import Sealed
from ._types import enum_column, utcnow


class InquiryCategory(enum.Enum):
    """What an inquiry (and the template answering it) is about."""

    ELIGIBILITY = "eligibility"
    LEAKED_DATA = "leaked_data"
    CARD_FRAUD = "card_fraud"
    SUSPICIOUS_CONTACT = "suspicious_contact"
    COMPENSATION = "compensation"
    DELETION = "deletion"
    OTHER = "other"

    @property
    def label(self) -> str:
        """Short Japanese label for staff pages and template files."""
        return _CATEGORY_LABELS[self.value][0]

    @property
    def form_label(self) -> str:
        """The wording customers choose from on the inquiry form."""
        return _CATEGORY_LABELS[self.value][1]

    @classmethod
    def from_text(cls, text: str) -> "InquiryCategory":
        """The category named by its value or its Japanese label; ValueError otherwise."""
        wanted = (text or "").strip()
        for member in cls:
            if wanted in (member.value, member.label, member.form_label):
                return member
        raise ValueError(wanted)


_CATEGORY_LABELS = {
    "eligibility": ("対象かどうか", "自分が対象かどうか"),
    "leaked_data": ("漏えいした情報", "漏えいした情報について"),
    "card_fraud": ("カードと不正利用", "クレジットカード・不正利用"),
    "suspicious_contact": ("不審な連絡", "不審なメール・電話・SMS"),
    "compensation": ("補償", "補償・お詫びについて"),
    "deletion": ("情報の削除・退会", "情報の削除・退会"),
    "other": ("その他", "その他"),
}


class InquiryStatus(enum.Enum):
    """Where an inquiry is in the queue."""

    NEW = "new"
    ASSIGNED = "assigned"
    WAITING = "waiting"
    ANSWERED = "answered"

    @property
    def label(self) -> str:
        """Japanese label."""
        return {"new": "未対応", "assigned": "対応中", "waiting": "保留（確認待ち）", "answered": "回答済み"}[self.value]

    @property
    def public_label(self) -> str:
        """What the customer sees on the status page."""
        return {"new": "受け付けました（担当者が確認する前です）", "assigned": "担当者が確認しています",
                "waiting": "担当者が確認しています", "answered": "回答しました"}[self.value]


class Channel(enum.Enum):
    """How the inquiry reached us."""

    WEB = "web"
    PHONE = "phone"

    @property
    def label(self) -> str:
        """Japanese label."""
        return {"web": "フォーム", "phone": "電話"}[self.value]


class ReplyBy(enum.Enum):
    """How the customer wants to be answered."""

    EMAIL = "email"
    PHONE = "phone"
    NONE = "none"

    @property
    def label(self) -> str:
        """Japanese label."""
        return {"email": "メールで回答を希望", "phone": "電話で回答を希望", "none": "回答は不要"}[self.value]


class Inquiry(db.Model):
    """One question from one person; personal data, shown only to staff and audited."""

    __table_args__ = (
        Index("ix_inquiry_queue", "status", "urgent", "created_at"),
        # Covering indexes for the supervisor figures: read from the index alone, never the rows.
        Index("ix_inquiry_backlog", "status", "category", "created_at", "urgent"),
        Index("ix_inquiry_answered", "answered_at", "template_id"),
        Index("ix_inquiry_template", "template_id", "template_edited"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt: Mapped[str] = mapped_column(String(20), unique=True)
    submission_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    status_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel), default=Channel.WEB)
    status: Mapped[InquiryStatus] = mapped_column(enum_column(InquiryStatus), default=InquiryStatus.NEW)
    urgent: Mapped[bool] = mapped_column(default=False)
    urgent_reason: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[InquiryCategory] = mapped_column(enum_column(InquiryCategory))
    # What the person wrote and how to reach them is sealed at rest (encrypted in the application).
    name: Mapped[str] = mapped_column(Sealed, default="")
    email: Mapped[str] = mapped_column(Sealed, default="")
    phone: Mapped[str] = mapped_column(Sealed, default="")
    reply_by: Mapped[ReplyBy] = mapped_column(enum_column(ReplyBy), default=ReplyBy.EMAIL)
    notice_number: Mapped[str] = mapped_column(String(40), default="")
    message: Mapped[str] = mapped_column(Sealed, default="")
    consent_at: Mapped[datetime | None]
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    claimed_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    answer_text: Mapped[str] = mapped_column(Sealed, default="")
    answer_channel: Mapped[str] = mapped_column(String(10), default="")
    template_id: Mapped[int | None]
    template_version: Mapped[int | None]
    # The published report whose facts the answer stated (for re-contact when they change).
    answer_report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id"))
    template_edited: Mapped[bool] = mapped_column(default=False)
    staff_note: Mapped[str] = mapped_column(Sealed, default="")

    incident = relationship("Incident")
    assigned_to = relationship("User", foreign_keys=[assigned_to_id])
    answered_by = relationship("User", foreign_keys=[answered_by_id])
    logged_by = relationship("User", foreign_keys=[logged_by_id])


class RateEvent(db.Model):
    """One counted request for rate limiting across worker processes (no raw addresses)."""

    __table_args__ = (Index("ix_rate_event_lookup", "bucket", "key", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bucket: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
