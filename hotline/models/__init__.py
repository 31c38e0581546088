"""Database models, grouped by area."""

from .answers import AnswerTemplate, AnswerTemplateVersion, TemplateStatus
from .faq import FaqEntry, FaqVote, SearchStat
from .inquiries import Channel, Inquiry, InquiryCategory, InquiryStatus, RateEvent, ReplyBy
from .mail import MailStatus, OutboxMail
from .notices import (
    Certainty, ChangeState, DataCategory, Incident, IncidentChange, IncidentStatus, LeakStatus, Report,
    ReportCategory, ReportEdit, ReportState,
)
from .regulator import FilingKind, RegulatorFiling, ReportingDecision
from .users import AuditEvent, LoginAttempt, Role, User

__all__ = [
    "AnswerTemplate",
    "AnswerTemplateVersion",
    "TemplateStatus",
    "AuditEvent",
    "Channel",
    "Inquiry",
    "InquiryCategory",
    "InquiryStatus",
    "RateEvent",
    "ReplyBy",
    "Certainty",
    "ChangeState",
    "DataCategory",
    "FaqEntry",
    "FilingKind",
    "FaqVote",
    "SearchStat",
    "Incident",
    "IncidentChange",
    "IncidentStatus",
    "LeakStatus",
    "LoginAttempt",
    "MailStatus",
    "OutboxMail",
    "RegulatorFiling",
    "Report",
    "ReportCategory",
    "ReportEdit",
    "ReportState",
    "ReportingDecision",
    "Role",
    "User",
]
