"""Agents find a caller on the affected list: by notice number, member id, phone or email.

Exact matches only, and every search and every person shown is in the audit log.
Routes live on the agent blueprint (/agent/people…).
"""

from flask import abort, render_template, request
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from .. import affected, inquiries, notices
from ..extensions import db
from ..models import Inquiry
from ..models._types import MAX_ID
from ..notices import phrasing
from .views import bp

NOTICE_KINDS = {"sent": "送付", "printed": "印刷・郵送", "bounced": "メール不達", "returned": "郵便の返戻",
                "phone": "電話でお伝え", "answer": "回答でお伝え"}


@bp.route("/people", methods=["GET", "POST"])
def people():
    """The search form and its results (no personal data until a search is made).

    Phones and emails are searched by POST, so they never appear in a URL or an access
    log; a notice number (a reference, not contact data) may come in the query string.
    """
    form = FlaskForm()
    source = request.form if request.method == "POST" and form.validate_on_submit() else (
        request.args if request.args.get("kind") == "notice" else {})
    kind = source.get("kind", "notice")
    kind = kind if kind in affected.LOOKUP_KINDS else "notice"
    value = source.get("q", "")[:254]
    found = affected.find(inquiries.current_incident(), kind, value, current_user._get_current_object()) if value else []
    db.session.commit()
    return render_template("agent/people.html", kind=kind, value=value, found=found, searched=bool(value),
                           kinds=affected.LOOKUP_KINDS, form=form)


@bp.route("/people/<int:person_id>")
def person(person_id: int):
    """One person: groups, what the latest report says of them, notice history, their inquiries."""
    if person_id > MAX_ID:
        abort(404)
    shown = affected.open_person(person_id, current_user._get_current_object())
    if shown is None:
        abort(404)
    report, facts = affected.facts_for(shown)
    linked = db.session.scalars(select(Inquiry).where(Inquiry.notice_number == shown.notice_number)
                                .order_by(Inquiry.id.desc()).limit(20)).all()
    db.session.commit()
    return render_template("agent/person.html", person=shown, report=report, facts=facts,
                           history=affected.history(shown), linked=linked, kinds=NOTICE_KINDS,
                           format_date=phrasing.format_date, items=affected.items_sentence(facts),
                           phone_display=affected.phone_display,
                           report_label=notices.report_label(report) if report else "")
