"""The public inquiry window: the form, the receipt page, the status lookup, the privacy notice.

No login and no JavaScript needed. Responses hold personal data or CSRF tokens, so
none of them may be cached.
"""

import re
import secrets
import time

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError

from .. import faq, inquiries, notices, throttle
from ..extensions import db, reads_first
from ..faq import search as faq_search
from ..inquiries import mail_texts as inquiry_mail
from ..notices import report_view
from ..web.auth import client_address
from ..web.security import public
from .inquiry_forms import ContactForm, InquiryForm, StatusForm

bp = Blueprint("inquiry", __name__, url_prefix="/inquiry")
RECEIPT_KEY = "inquiry_receipt"
RECEIPT_SECONDS = 30 * 60  # a reload within this time shows the receipt again (a phone-only sender has no other copy)
HOUR = 3600


_LINK = re.compile(r"(https?://[^\s<>「」（）()、。]+|(?<![\w/])/(?:notices|faq|inquiry)[^\s<>「」（）()、。]*)")


def linked(text: str) -> list[list[tuple[str, str]]]:
    """Lines of an answer as (text, href) pieces: web addresses and this site's pages become links."""
    lines = []
    for line in (text or "").split("\n"):
        pieces, position = [], 0
        for match in _LINK.finditer(line):
            pieces.append((line[position:match.start()], ""))
            pieces.append((match.group(0), match.group(0)))
            position = match.end()
        pieces.append((line[position:], ""))
        lines.append([p for p in pieces if p[0]])
    return lines


