"""Answer templates (想定Q&A) shared by every agent, with their full version history."""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import enum_column, today_in_japan, utcnow
from .inquiries import InquiryCategory


class TemplateStatus(enum.Enum):
    """Life of a template: proposed by anyone, approved by a supervisor, flagged when facts change."""

    PROPOSAL = "proposal"
    APPROVED = "approved"
    NEEDS_REVIEW = "needs_review"
    RETIRED = "retired"

    @property
    def label(self) -> str:
        """Japanese label."""
        return {
            "proposal": "提案（承認待ち）",
            "approved": "承認済み",
            "needs_review": "要確認（事実が変わりました）",
            "retired": "廃止",
        }[self.value]

    @property
    def usable(self) -> bool:
        """Agents may answer with it (needs_review ones come with a warning)."""
        return self in (TemplateStatus.APPROVED, TemplateStatus.NEEDS_REVIEW)


class AnswerTemplate(db.Model):
    """One shared answer: the questions it answers and a body with {placeholders}."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[InquiryCategory] = mapped_column(enum_column(InquiryCategory), index=True)
    questions: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[TemplateStatus] = mapped_column(
        enum_column(TemplateStatus), default=TemplateStatus.PROPOSAL, index=True
    )
    version: Mapped[int] = mapped_column(default=1)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[datetime | None]
    review_reason: Mapped[str] = mapped_column(Text, default="")
    faq_entry_id: Mapped[int | None] = mapped_column(ForeignKey("faq_entry.id"))
    times_used: Mapped[int] = mapped_column(default=0)
    expires_on: Mapped[date | None]  # time-limited content: not offered after this day
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    incident = relationship("Incident")
    created_by = relationship("User", foreign_keys=[created_by_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    faq_entry = relationship("FaqEntry")
    versions: Mapped[list["AnswerTemplateVersion"]] = relationship(
        back_populates="template", order_by="AnswerTemplateVersion.version",
        cascade="all, delete-orphan",
    )

    @property
    def question_list(self) -> list[str]:
        """The questions it answers, one per line."""
        return [line.strip() for line in self.questions.splitlines() if line.strip()]

    @property
    def keyword_list(self) -> list[str]:
        """Keywords, one per line."""
        return [line.strip() for line in self.keywords.splitlines() if line.strip()]

    @property
    def current_version(self) -> "AnswerTemplateVersion | None":
        """The history row of the text in use."""
        return next((v for v in self.versions if v.version == self.version), None)

    @property
    def expired(self) -> bool:
        """Past its expiry date (in Japan): no longer offered to agents or published."""
        return self.expires_on is not None and self.expires_on < today_in_japan()

    @property
    def pending_version(self) -> "AnswerTemplateVersion | None":
        """An edit of a shared template that waits for a second person's approval, if any."""
        newer = [v for v in self.versions if v.version > self.version]
        return newer[-1] if newer else None

    def writers_awaiting_approval(self) -> set[int]:
        """Ids of the people who wrote the text an approval would put in use (they may not approve it)."""
        newer = [v for v in self.versions if v.version > self.version]
        if newer:
            return {v.edited_by_id for v in newer if v.edited_by_id}
        if self.status is TemplateStatus.PROPOSAL:
            return {v.edited_by_id for v in self.versions if v.edited_by_id} | (
                {self.created_by_id} if self.created_by_id else set())
        return set()


class AnswerTemplateVersion(db.Model):
    """The text of one version of a template, kept forever."""

    __table_args__ = (UniqueConstraint("template_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("answer_template.id"), index=True)
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    questions: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # What the approver was shown beside the text; written with the approver, never changed
    # (migration a6b7c8d90033). A FAQ entry made from this version is public under these.
    approved_category: Mapped[InquiryCategory | None] = mapped_column(enum_column(InquiryCategory))
    approved_expires_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    template: Mapped[AnswerTemplate] = relationship(back_populates="versions")
    edited_by = relationship("User", foreign_keys=[edited_by_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])
