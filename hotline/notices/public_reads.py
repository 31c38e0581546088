"""What public pages and every post read of incidents and their published reports, in a
few columns and as few statements as possible: these reads run on every request the crowd
makes (the version of a page, the contact window, the incident an inquiry is about)."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, select

from ..extensions import db, driver_rows
from ..models import Incident, IncidentStatus, Report, ReportState
from . import contact_window


@dataclass(frozen=True)
class PublicVersion:
    """What a public page of one incident depends on: the incident's row and, oldest first,
    (id, number, published_at) of each published report."""

    id: int
    updated_at: datetime
    status: IncidentStatus
    contact_schedule: str
    reports: tuple[tuple[int, int, datetime], ...]


def public_versions(slug: str | None = None) -> list[PublicVersion]:
    """PublicVersion of every incident with a published report (or of the one with `slug`),
    newest first, in one statement."""
    rows = driver_rows(_VERSIONS) if slug is None else driver_rows(_VERSION_OF, {"slug": slug})
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(row.id, [row, []])[1].append((row.report, row.number, row.published_at))
    return [PublicVersion(row.id, row.updated_at, row.status, row.contact_schedule, tuple(reports))
            for row, reports in grouped.values()]


def active_versions(today: date | None = None) -> list[PublicVersion]:
    """public_versions of the active incidents (see active_incidents)."""
    day = today or contact_window.today_in_japan()
    return [v for v in public_versions() if _active(v.status, v.contact_schedule, day)]


def active_incidents(today: date | None = None) -> list[Incident]:
    """Incidents with a published report that are still handled, or whose contact window is still open."""
    day = today or contact_window.today_in_japan()
    return [i for i in public_incidents() if _active(i.status, i.contact_schedule, day)]


def active_incident_ids(today: date | None = None) -> list[int]:
    """The ids of active_incidents, newest first, read as three columns (what every inquiry
    post asks, so no incident object is loaded)."""
    day = today or contact_window.today_in_japan()
    return [row.id for row in driver_rows(_PUBLIC_COLUMNS) if _active(row.status, row.contact_schedule, day)]


def contact_versions(today: date | None = None) -> list[tuple]:
    """(id, updated_at, id of the latest published report) of each active incident, newest
    first, in one statement: what a page showing the contact window depends on."""
    return [(v.id, v.updated_at, v.reports[-1][0]) for v in active_versions(today)]


def current_contact(today: date | None = None):
    """The contact window of the newest active incident as its latest published report gives it
    (a row with contact_phone, contact_hours, contact_form_url), or None; read in one statement
    of a few columns, for pages searched by the crowd that show only this."""
    day = today or contact_window.today_in_japan()
    # every published report, newest incident first and its latest report first: the first
    # row of an active incident is the one (the rows of one incident are all active or none)
    return next((row for row in db.session.execute(_CONTACT) if _active(row.status, row.contact_schedule, day)), None)


def _active(status: IncidentStatus, schedule: str, day: date) -> bool:
    """Still handled, or its contact window still open."""
    return status is IncidentStatus.ACTIVE or contact_window.is_open_window(schedule, day)


_PUBLISHED = select(Report.id).where(Report.incident_id == Incident.id, Report.state == ReportState.PUBLISHED).exists()
_PUBLIC_COLUMNS = (select(Incident.id, Incident.status, Incident.contact_schedule).where(_PUBLISHED)
                   .order_by(Incident.aware_on.desc()))


_CONTACT = (select(Incident.id.label("incident"), Incident.status, Incident.contact_schedule, Report.contact_phone,
                   Report.contact_hours, Report.contact_form_url)
            .join(Report, (Report.incident_id == Incident.id) & (Report.state == ReportState.PUBLISHED))
            .order_by(Incident.aware_on.desc(), Incident.id, Report.number.desc()))


def public_incidents() -> list[Incident]:
    """Every incident with a published report, newest first (without loading any report)."""
    return list(db.session.scalars(select(Incident).where(_PUBLISHED).order_by(Incident.aware_on.desc())))


_VERSION_COLUMNS = (select(Incident.id, Incident.updated_at, Incident.status, Incident.contact_schedule,
                           Report.id.label("report"), Report.number, Report.published_at)
                    .join(Report, (Report.incident_id == Incident.id) & (Report.state == ReportState.PUBLISHED)))
_VERSIONS = _VERSION_COLUMNS.order_by(Incident.aware_on.desc(), Incident.id, Report.number)
_VERSION_OF = _VERSION_COLUMNS.where(Incident.slug == bindparam("slug")).order_by(Report.number)
