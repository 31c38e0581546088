"""Staff accounts, login attempts and the audit trail."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._types import enum_column, utcnow


class Role(enum.Enum):
    """What a staff member may do; each role includes the ones before it."""

    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """Japanese name of the role."""
        return {"agent": "オペレーター", "supervisor": "責任者", "admin": "管理者"}[self.value]

    @property
    def rank(self) -> int:
        """Position in the hierarchy, for comparisons."""
        return ["agent", "supervisor", "admin"].index(self.value)


class User(db.Model):
    """A staff member who logs in to the back office."""

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    active: Mapped[bool] = mapped_column(default=True)
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None]

    # Flask-Login protocol -------------------------------------------------
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        """Every loaded account is authenticated; disabled ones are never loaded."""
        return True

    @property
    def is_active(self) -> bool:
        """Disabled accounts cannot log in."""
        return self.active

    def get_id(self) -> str:
        """Session token: id plus a version that logout and disabling bump."""
        return f"{self.id}:{self.session_version}"

    def has_role(self, role: Role) -> bool:
        """True when this account's role is at least `role`."""
        return self.role.rank >= role.rank


class LoginAttempt(db.Model):
    """One failed login, kept briefly to throttle guessing across worker processes."""

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class AuditEvent(db.Model):
    """Who did what to which record, and when. Never updated or deleted by the app."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(String(500), default="")
    # Outside a request (a command, the mail sender): the operating-system account that ran it,
    # so an --author given on the command line can be checked against who typed it.
    origin: Mapped[str] = mapped_column(String(80), default="", server_default="")

    user: Mapped[User | None] = db.relationship()
