"""Public notice pages: the top page, the incident list, each incident, each report, the feed.

No login, no JavaScript; every page sends validators so it can be cached.
"""

from datetime import datetime, time, timezone

from flask import Blueprint, abort, make_response, render_template
from sqlalchemy import select

from .. import notices
from ..extensions import db
from ..models import Incident, Report
from ..notices import contact_window, page, phrasing, report_view
from ..web.security import public
from . import page_cache
from .caching import cacheable, newest, not_modified, page_tag

bp = Blueprint("public", __name__)
FEED_SIZE = 50


def _incident_or_404(slug: str) -> Incident:
    """An incident that has at least one published report, or 404."""
    incident = db.session.scalar(select(Incident).filter_by(slug=slug))
    if incident is None or notices.latest_published(incident) is None:
        abort(404)
    return incident


def _version(versions) -> tuple[str, object]:
    """(ETag, Last-Modified) of a page showing these incidents (notices.PublicVersion) and
    their published reports.

    A page that shows a contact schedule says today's hours, so it changes at midnight in Japan.
    """
    parts = tuple((v.id, v.updated_at, tuple((report, published) for report, _number, published in v.reports))
                  for v in versions)
    last = newest(*(published for v in versions for _report, _number, published in v.reports),
                  *(v.updated_at for v in versions))
    if any(v.contact_schedule for v in versions):
        day = contact_window.today_in_japan()
        parts += (day.isoformat(),)
        midnight = datetime.combine(day, time(0), contact_window.JST).astimezone(timezone.utc).replace(tzinfo=None)
        last = newest(last, midnight)
    return page_tag(parts), last


def _versions_or_404(slug: str) -> list:
    """The PublicVersion of an incident that has at least one published report, or 404."""
    versions = notices.public_versions(slug)
    if not versions:
        abort(404)
    return versions


def window_today(incident: Incident):
    """The contact window as of today in Japan, or None without a schedule."""
    return contact_window.window_on(incident.contact_schedule, contact_window.today_in_japan())


def _render(template: str, version: tuple[str, object], context):
    """A public page for this version, rendered once per worker (`context()` is called only then), made cacheable."""
    tag, last_modified = version
    body = page_cache.rendered(tag, lambda: render_template(template, **context()))
    return cacheable(make_response(body), last_modified, tag)


def report_context(incident: Incident, report: Report) -> dict:
    """Everything a report page shows, as plain values (also used by the static export)."""
    reports = notices.published_reports(incident)
    position = reports.index(report)
    return {
        **page.article(report),
        "incident": incident,
        "published": report_view.jst(report.published_at),
        "timeline": [{"report": r, "label": notices.report_label(r), "date": report_view.jst_date(r.published_at),
                      "current": r.id == report.id} for r in reports],
        "latest": reports[-1],
        "latest_label": notices.report_label(reports[-1]),
        "next": reports[position + 1] if position + 1 < len(reports) else None,
        "aware_on": phrasing.format_date(incident.aware_on),
        "window": window_today(incident),
    }


@bp.route("/")
@public
def index():
    """Top page: a prominent banner for each active incident, linking its latest report."""
    version = _version(notices.active_versions())
    if (unchanged := not_modified(*version)) is not None:
        return unchanged
    return _render("public/index.html", version, lambda: {"banners": _banners(notices.active_incidents())})


def _banners(incidents: list[Incident]) -> list[dict]:
    """What the top page says of each active incident."""
    banners = [{"incident": i, "report": notices.latest_published(i)} for i in incidents]
    for banner in banners:
        banner["label"] = notices.report_label(banner["report"])
        banner["date"] = report_view.jst_date(banner["report"].published_at)
        banner["tel"] = report_view.tel_uri(banner["report"].contact_phone)
        banner["window"] = window_today(banner["incident"])
    return banners


@bp.route("/notices/")
@public
def notices_list():
    """All incidents with published reports, newest first."""
    version = _version(notices.public_versions())
    if (unchanged := not_modified(*version)) is not None:
        return unchanged
    return _render("public/notices.html", version, lambda: {"rows": [
        {"incident": i, "aware_on": phrasing.format_date(i.aware_on),
         "reports": [{"report": r, "label": notices.report_label(r), "date": report_view.jst_date(r.published_at)}
                     for r in notices.published_reports(i)]} for i in notices.public_incidents()]})


@bp.route("/notices/<slug>/")
@public
def incident(slug: str):
    """The latest report in full, with the timeline of every report."""
    version = _version(_versions_or_404(slug))
    if (unchanged := not_modified(*version)) is not None:
        return unchanged

    def context():
        item = _incident_or_404(slug)
        return {"is_incident_page": True, "q": "", **report_context(item, notices.latest_published(item))}
    return _render("public/report.html", version, context)


@bp.route("/notices/<slug>/<int:number>")
@public
def report(slug: str, number: int):
    """One published report, kept at this address for good."""
    versions = _versions_or_404(slug)
    if all(report_number != number for _report, report_number, _published in versions[0].reports):
        abort(404)
    version = _version(versions)
    if (unchanged := not_modified(*version)) is not None:
        return unchanged

    def context():
        item = _incident_or_404(slug)
        found = next((r for r in notices.published_reports(item) if r.number == number), None)
        if found is None:  # withdrawn since the version was read
            abort(404)
        return {"is_incident_page": False, "q": "", **report_context(item, found)}
    return _render("public/report.html", version, context)


@bp.route("/notices/feed.atom")
@public
def feed():
    """An Atom feed of published reports, newest first."""
    tag, updated = _version(notices.public_versions())
    if (unchanged := not_modified(tag, updated)) is not None:
        return unchanged
    body = page_cache.rendered(tag, lambda: render_template(
        "public/feed.xml", items=_feed_items(notices.public_incidents()), updated=updated))
    response = make_response(body)
    response.mimetype = "application/atom+xml"
    return cacheable(response, updated, tag)


def _feed_items(incidents: list[Incident]) -> list[dict]:
    """The newest published reports of these incidents, for the feed."""
    entries = sorted(((i, r) for i in incidents for r in notices.published_reports(i)),
                     key=lambda pair: pair[1].published_at, reverse=True)[:FEED_SIZE]
    return [{"incident": i, "report": r, "label": notices.report_label(r), "summary": _feed_summary(r)}
            for i, r in entries]


def _feed_summary(report: Report) -> str:
    """A few plain sentences for feed readers: correction first, then the key facts."""
    parts = report_view.paragraphs(report.correction)[:1]
    parts += report_view.paragraphs(report.situation)[:1]
    parts.append(phrasing.groups_sentence(report))
    return "\n".join(parts)
