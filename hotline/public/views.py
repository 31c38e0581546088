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


def _last_change(incidents: list[Incident]):
    """When the newest published report among these incidents appeared."""
    return newest(*(r.published_at for i in incidents for r in notices.published_reports(i)),
                  *(i.updated_at for i in incidents))


def _version(incidents: list[Incident]) -> tuple[str, object]:
    """(ETag, Last-Modified) of a page showing these incidents and their published reports.

    A page that shows a contact schedule says today's hours, so it changes at midnight in Japan.
    """
    parts = tuple((i.id, i.updated_at, tuple((r.id, r.published_at) for r in notices.published_reports(i)))
                  for i in incidents)
    last = _last_change(incidents)
    if any(i.contact_schedule for i in incidents):
        day = contact_window.today_in_japan()
        parts += (day.isoformat(),)
        midnight = datetime.combine(day, time(0), contact_window.JST).astimezone(timezone.utc).replace(tzinfo=None)
        last = newest(last, midnight)
    return page_tag(parts), last


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
    incidents = notices.active_incidents()
    version = _version(incidents)
    if (unchanged := not_modified(*version)) is not None:
        return unchanged
    return _render("public/index.html", version, lambda: {"banners": _banners(incidents)})


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
    incidents = notices.public_incidents()
    version = _version(incidents)
    if (unchanged := not_modified(*version)) is not None:
        return unchanged
    return _render("public/notices.html", version, lambda: {"rows": [
        {"incident": i, "aware_on": phrasing.format_date(i.aware_on),
         "reports": [{"report": r, "label": notices.report_label(r), "date": report_view.jst_date(r.published_at)}
                     for r in notices.published_reports(i)]} for i in incidents]})


@bp.route("/notices/<slug>/")
@public
def incident(slug: str):
    """The latest report in full, with the timeline of every report."""
    item = _incident_or_404(slug)
    version = _version([item])
    if (unchanged := not_modified(*version)) is not None:
        return unchanged
    return _render("public/report.html", version, lambda: {
        "is_incident_page": True, "q": "", **report_context(item, notices.latest_published(item))})


@bp.route("/notices/<slug>/<int:number>")
@public
def report(slug: str, number: int):
    """One published report, kept at this address for good."""
    item = _incident_or_404(slug)
    found = next((r for r in notices.published_reports(item) if r.number == number), None)
    if found is None:
        abort(404)
    version = _version([item])
    if (unchanged := not_modified(*version)) is not None:
        return unchanged
    return _render("public/report.html", version, lambda: {
        "is_incident_page": False, "q": "", **report_context(item, found)})


@bp.route("/notices/feed.atom")
@public
def feed():
    """An Atom feed of published reports, newest first."""
    incidents = notices.public_incidents()
    tag, updated = _version(incidents)
    if (unchanged := not_modified(tag, updated)) is not None:
        return unchanged
    body = page_cache.rendered(tag, lambda: render_template("public/feed.xml", items=_feed_items(incidents),
                                                            updated=updated))
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
