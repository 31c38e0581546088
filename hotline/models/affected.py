"""The people affected: the list, its imports, merges (名寄せ) and the notices sent to them.

Contact fields are `Sealed` (encrypted in the application); the `*_hash` columns are
keyed hashes for exact lookups. Nothing here holds a clear address or phone number.
"""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._sealed import Sealed
from ._types import enum_column, utcnow
from .notices import Incident


class NoticeChannel(enum.Enum):
    """How a person can be told individually."""

    EMAIL = "email"
    LETTER = "letter"
    NONE = "none"

    @property
    def label(self) -> str:
        """Japanese label."""
        return {"email": "メール", "letter": "郵送", "none": "連絡先なし（公表で代替）"}[self.value]


class AffectedPerson(db.Model):
    """One person on the affected list of one incident, after 名寄せ."""

    __table_args__ = (
        Index("ix_affected_person_member", "incident_id", "member_hash"),
        Index("ix_affected_person_email", "incident_id", "email_hash"),
        Index("ix_affected_person_phone", "incident_id", "phone_hash"),
        Index("ix_affected_person_name", "incident_id", "name_hash"),
        # /affected and the agents' lookup across incidents ask by the hash alone
        Index("ix_affected_person_member_hash", "member_hash"),
        Index("ix_affected_person_email_hash", "email_hash"),
        Index("ix_affected_person_phone_hash", "phone_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"))
    notice_number: Mapped[str] = mapped_column(String(16), unique=True)
    verify_code: Mapped[str] = mapped_column(Sealed)
    verify_hash: Mapped[str] = mapped_column(String(64))
    member_id: Mapped[str] = mapped_column(Sealed, default="")
    name: Mapped[str] = mapped_column(Sealed, default="")
    kana: Mapped[str] = mapped_column(Sealed, default="")
    email: Mapped[str] = mapped_column(Sealed, default="")
    phone: Mapped[str] = mapped_column(Sealed, default="")
    postal_code: Mapped[str] = mapped_column(Sealed, default="")
    address: Mapped[str] = mapped_column(Sealed, default="")
    birth_date: Mapped[str] = mapped_column(Sealed, default="")
    member_hash: Mapped[str] = mapped_column(String(64), default="")
    email_hash: Mapped[str] = mapped_column(String(64), default="")
    phone_hash: Mapped[str] = mapped_column(String(64), default="")
    birth_hash: Mapped[str] = mapped_column(String(64), default="")
    name_hash: Mapped[str] = mapped_column(String(64), default="")
    address_hash: Mapped[str] = mapped_column(String(64), default="")
    email_bounced: Mapped[bool] = mapped_column(default=False)
    letter_returned: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    incident: Mapped[Incident] = relationship()
    memberships: Mapped[list["AffectedMembership"]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="AffectedMembership.id")

    @property
    def group_names(self) -> list[str]:
        """The groups this person belongs to, in the order they were first listed."""
        seen: list[str] = []
        for membership in self.memberships:
            if membership.group_name not in seen:
                seen.append(membership.group_name)
        return seen

    @property
    def channel(self) -> NoticeChannel:
        """Email while an address works; a letter while an address does; else none."""
        if self.email and not self.email_bounced:
            return NoticeChannel.EMAIL
        if self.address and self.postal_code and not self.letter_returned:
            return NoticeChannel.LETTER
        return NoticeChannel.NONE


class AffectedImport(db.Model):
    """One file read into the affected list."""

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"))
    filename: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    group_name: Mapped[str] = mapped_column(String(60), default="")
    rows: Mapped[int] = mapped_column(default=0)
    added: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    merged: Mapped[int] = mapped_column(default=0)
    candidates: Mapped[int] = mapped_column(default=0)
    removed: Mapped[int] = mapped_column(default=0)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AffectedMembership(db.Model):
    """A person listed in one group, from one row of one imported file."""

    __table_args__ = (UniqueConstraint("person_id", "group_name", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("affected_person.id"), index=True)
    group_name: Mapped[str] = mapped_column(String(60))
    # The list the row came from (the file's label): importing it again replaces its rows.
    source: Mapped[str] = mapped_column(String(100))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("affected_import.id"))
    row_number: Mapped[int] = mapped_column(default=0)
    rule: Mapped[str] = mapped_column(String(40), default="")

    person: Mapped[AffectedPerson] = relationship(back_populates="memberships")


class MergeState(enum.Enum):
    """An uncertain 名寄せ waiting for a supervisor, or decided."""

    OPEN = "open"
    MERGED = "merged"
    SEPARATE = "separate"

    @property
    def label(self) -> str:
        """Japanese label."""
        return {"open": "確認待ち", "merged": "同一人物として統合", "separate": "別人として維持"}[self.value]


