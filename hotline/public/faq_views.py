"""Public FAQ pages: list, entry, search, votes, suggestions. No login, no JavaScript needed."""

import hashlib
import secrets

from flask import (Blueprint, abort, current_app, flash, jsonify, make_response, redirect, render_template, request,
                   url_for)
from flask_wtf import FlaskForm
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import TooManyRequests
from wtforms import HiddenField

from .. import faq, notices, throttle
from ..extensions import csrf, db, driver_rows, write_after_reads
from ..faq import search as faq_search
from ..faq import stats as search_stats
from ..inquiries import stats as inquiry_stats
from ..models import FaqEntry, TextBlock
from ..models._types import still_valid, today_in_japan
from ..web.auth import client_address
from ..web.security import public, same_origin
from . import page_cache
from .caching import cacheable, newest, not_modified, page_tag

bp = Blueprint("faq", __name__, url_prefix="/faq")
VOTER_COOKIE = "faq_voter"
SUGGEST_LIMIT = 5
HOUR = 3600


class VoteForm(FlaskForm):
    """Was this helpful? yes/no.

    No CSRF token: the entry page is the same for every visitor, so it can be served from
    a cache; a vote sent from another site is refused by its Origin instead (an anonymous
    vote is worth no more than one anybody can send directly, and votes are limited per
    browser and address).
    """

    class Meta:
        csrf = False

    helpful = HiddenField()


_LIVE_ENTRY = select(FaqEntry.id).where(FaqEntry.key == bindparam("key"), FaqEntry.published.is_(True),
                                        still_valid(FaqEntry.expires_on, bindparam("day", type_=FaqEntry.expires_on.type)))


def _live_or_404(key: str) -> int:
    """The id of the published, unexpired entry with this key, or 404 (one indexed read, for
    a page whose body is usually kept for its version)."""
    found = driver_rows(_LIVE_ENTRY, {"key": key, "day": today_in_japan()})
    if not found:
        abort(404)
    return found[0].id


def _entry_or_404(key: str) -> FaqEntry:
    """A published, unexpired entry by its key, or 404."""
    return db.session.get(FaqEntry, _live_or_404(key))


def _contact() -> dict:
    """The contact window of the newest active incident, for 'ask us' links."""
    incidents = notices.active_incidents()
    report = notices.latest_published(incidents[0]) if incidents else None
    return {"report": report, "incident": incidents[0] if incidents else None}


def _count(query: str, **what) -> None:
    """Note a search or an opened result for the statistics unless the query looks personal."""
    if not faq_search.query_problem(query) and faq_search.worth_counting(query):
        search_stats.note(faq_search.query_key(query), client_address(), **what)


@bp.after_request
def _write_statistics(response):
    """What this process noted is written by an FAQ page read every few seconds, after it was
    rendered; if the database refuses, the page is still sent and those counts are lost."""
    if request.method == "GET" and search_stats.due(current_app.config["SEARCH_STATS_SECONDS"]):
        try:
            with write_after_reads():  # the commit expires what the page read
                search_stats.flush(current_app.config["SEARCH_STATS_PER_HOUR"])
        except SQLAlchemyError:
            current_app.logger.exception("search statistics not written")
    return response


def _faq_version(*parts) -> tuple[str, object]:
    """(ETag, Last-Modified) of an FAQ page showing `parts`.

    It changes when any entry or shared text block changes (an entry links its related
    entries and shows the contact of the newest incident), when an incident's latest report
    changes, and at midnight in Japan (entries expire by date).
    """
    count, changed, blocks = driver_rows(_FAQ_VERSION)[0]
    tag = page_tag(count, changed, blocks, notices.contact_versions(), today_in_japan().isoformat(), *parts)
    return tag, newest(changed, blocks)


_FAQ_VERSION = select(func.count(FaqEntry.id), func.max(FaqEntry.updated_at),
                      select(func.max(TextBlock.approved_at)).scalar_subquery())


