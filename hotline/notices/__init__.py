"""Announcements: incidents and their staged reports (第一報, 第二報, …, 最終報告).

The workflow (drafting, the consistency check before publishing, two-person approval)
is in `workflow`; `consistency` holds the rules that block a report, `phrasing` words
every uncertain fact with its caveat, `report_view` lays a report out for readers and
for the approver's preview, `changes` says what moved since the previous report,
`draft_files` reads prepared drafts, `static_export` writes the public pages as files,
`freeze` keeps published reports unchanged (the database refuses it too: see the
migration a6b5fcad0006), `versions` fingerprints a report and knows who wrote it,
`groups` the groups of people a report speaks of (GroupSpec, replace_groups) and
`group_rules` the checks on their numbers and items, `regulator` holds the regulator's deadlines, the filings and the reporting decision, `incident_changes` the two-person changes
of an incident readers have seen, `cli` is `flask notices …`.

The names below are the package's operations, so callers write `notices.approve_and_publish`.
"""

from . import freeze  # noqa: F401  (installs the guard on published reports)
from .consistency import Finding, is_blocked, needs_judgement  # noqa: F401
from .groups import (  # noqa: F401
    DEFAULT_GROUP, GroupError, GroupSpec, ItemSpec, replace_groups, spec_of,
)
from .incident_changes import (  # noqa: F401
    GUARDED, ALLOWED, ChangeNeedsApproval, pending_change, request_change, approve_change,
    reject_change, describe, guard_incident_fields,
)
from .regulator import (  # noqa: F401
    CASES, Deadline, regulator_deadlines, filings, record_filing, reporting_decision,
    decide_reporting, review_reporting, applicable_cases, deadline_status,
)
from .versions import (  # noqa: F401
    TEXT_FIELDS, FACT_FIELDS, CARRIED_OVER, content_hash, editors_of, record_edit,
)
from .public_reads import (  # noqa: F401
    PublicVersion, public_versions, active_versions, active_incidents, active_incident_ids, contact_versions,
    current_contact, public_incidents,
)
from .workflow import (  # noqa: F401
    FROZEN_MESSAGE, report_published, NoticeError, ReportFrozen, PublishBlocked, JudgementRequired, published_reports,
    latest_published, prospective_number, report_label, earlier_published, create_incident, start_draft, unsaved_draft,
    prefill, update_draft,
    findings_for, submit_for_approval, return_to_draft, approve_and_publish, delete_draft,
    require_role, ensure_editable,
)
