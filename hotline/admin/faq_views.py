"""Supervisor pages for the FAQ: entries with their votes, unanswered searches, editing."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required

from .. import faq
from ..extensions import db
from ..faq import search as faq_search
from ..models import FaqEntry, Role
from ..web.auth import role_required
from .faq_forms import FaqEntryForm

bp = Blueprint("faq_admin", __name__, url_prefix="/admin/faq")


@bp.before_request
@login_required
@role_required(Role.SUPERVISOR)
def require_supervisor():
    """FAQ management is for supervisors and admins."""


@bp.route("/")
def overview():
    """All entries with vote counts, and searches that found nothing or were not opened."""
    entries = db.session.scalars(db.select(FaqEntry).order_by(FaqEntry.category, FaqEntry.display_order)).all()
    return render_template("admin/faq_overview.html", entries=entries, misses=faq.unanswered_queries())


@bp.route("/new", methods=["GET", "POST"])
def create():
    """Write a new entry."""
    return _edit(None)


@bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
def edit(entry_id: int):
    """Edit an entry; the search index follows at once."""
    return _edit(db.get_or_404(FaqEntry, entry_id))


def _edit(entry: FaqEntry | None):
    """Shared create/edit handling."""
    form = FaqEntryForm(obj=entry)
    if form.validate_on_submit():
        try:
            saved = faq.save_entry(entry, form.values())
        except faq.FaqFileError as error:
            db.session.rollback()
            form.key.errors.append(str(error))
        else:
            db.session.commit()
            faq_search.sync([saved])
            flash("よくあるご質問を保存しました。検索にもすぐ反映されます。", "success")
            return redirect(url_for("faq_admin.overview"))
    page = render_template("admin/faq_edit.html", form=form, entry=entry)
    return page, 422 if form.errors else 200
