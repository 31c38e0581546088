"""What a report says, as one fingerprint, and who wrote each version of it.

Approval is of one exact version (content_hash, shown to the approver), and nobody who
saved any version (editors_of) may approve it.
"""

import hashlib
import json

from ..extensions import db
from ..models import Report, ReportEdit, User
from . import groups

TEXT_FIELDS = (
    "title", "signatory", "situation", "apology", "background", "damage", "cause", "investigation",
    "secondary_risks", "customer_actions", "next_steps", "prevention", "correction",
    "contact_phone", "contact_hours", "contact_form_url",
    "compensation", "service_status", "reopening_note", "next_update_note", "period_reason", "damage_reason",
)
FACT_FIELDS = (
    "period_start", "period_end", "period_certainty", "period_start_time", "period_end_time", "period_end_certainty",
    "damage_certainty", "cause_certainty", "is_final",
    "damage_cases", "damage_amount", "compensation_status", "reopening_on", "notice_mail_from",
    "notice_letters_by", "next_update_on",
)
NOT_CARRIED = ("title", "correction", "is_final", "next_update_on", "next_update_note",
               "period_reason", "damage_reason")  # said anew each time
CARRIED_OVER = tuple(f for f in TEXT_FIELDS + FACT_FIELDS if f not in NOT_CARRIED)


def content_hash(report: Report) -> str:
    """A fingerprint of everything the report says: approval is of exactly this version."""
    with db.session.no_autoflush:
        content = {name: getattr(report, name) for name in TEXT_FIELDS + FACT_FIELDS}
        content["incident"] = report.incident_id if report.incident_id is not None else getattr(
            report.incident, "id", None)
        content["groups"] = groups.fingerprint(report)
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=lambda v: getattr(v, "value", str(v)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def editors_of(report: Report) -> set[int]:
    """Ids of everyone who wrote any version of the report, its author included."""
    return {report.author_id, *(edit.user_id for edit in report.edits)} - {None}


def record_edit(report: Report, editor: User) -> None:
    """Remember who saved this version."""
    with db.session.no_autoflush:
        report.edits.append(ReportEdit(user=editor, content_hash=content_hash(report)))


def stated_now(earlier: list[Report], states) -> Report | None:
    """The newest published report that states a fact, unless a later one withdrew it.

    Leaving a published fact out does not withdraw it, except in a report published with a
    訂正 (leaving out is refused otherwise): that report is the baseline from then on."""
    for report in reversed(earlier):
        if states(report):
            return report
        if withdraws(report):
            return None
    return None


def withdraws(report: Report) -> bool:
    """True for a published report with a 訂正: what it leaves out of earlier reports, it withdrew."""
    return bool((report.correction or "").strip())
