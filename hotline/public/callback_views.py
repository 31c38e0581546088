"""The public callback page (折り返しのご予約): pick a slot, leave a number, get a number back.

What an IVR message or an SMS links to when the line is saturated. No login, no JavaScript.
"""

import time

from flask import Blueprint, abort, current_app, redirect, session, url_for

from .. import callbacks, throttle
from ..extensions import db
from ..models import InquiryCategory
from ..web.auth import client_address
from ..web.form_filters import SelectChoice
from ..web.security import public
from .callback_forms import CallbackForm
from .inquiry_views import HOUR, _page, _too_many

bp = Blueprint("callback", __name__, url_prefix="/callback")
BOOKED_KEY = "callback_booked"
BOOKED_SECONDS = 30 * 60


def _days(slots) -> list[tuple[str, list]]:
    """Open slots grouped by day, in order."""
    days: dict[str, list] = {}
    for slot in slots:
        days.setdefault(slot.day, []).append(slot)
    return list(days.items())


@bp.route("", methods=["GET", "POST"])
@public
def form():
    """The booking form; a valid post books the slot and shows the callback number."""
    form = CallbackForm()
    slots = callbacks.open_slots()
    form.slot.choices = [SelectChoice(s.value, s.label) for s in slots]
    address, cfg = client_address(), current_app.config
    error = ""
    if form.is_submitted():
        if not throttle.hit("callback_post", address, cfg["INQUIRY_POSTS_PER_HOUR"], HOUR):
            return _too_many("callback_post", "callback")
        if throttle.count("callback", address, HOUR) >= cfg["CALLBACK_LIMIT_PER_HOUR"]:
            return _too_many("callback", "callback")
        if form.website.data:
            throttle.record("callback", address)
            db.session.commit()
            abort(400)
    if form.validate_on_submit():
        slot = callbacks.parse_slot(form.slot.data)
        try:
            booked = callbacks.book(form.phone.data, slot, InquiryCategory(form.category.data),
                                    form.name.data or "", form.email.data or "", form.note.data or "")
        except (callbacks.CallbackError, ValueError) as problem:
            db.session.rollback()
            error = str(problem) if isinstance(problem, callbacks.CallbackError) else "入力内容をご確認ください。"
            form.slot.choices = [SelectChoice(s.value, s.label) for s in callbacks.open_slots()]
        else:
            throttle.record("callback", address)
            db.session.commit()
            session[BOOKED_KEY] = {"number": booked.number, "slot": callbacks.slot_label(
                booked.slot_at, cfg["CALLBACK_SLOT_MINUTES"]), "email": bool(booked.email), "at": time.time()}
            return redirect(url_for("callback.thanks"), 303)
    db.session.commit()
    return _page("callback/form.html", form=form, days=_days(slots), error=error,
                 status=422 if (form.errors or error) else 200)


@bp.route("/thanks")
@public
def thanks():
    """The callback number and time, again on reloads for a while."""
    shown = session.get(BOOKED_KEY)
    if not shown or time.time() - shown.get("at", 0) > BOOKED_SECONDS:
        session.pop(BOOKED_KEY, None)
        return redirect(url_for("callback.form"))
    return _page("callback/thanks.html", shown=shown)