def _page(template: str, status: int = 200, **context):
    """Render with the contact window of the current incident, and forbid caching."""
    incident = inquiries.current_incident()
    report = notices.latest_published(incident) if incident else None
    phone = report.contact_phone if report else ""
    context.update(contact_phone=phone, contact_hours=report.contact_hours if report else "",
                   contact_tel=report_view.tel_uri(phone), linked=linked,
                   received_on=lambda inquiry: report_view.jst(inquiry.created_at))
    response = make_response(render_template(template, **context), status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _too_many(bucket: str, what: str):
    """The 429 page: what happened, when to try again, and the phone number for what cannot wait."""
    seconds = throttle.retry_after(bucket, client_address(), HOUR)
    db.session.rollback()
    response = _page("inquiry/limited.html", status=429, what=what, minutes=max(1, (seconds + 59) // 60))
    response.headers["Retry-After"] = str(seconds)
    return response


@bp.route("", methods=["GET", "POST"])
@public
def form():
    """Show the form; on a valid post store the inquiry and its mail, then show the receipt."""
    form = InquiryForm()
    address, cfg = client_address(), current_app.config
    incident_id = None
    if form.is_submitted():
        # Every post counts against a high ceiling; only accepted inquiries (and filled
        # honeypots) against the limit, so a customer fixing a mistake is never locked out.
        # The post's event is committed with the inquiry, or on its own when nothing is stored.
        # What decides the post is read before the write transaction (reads_first).
        ceiling, limit = cfg["INQUIRY_POSTS_PER_HOUR"], cfg["INQUIRY_LIMIT_PER_HOUR"]
        with reads_first():
            seen = throttle.counts({"inquiry_post": ceiling, "inquiry": limit}, address, HOUR)
            incident_id = inquiries.current_incident_id()
        throttle.record("inquiry_post", address)
        if seen["inquiry_post"] >= ceiling:
            db.session.commit()
            return _too_many("inquiry_post", "inquiry")
        if seen["inquiry"] >= limit:
            db.session.commit()
            return _too_many("inquiry", "inquiry")
        if form.website.data:
            throttle.record("inquiry", address)
            db.session.commit()
            abort(400)
    if not form.token.data:
        form.token.data = secrets.token_urlsafe(24)
    if not form.is_submitted() and request.args.get("from_q"):
        form.from_q.data = request.args.get("from_q", "")[:200]
    if form.validate_on_submit():
        session[RECEIPT_KEY] = _store(form, address, incident_id)
        return redirect(url_for("inquiry.thanks"), 303)
    if form.is_submitted():
        db.session.commit()  # the refused post still counts against the ceiling
    return _page("inquiry/form.html", form=form)


def _receipt(inquiry) -> dict:
    """What the receipt page shows (read before the commit, which would expire the object)."""
    token = getattr(inquiry, "status_token", "")
    return {"receipt": inquiry.receipt, "email": bool(inquiry.email), "reply_by": inquiry.reply_by.value,
            "urgent": inquiry.urgent, "status_url": url_for("inquiry.status_link", token=token) if token else "",
            "at": time.time()}


def _store(form: InquiryForm, address: str, incident_id: int | None) -> dict:
    """Save the inquiry, its mail and its rate events in one commit; a double submit finds the first one.

    The submission token is unique in the database, so a second post of the same form
    (a double click, a retry after a lost response, two workers at once) fails its insert
    and shows the first inquiry's receipt instead of storing it twice.
    """
    try:
        inquiry = inquiries.receive({**form.values(), "submission_token": form.token.data}, incident_id=incident_id,
                                    before_write=inquiry_mail.queue_confirmation)
        throttle.record("inquiry", address)
        searched = form.from_q.data or ""
        if searched and not faq_search.query_problem(searched) and faq_search.worth_counting(searched):
            faq.record_search_inquiry(faq_search.query_key(searched))
        if inquiry.urgent:
            inquiry_mail.queue_oncall_alert(inquiry)
        receipt = _receipt(inquiry)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        inquiry = inquiries.by_submission(form.token.data)
        if inquiry is None:
            raise
        receipt = _receipt(inquiry)
        throttle.record("inquiry_post", address)  # the rollback took this post's event with it
        db.session.commit()
    return receipt


@bp.route("/thanks")
@public
def thanks():
    """The receipt number right after sending, again on reloads for a while, until the sender hides it."""
    shown = session.get(RECEIPT_KEY)
    if not shown or time.time() - shown.get("at", 0) > RECEIPT_SECONDS:
        session.pop(RECEIPT_KEY, None)
        return redirect(url_for("inquiry.status"))
    return _page("inquiry/thanks.html", shown=shown, minutes=RECEIPT_SECONDS // 60, hide_form=FlaskForm())


@bp.route("/thanks/hide", methods=["POST"])
@public
def thanks_hide():
    """The sender noted the number: this browser stops showing it (a shared computer keeps nothing)."""
    if FlaskForm().validate_on_submit():
        session.pop(RECEIPT_KEY, None)
    return redirect(url_for("inquiry.status"), 303)


@bp.route("/status", methods=["GET", "POST"])
@public
def status():
    """Receipt number plus email or phone → status and, once answered, the answer."""
    form = StatusForm()
    found, not_found = None, False
    if form.is_submitted():
        if not throttle.hit("status", client_address(), current_app.config["STATUS_LIMIT_PER_HOUR"], HOUR):
            return _too_many("status", "status")
    if form.validate_on_submit():
        found = inquiries.lookup(form.receipt.data, form.contact.data)
        not_found = found is None
    return _page("inquiry/status.html", form=form, found=found, not_found=not_found)


@bp.route("/status/<token>", methods=["GET", "POST"])
@public
def status_link(token: str):
    """The customer's own status link (128-bit token) plus their email or phone."""
    form = ContactForm()
    found, not_found = None, False
    if form.is_submitted():
        if not throttle.hit("status", client_address(), current_app.config["STATUS_LIMIT_PER_HOUR"], HOUR):
            return _too_many("status", "status")
    if form.validate_on_submit():
        found = inquiries.lookup_by_token(token, form.contact.data)
        not_found = found is None
    response = _page("inquiry/status.html", form=form, found=found, not_found=not_found, by_link=True)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/privacy")
@public
def privacy():
    """What is kept, why, and for how long."""
    return _page("inquiry/privacy.html")
