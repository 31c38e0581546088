"""Announcements: incidents and their staged reports (第一報, 第二報, …, 最終報告).

The workflow (drafting, the consistency check before publishing, two-person approval)
is in `workflow`; `consistency` holds the rules that block a report, `phrasing` words
every uncertain fact with its caveat, `report_view` lays a report out for readers and
for the approver's preview, `changes` says what moved since the previous report,
`draft_files` reads prepared drafts, `static_export` writes the public pages as files,
`freeze` keeps published reports unchanged, `cli` is `flask notices …`.

The names below are the package's operations, so callers write `notices.approve_and_publish`.
"""

from . import freeze  # noqa: F401  (installs the guard on published reports)
from .workflow import (  # noqa: F401
    CARRIED_OVER, FACT_FIELDS, FROZEN_MESSAGE, TEXT_FIELDS, Deadline, NoticeError, PublishBlocked,
    ReportFrozen, active_incidents, approve_and_publish, create_incident, delete_draft,
    earlier_published, ensure_editable, findings_for, latest_published, prefill,
    prospective_number, public_incidents, published_reports, regulator_deadlines, report_label,
    report_published, return_to_draft, start_draft, submit_for_approval, unsaved_draft,
    update_draft, update_incident,
)
