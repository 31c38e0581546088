"""Supervisor pages for shared text blocks ({文面:名前}): the list, one block with its
where-used list and the waiting edit, writing, approving and withdrawing.

Routes live on the FAQ blueprint (/admin/faq/blocks…).
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..extensions import db
from ..faq import blocks
from ..faq import search as faq_search
from ..models import TextBlock
from ..textdiff import line_diff
from .display import jst
from .faq_views import bp
from .forms import ActionForm


@bp.route("/blocks")
def block_list():
    """Every block, the waiting ones first."""
    rows = db.session.scalars(db.select(TextBlock).order_by(TextBlock.pending_body.is_(None), TextBlock.name)).all()
    return render_template("admin/blocks.html", rows=rows, jst=jst)


@bp.route("/blocks/new", methods=["GET", "POST"])
def block_new():
    """Write a new block (it is usable once another supervisor approves it)."""
    return _edit(None)


@bp.route("/blocks/<int:block_id>", methods=["GET", "POST"])
def block(block_id: int):
    """One block: its text, where it is used, the waiting edit with a diff, and the form."""
    return _edit(db.get_or_404(TextBlock, block_id))


def _edit(item: TextBlock | None):
    """Shared page for a new block and an existing one."""
    form, error = ActionForm(), ""
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            item = blocks.request_edit(item, request.form.get("name", ""), request.form.get("body", ""), current_user)
        except blocks.BlockError as problem:
            db.session.rollback()
            error = str(problem)
        else:
            db.session.commit()
            flash("承認待ちにしました。書いた方以外の責任者が承認すると、使っているすべての回答とFAQに反映されます。", "success")
            return redirect(url_for("faq_admin.block", block_id=item.id))
    templates, entries = blocks.where_used(item) if item is not None else ([], [])
    diff = line_diff(item.body, item.pending_body) if item is not None and item.pending_body is not None else []
    page = render_template("admin/block.html", block=item, templates=templates, entries=entries, diff=diff,
                           form=form, error=error, typed=request.form, jst=jst,
                           shown=blocks.pending_hash(item) if item is not None else "",
                           wrote_it=item is not None and item.pending_by_id == current_user.id)
    return page, 422 if error else 200


@bp.route("/blocks/<int:block_id>/approve", methods=["POST"])
def block_approve(block_id: int):
    """Put the waiting text in use everywhere; templates using it are flagged for review."""
    item = db.get_or_404(TextBlock, block_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        entries = blocks.approve_edit(item, current_user, request.form.get("shown", ""))
    except blocks.BlockError as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(url_for("faq_admin.block", block_id=block_id))
    db.session.commit()
    if entries:
        faq_search.sync(entries)
    flash("承認しました。使っているすべての回答テンプレートとFAQに反映しました（テンプレートは要確認になります）。", "success")
    return redirect(url_for("faq_admin.block", block_id=block_id))


@bp.route("/blocks/<int:block_id>/withdraw", methods=["POST"])
def block_withdraw(block_id: int):
    """Drop the waiting text; the approved one stays in use."""
    item = db.get_or_404(TextBlock, block_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        blocks.withdraw_edit(item, current_user)
    except blocks.BlockError as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(url_for("faq_admin.block", block_id=block_id))
    gone = item.version == 0
    db.session.commit()
    flash("承認待ちの変更を取り下げました。", "success")
    return redirect(url_for("faq_admin.block_list") if gone else url_for("faq_admin.block", block_id=block_id))
