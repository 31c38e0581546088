"""Database models, grouped by area."""

from .affected import (
    AffectedImport, AffectedMembership, AffectedPerson, CampaignState, DeliveryStatus, MergeCandidate, MergeState,
    NoticeCampaign, NoticeChannel, NoticeDelivery, NoticeEvent,
)
from .answers import AnswerTemplate, AnswerTemplateVersion, TemplateStatus
from .callbacks import Callback, CallbackStatus
from .faq import FaqChange, FaqEntry, FaqVote, IndexGeneration, SearchStat, TextBlock
from .inquiries import Channel, Inquiry, InquiryCategory, InquiryStatus, RateEvent, ReplyBy
from .mail import MailStatus, OutboxMail
from .notices import (
    Certainty, ChangeState, Incident, IncidentChange, IncidentStatus, Report, ReportEdit, ReportState,
)
from .facts import AffectedGroup, DataCategory, GroupItem, LeakStatus
from .regulator import FilingKind, RegulatorFiling, ReportingDecision
from .subscribers import Broadcast, Subscriber
from .users import AuditEvent, LoginAttempt, Role, User

__all__ = [
    "AffectedImport",
    "AffectedMembership",
    "AffectedPerson",
    "CampaignState",
    "DeliveryStatus",
    "MergeCandidate",
    "NoticeCampaign",
    "NoticeDelivery",
    "MergeState",
    "NoticeChannel",
    "NoticeEvent",
    "AffectedGroup",
    "GroupItem",
    "AnswerTemplate",
    "AnswerTemplateVersion",
    "TemplateStatus",
    "AuditEvent",
    "Broadcast",
    "Subscriber",
    "Callback",
    "CallbackStatus",
    "Channel",
    "IndexGeneration",
    "Inquiry",
    "InquiryCategory",
    "InquiryStatus",
    "RateEvent",
    "ReplyBy",
    "Certainty",
    "ChangeState",
    "DataCategory",
    "FaqChange",
    "FaqEntry",
    "FilingKind",
    "FaqVote",
    "SearchStat",
    "TextBlock",
    "Incident",
    "IncidentChange",
    "IncidentStatus",
    "LeakStatus",
    "LoginAttempt",
    "MailStatus",
    "OutboxMail",
    "RegulatorFiling",
    "Report",
    "ReportEdit",
    "ReportState",
    "ReportingDecision",
    "Role",
    "User",
]