class MergeCandidate(db.Model):
    """Two entries of the list that may be one person; a supervisor decides."""

    __table_args__ = (UniqueConstraint("person_id", "other_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("affected_person.id"))
    other_id: Mapped[int] = mapped_column(ForeignKey("affected_person.id"))
    reason: Mapped[str] = mapped_column(String(200))
    state: Mapped[MergeState] = mapped_column(enum_column(MergeState), default=MergeState.OPEN)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]

    person: Mapped[AffectedPerson] = relationship(foreign_keys=[person_id])
    other: Mapped[AffectedPerson] = relationship(foreign_keys=[other_id])


class NoticeEvent(db.Model):
    """One step in a person's notice history: sent, bounced, printed, returned, told by phone."""

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("affected_person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[NoticeChannel] = mapped_column(enum_column(NoticeChannel))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    happened_on: Mapped[date] = mapped_column(default=lambda: utcnow().date())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[AffectedPerson] = relationship()


class CampaignState(enum.Enum):
    """Life of a notice campaign: drafted, approved by a second person, sending, paused, done."""

    DRAFT = "draft"
    AWAITING_APPROVAL = "awaiting_approval"
    RUNNING = "running"
    PAUSED = "paused"
    DONE = "done"

    @property
    def label(self) -> str:
        """Japanese label."""
        return {"draft": "下書き", "awaiting_approval": "承認待ち", "running": "送付中", "paused": "一時停止中",
                "done": "完了"}[self.value]


class NoticeCampaign(db.Model):
    """Individual notices of one published report to everyone on the list, paced to the call center.

    `subject` and `body` hold placeholders ({氏名}, {お知らせ番号}, {確認コード}, {対象の情報})
    filled per person when a notice is queued or printed; what is approved is this text.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))
    title: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[CampaignState] = mapped_column(enum_column(CampaignState), default=CampaignState.DRAFT)
    pace_per_hour: Mapped[int] = mapped_column(default=500)
    send_from_hour: Mapped[int] = mapped_column(default=9)
    send_until_hour: Mapped[int] = mapped_column(default=20)
    pause_backlog: Mapped[int] = mapped_column(default=300)
    pause_oldest_minutes: Mapped[int] = mapped_column(default=240)
    credit: Mapped[float] = mapped_column(default=0.0)
    last_pump_at: Mapped[datetime | None]
    paused_reason: Mapped[str] = mapped_column(String(300), default="")
    editor_ids: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[datetime | None]
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    # A follow-up goes only to people told facts (in a notice or an answer) that have since changed.
    follow_up: Mapped[bool] = mapped_column(default=False, server_default=false())
    # An optional お詫び品: a code per person, usable once until the deadline; the FAQ entry
    # about it (by key) is withdrawn once the deadline has passed.
    gift_label: Mapped[str] = mapped_column(String(100), default="", server_default="")
    gift_deadline: Mapped[date | None]
    gift_faq_key: Mapped[str] = mapped_column(String(64), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    incident: Mapped[Incident] = relationship()

    @property
    def editors(self) -> set[int]:
        """Ids of everyone who wrote or changed the text."""
        return {int(i) for i in (self.editor_ids or "").split(",") if i.strip().isdigit()}


class DeliveryStatus(enum.Enum):
    """Where one person's notice of one campaign is."""

    WAITING = "waiting"
    QUEUED = "queued"
    SENT = "sent"
    BOUNCED = "bounced"
    TO_PRINT = "to_print"
    PRINTED = "printed"
    RETURNED = "returned"
    SUBSTITUTE = "substitute"

    @property
    def label(self) -> str:
        """Japanese label."""
        return _DELIVERY_LABELS[self.value]


_DELIVERY_LABELS = {
    "waiting": "送信待ち", "queued": "送信中", "sent": "メール送信済み", "bounced": "メール不達",
    "to_print": "印刷待ち", "printed": "印刷・郵送済み", "returned": "郵便の返戻", "substitute": "公表で代替",
}


class NoticeDelivery(db.Model):
    """One person's notice in one campaign: by email, then by letter if the mail bounced."""

    __table_args__ = (
        UniqueConstraint("campaign_id", "person_id"),
        Index("ix_notice_delivery_state", "campaign_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("notice_campaign.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("affected_person.id"), index=True)
    channel: Mapped[NoticeChannel] = mapped_column(enum_column(NoticeChannel))
    status: Mapped[DeliveryStatus] = mapped_column(enum_column(DeliveryStatus), default=DeliveryStatus.WAITING)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_mail.id"))
    batch: Mapped[int | None]
    queued_at: Mapped[datetime | None] = mapped_column(index=True)
    done_at: Mapped[datetime | None]
    bounced_at: Mapped[datetime | None]
    gift_code: Mapped[str] = mapped_column(Sealed, default="", server_default="")
    gift_hash: Mapped[str] = mapped_column(String(64), default="", server_default="", index=True)
    gift_redeemed_at: Mapped[datetime | None]

    campaign: Mapped[NoticeCampaign] = relationship()
    person: Mapped[AffectedPerson] = relationship()
