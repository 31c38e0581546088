"""Supervisor pages for the FAQ: entries with their votes, unanswered searches, editing."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import faq
from ..extensions import db
from ..faq import blocks as faq_blocks
from ..faq import markdown as faq_markdown
from ..faq import search as faq_search
from ..models import FaqChange, FaqEntry, Role, SearchStat
from ..models._types import as_id
from ..web.auth import role_required
from .display import jst
from .faq_forms import FaqEntryForm
from .forms import ActionForm

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
    return render_template("admin/faq_overview.html", entries=entries, misses=faq.unanswered_queries(),
                           changes=faq.pending_changes(), values_of=faq.values_of, jst=jst,
                           published=[e for e in entries if e.published], action_form=ActionForm())


@bp.route("/new", methods=["GET", "POST"])
def create():
    """Write a new entry."""
    return _edit(None)


@bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
def edit(entry_id: int):
    """Edit an entry; the search index follows at once."""
    return _edit(db.get_or_404(FaqEntry, entry_id))


def _edit(entry: FaqEntry | None):
    """Shared create/edit handling: the edit waits for a second supervisor before it is public."""
    waiting = faq.pending_for(entry) if entry is not None else None
    form = FaqEntryForm(data=_form_data(waiting)) if waiting and request.method == "GET" else FaqEntryForm(obj=entry)
    if form.validate_on_submit():
        try:
            change = faq.request_change(entry, form.values(), current_user)
        except faq.FaqChangeError as error:
            db.session.rollback()
            form.key.errors.append(str(error))
        else:
            db.session.commit()
            if change is None:
                flash("公開中の内容と同じため、変更はありません。", "success")
                return redirect(url_for("faq_admin.overview"))
            flash("承認待ちにしました。書いた方以外の責任者が承認すると公開され、検索にも反映されます。", "success")
            return redirect(url_for("faq_admin.change", change_id=change.id))
    page = render_template("admin/faq_edit.html", form=form, entry=entry, waiting=waiting)
    return page, 422 if form.errors else 200


def _form_data(change: FaqChange) -> dict:
    """A waiting change's values as the form takes them (the expiry as a date)."""
    values = dict(faq.values_of(change))
    values["expires_on"] = date.fromisoformat(values["expires_on"]) if values.get("expires_on") else None
    return values


@bp.route("/misses/<int:stat_id>", methods=["POST"])
def miss(stat_id: int):
    """One click on a search that did not help: add it as a phrasing of an entry, or set it aside."""
    stat = db.get_or_404(SearchStat, stat_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if request.form.get("action") == "aside":
        faq.set_aside(stat, "対象外")
        db.session.commit()
        flash(f"「{stat.query}」を一覧から外しました。", "success")
        return redirect(url_for("faq_admin.overview") + "#misses-heading")
    raw = request.form.get("entry_id", "")
    entry = db.session.get(FaqEntry, as_id(raw)) if as_id(raw) is not None else None
    if entry is None:
        flash("言い換えを加える質問を選んでください。", "error")
        return redirect(url_for("faq_admin.overview") + "#misses-heading")
    try:
        change = faq.add_phrasing(stat, entry, current_user)
    except faq.FaqChangeError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("faq_admin.overview") + "#misses-heading")
    db.session.commit()
    flash(f"「{stat.query}」を「{entry.question}」の言い換えに加える変更を、承認待ちにしました。", "success")
    return redirect(url_for("faq_admin.change", change_id=change.id) if change else url_for("faq_admin.overview"))


@bp.route("/changes/<int:change_id>")
def change(change_id: int):
    """A change waiting for approval: what it changes, line by line, and the decision."""
    return _change_page(db.get_or_404(FaqChange, change_id))


def _change_page(item: FaqChange, error: str = "", status: int = 200):
    """Render a change with its diff against the public entry."""
    return render_template("admin/faq_change.html", change=item, diff=faq.change_diff(item),
                           values=faq.values_of(item), shown=faq.change_hash(item), error=error,
                           answer_html=faq_markdown.render(faq_blocks.expand(faq.values_of(item).get("answer", ""))),
                           wrote_it=current_user.id in item.writer_ids, action_form=ActionForm(), jst=jst), status


@bp.route("/changes/<int:change_id>/approve", methods=["POST"])
def approve_change(change_id: int):
    """Publish the change as it was shown."""
    item = db.get_or_404(FaqChange, change_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        entry = faq.approve_change(item, current_user, request.form.get("shown", ""))
    except faq.FaqChangeError as error:
        db.session.rollback()
        return _change_page(db.get_or_404(FaqChange, change_id), str(error), 409)
    db.session.commit()
    faq_search.sync([entry])  # builds the index when this is its first entry
    flash("承認し、公開しました。検索にもすぐ反映されます。", "success")
    return redirect(url_for("faq_admin.overview"))


@bp.route("/changes/<int:change_id>/reject", methods=["POST"])
def reject_change(change_id: int):
    """Turn the change down (or withdraw one's own); the public entry stays."""
    item = db.get_or_404(FaqChange, change_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        faq.reject_change(item, current_user, request.form.get("note", "").strip())
    except faq.FaqChangeError as error:
        db.session.rollback()
        return _change_page(db.get_or_404(FaqChange, change_id), str(error), 409)
    db.session.commit()
    flash("変更を取り下げました。公開中の内容はそのままです。", "success")
    return redirect(url_for("faq_admin.overview"))