@bp.route("/")
@public
def index():
    """Categories, most-asked first, each entry expandable."""
    usage = inquiry_stats.faq_usage()
    version = _faq_version(sorted(usage.items()))
    if (unchanged := not_modified(*version)) is not None:
        return unchanged
    body = page_cache.rendered(version[0], lambda: render_template(
        "faq/index.html", groups=faq.entries_by_category(usage), q="", **_contact()))
    return cacheable(make_response(body), version[1], version[0])


def _published() -> dict:
    """The published entries searches check their hits against, read at most every
    PAGE_CACHE_SECONDS per worker (as stale as the front cache may be; dropped with it when
    a staff write on this worker starts the cache afresh)."""
    return page_cache.for_seconds("faq-published", faq_search.published_rows)


@bp.route("/search")
@public
def search():
    """Search results with highlighted matches; clear messages for unusable queries."""
    q = request.args.get("q", "")
    problem = faq_search.query_problem(q)
    hits = [] if problem else faq_search.search_faq(q.strip(), published=_published)
    strong, weak = faq_search.split_weak(hits)
    if not hits and not problem:  # no shared word: the entries closest in meaning, as weaker candidates
        weak = faq_search.related_faq(q.strip(), published=_published)
    page = render_template("faq/search.html", q=q[:faq_search.MAX_QUERY_LENGTH * 2], problem=problem,
                           hits=strong, weak=weak,
                           report=page_cache.for_seconds("search-contact", notices.current_contact))
    _count(q, hits=len(hits))
    return page


@bp.route("/<key>")
@public
def entry(key: str):
    """One entry with related entries, a vote form and a link to ask us."""
    _live_or_404(key)
    came_from = request.args.get("q", "")
    if came_from:
        _count(came_from, opened=True)
    voted = request.args.get("voted") == "1"
    version = _faq_version(key, voted)
    if (unchanged := not_modified(*version)) is not None:
        return unchanged

    def render():
        item = _entry_or_404(key)
        related = [h.entry for h in faq_search.search_faq(item.question, limit=6) if h.entry.id != item.id][:4]
        return render_template("faq/entry.html", entry=item, related=related, form=VoteForm(), voted=voted, q="",
                               **_contact())
    return cacheable(make_response(page_cache.rendered(version[0], render)), version[1], version[0])


@bp.route("/<key>/vote", methods=["POST"])
@public
@csrf.exempt
def vote(key: str):
    """Count one yes/no per entry per browser."""
    item = _entry_or_404(key)
    form = VoteForm()
    if not same_origin() or not form.validate_on_submit() or form.helpful.data not in ("yes", "no"):
        abort(400)
    if not throttle.hit("vote", client_address(), current_app.config["VOTES_PER_HOUR"], HOUR):
        raise TooManyRequests(retry_after=throttle.retry_after("vote", client_address(), HOUR))
    token = request.cookies.get(VOTER_COOKIE) or secrets.token_urlsafe(24)
    voter = hashlib.sha256(token.encode()).hexdigest()
    counted = faq.record_vote(item, voter, form.helpful.data == "yes")
    db.session.commit()
    flash("ご回答ありがとうございました。" if counted else "この質問には既にご回答いただいています。", "info")
    response = redirect(url_for("faq.entry", key=key, voted=1) + "#vote")
    response.set_cookie(VOTER_COOKIE, token, max_age=365 * 86400, httponly=True, samesite="Lax",
                        secure=request.is_secure)
    return response


@bp.route("/suggest")
@public
def suggest():
    """Top entries for a partial question, as JSON, for the inquiry form."""
    q = request.args.get("q", "")
    if faq_search.query_problem(q):
        return jsonify(results=[])
    hits = faq_search.search_faq(q.strip(), limit=SUGGEST_LIMIT, published=_published)
    return jsonify(results=[{"id": h.entry.key, "question": h.entry.question,
                             "url": url_for("faq.entry", key=h.entry.key)} for h in hits])
