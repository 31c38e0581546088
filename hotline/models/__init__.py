"""Database models, grouped by area."""

from .answers import AnswerTemplate, AnswerTemplateVersion, InquiryCategory, TemplateStatus
from .faq import FaqEntry, FaqVote, SearchStat
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
    "AnswerTemplate",
    "AnswerTemplateVersion",
    "InquiryCategory",
    "TemplateStatus",
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
    "Report",
    "ReportCategory",
    "ReportState",
    "Role",
    "User",
]
