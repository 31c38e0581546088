"""Published reports checked again after the fact, for whatever reached the public by a side door.

The database itself refuses a publication without a second person (migration
b7c8d9e00034) and any change to published text, but the wording rules (a provisional
fact worded as final, a contradiction without a 訂正) need the Japanese analysis and run
in the application only. Someone with raw SQL access can still move a draft through
承認待ち to 公開 with another account as approver. Such a report has no publication in
the audit log, and it may carry findings that would have blocked it: `irregular_reports`
finds both, `flask notices verify` prints them and exits 1, for a scheduled check.
"""

from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..models import AuditEvent, Incident, Report, ReportState
from .consistency import BLOCKING
from .workflow import findings_for, report_label

NOT_PUBLISHED_HERE = ("公開の記録が監査ログにありません。アプリケーションの承認を経ずに、"
                      "データベースの直接操作で公開された可能性があります。")


@dataclass
class Irregularity:
    """One published report and what is wrong with it (Japanese sentences)."""

    report: Report
    label: str
    problems: list[str]


def irregular_reports() -> list[Irregularity]:
    """Every published report that was not published by its approver through the application,
    or that the consistency check would block today, oldest first per incident."""
    published = db.session.scalars(select(Report).join(Incident).where(Report.state == ReportState.PUBLISHED)
                                   .order_by(Incident.id, Report.number)).all()
    logged = set(db.session.execute(select(AuditEvent.target_id, AuditEvent.user_id).where(
        AuditEvent.action == "publish", AuditEvent.target_type == "report")).all())
    found = []
    for report in published:
        problems = [] if (str(report.id), report.approver_id) in logged else [NOT_PUBLISHED_HERE]
        problems += [f.message for f in findings_for(report) if f.severity == BLOCKING]
        if problems:
            found.append(Irregularity(report, f"{report.incident.title} {report_label(report)}（ID {report.id}）",
                                      problems))
    return found
