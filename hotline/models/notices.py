"""Incidents and their staged reports (第一報, 第二報, …, 最終報告)."""

import enum
from datetime import date, datetime, time

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import enum_column, utcnow


class IncidentStatus(enum.Enum):
    """Whether the company is still handling the incident."""

    ACTIVE = "active"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        """Japanese label."""
        return {"active": "対応中", "closed": "収束"}[self.value]


class ReportState(enum.Enum):
    """Life of a report: draft → awaiting approval → published (then frozen)."""

    DRAFT = "draft"
    AWAITING_APPROVAL = "awaiting_approval"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        """Japanese label."""
        return {"draft": "下書き", "awaiting_approval": "承認待ち", "published": "公開済み"}[self.value]


class ChangeState(enum.Enum):
    """A requested change of a published incident: waiting for a second person, or decided."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        """Japanese label."""
        return {"pending": "承認待ち", "approved": "承認済み", "rejected": "却下・取り下げ"}[self.value]


class Certainty(enum.Enum):
    """How firm a fact is at the time of a report."""

    CONFIRMED = "confirmed"
    PROVISIONAL = "provisional"

    @property
    def label(self) -> str:
        """Japanese label."""
        return {"confirmed": "確定", "provisional": "調査中（暫定）"}[self.value]


class Incident(db.Model):
    """One breach (事案) the company is handling in public."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[IncidentStatus] = mapped_column(
        enum_column(IncidentStatus), default=IncidentStatus.ACTIVE
    )
    aware_on: Mapped[date]
    malicious: Mapped[bool] = mapped_column(default=True)
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    contact_hours: Mapped[str] = mapped_column(String(200), default="")
    contact_form_url: Mapped[str] = mapped_column(String(300), default="")
    # One period per line; see hotline.notices.contact_window.
    contact_schedule: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The approved change request that last changed what readers see (checked by a trigger:
    # see migration 9e0f1a2b0013). Deliberately no foreign key: the two tables point at each other.
    approved_change_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    reports: Mapped[list["Report"]] = relationship(
        back_populates="incident", order_by="Report.id", cascade="all, delete-orphan"
    )


class Report(db.Model):
    """One staged announcement of an incident; frozen once published."""

    __table_args__ = (UniqueConstraint("incident_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    number: Mapped[int | None]
    is_final: Mapped[bool] = mapped_column(default=False)
    state: Mapped[ReportState] = mapped_column(
        enum_column(ReportState), default=ReportState.DRAFT
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]

    # The heading of this stage (empty: the incident's title) and who signs it.
    title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    signatory: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The twelve items of a notice; uncertain ones have a certainty beside them.
    situation: Mapped[str] = mapped_column(Text, default="")
    apology: Mapped[str] = mapped_column(Text, default="")
    background: Mapped[str] = mapped_column(Text, default="")
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    period_certainty: Mapped[Certainty] = mapped_column(  # of the start, and of the end unless it has its own
        enum_column(Certainty), default=Certainty.PROVISIONAL
    )
    period_start_time: Mapped[time | None]
    period_end_time: Mapped[time | None]
    period_end_certainty: Mapped[Certainty | None] = mapped_column(enum_column(Certainty))
    damage: Mapped[str] = mapped_column(Text, default="")
    damage_certainty: Mapped[Certainty] = mapped_column(
        enum_column(Certainty), default=Certainty.PROVISIONAL
    )
    cause: Mapped[str] = mapped_column(Text, default="")
    cause_certainty: Mapped[Certainty] = mapped_column(
        enum_column(Certainty), default=Certainty.PROVISIONAL
    )
    investigation: Mapped[str] = mapped_column(Text, default="")
    secondary_risks: Mapped[str] = mapped_column(Text, default="")
    customer_actions: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    prevention: Mapped[str] = mapped_column(Text, default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    contact_hours: Mapped[str] = mapped_column(String(200), default="")
    contact_form_url: Mapped[str] = mapped_column(String(300), default="")
    correction: Mapped[str] = mapped_column(Text, default="")
    # Why the period and the damage figures differ from the previous report (the changes section).
    period_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    damage_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The response as data: damage so far, compensation, service, individual notices, next update.
    damage_cases: Mapped[int | None] = mapped_column(BigInteger)
    damage_amount: Mapped[int | None] = mapped_column(BigInteger)  # yen
    compensation_status: Mapped[str] = mapped_column(String(16), default="", server_default="")  # considering | decided
    compensation: Mapped[str] = mapped_column(Text, default="", server_default="")
    service_status: Mapped[str] = mapped_column(Text, default="", server_default="")
    reopening_on: Mapped[date | None]
    reopening_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    notice_mail_from: Mapped[date | None]
    notice_letters_by: Mapped[date | None]
    next_update_on: Mapped[date | None]
    next_update_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Written by the approver when a finding needs a person's judgement (consistency.JUDGEMENT).
    approver_judgement: Mapped[str] = mapped_column(Text, default="", server_default="")

    incident: Mapped[Incident] = relationship(back_populates="reports")
    author = relationship("User", foreign_keys=[author_id])
    approver = relationship("User", foreign_keys=[approver_id])
    groups = relationship(  # list of facts.AffectedGroup
        "AffectedGroup", back_populates="report", cascade="all, delete-orphan", order_by="AffectedGroup.position"
    )
    edits: Mapped[list["ReportEdit"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportEdit.id"
    )

    @property
    def is_published(self) -> bool:
        """Published reports are immutable."""
        return self.state is ReportState.PUBLISHED

    @property
    def affected_groups(self) -> list:
        """The groups of people the incident concerns, in display order."""
        return [g for g in self.groups if g.affected]

    def group_named(self, name: str):
        """The group with this name, or None."""
        return next((g for g in self.groups if g.name == name), None)


class ReportEdit(db.Model):
    """One save of a draft by one person: whoever wrote any version may not approve it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    content_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[Report] = relationship(back_populates="edits")
    user = relationship("User")


class IncidentChange(db.Model):
    """A change of what published pages show about an incident, approved by a second person.

    `changes` is JSON: {field: [before, after]} with dates as ISO text and enums as values.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    changes: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(300), default="")
    state: Mapped[ChangeState] = mapped_column(enum_column(ChangeState), default=ChangeState.PENDING)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(String(300), default="")

    incident: Mapped[Incident] = relationship()
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
