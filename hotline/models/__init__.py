"""Database models, grouped by area."""

from .faq import FaqEntry, FaqVote, SearchStat
from .mail import MailStatus, OutboxMail
from .notices import (
    Certainty,
    DataCategory,
    Incident,
    IncidentStatus,
    LeakStatus,
    Report,
    ReportCategory,
    ReportState,
)
from .users import AuditEvent, LoginAttempt, Role, User

__all__ = [
    "AuditEvent",
    "Certainty",
    "DataCategory",
    "FaqEntry",
    "FaqVote",
    "SearchStat",
    "Incident",
    "IncidentStatus",
    "LeakStatus",
    "LoginAttempt",
    "MailStatus",
    "OutboxMail",
    "Report",
    "ReportCategory",
    "ReportState",
    "Role",
    "User",
]
