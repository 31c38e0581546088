"""What the company told the regulator (個人情報保護委員会), and whether it had to."""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import enum_column, utcnow


class FilingKind(enum.Enum):
    """The reports the regulator expects: 速報, 確報, and 追完 for what came later."""

    PRELIMINARY = "preliminary"
    FINAL = "final"
    SUPPLEMENT = "supplement"
    POLICE = "police"

    @property
    def label(self) -> str:
        """Japanese name."""
        return {"preliminary": "速報", "final": "確報", "supplement": "追完", "police": "警察への相談・届出"}[self.value]

    @property
    def to_regulator(self) -> bool:
        """Filed with 個人情報保護委員会 (the police is told separately)."""
        return self is not FilingKind.POLICE


class RegulatorFiling(db.Model):
    """One report filed with the regulator; recorded once, never edited."""

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    kind: Mapped[FilingKind] = mapped_column(enum_column(FilingKind))
    filed_on: Mapped[date]
    reference: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(String(300), default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    recorded_by = relationship("User")


class ReportingDecision(db.Model):
    """Whether an incident is one the law requires reporting, decided by one person, reviewed by another.

    The four cases of 規則7条: 要配慮個人情報, 財産的被害のおそれ, 不正の目的 (including
    information being acquired by an altered page), more than 1,000 people.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), unique=True)
    sensitive: Mapped[bool] = mapped_column(default=False)
    financial: Mapped[bool] = mapped_column(default=False)
    wrongful: Mapped[bool] = mapped_column(default=False)
    over_thousand: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(String(300), default="")
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[datetime | None]

    decided_by = relationship("User", foreign_keys=[decided_by_id])
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])
