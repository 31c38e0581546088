"""Agents call back (折り返し): the list, one callback with its number (audited), each outcome.

Routes live on the agent blueprint (/agent/callbacks…). A call that gets through becomes a
phone inquiry assigned to the agent, and the agent goes on there to record the answer.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired

from .. import callbacks
from ..extensions import db
from ..models import CallbackStatus
from ..web.form_filters import SelectChoice, line, too_long
from .views import _slot_label, bp


class OutcomeForm(FlaskForm):
    """How the attempt went, and a note for the record."""

    outcome = RadioField("結果", choices=[SelectChoice(k, v) for k, v in callbacks.OUTCOMES.items()],
                         validators=[DataRequired("結果を選んでください。")])
    note = StringField("メモ（任意）", filters=[line], validators=[too_long(200)])


@bp.route("/callbacks")
def callback_list():
    """Due first, then the rest of the scheduled ones, then how recent ones ended (no phone numbers)."""
    status = request.args.get("status", "scheduled")
    status = status if status in {s.value for s in CallbackStatus} else "scheduled"
    rows = callbacks.listing(CallbackStatus(status))
    return render_template("agent/callbacks.html", rows=rows, status=status, statuses=list(CallbackStatus),
                           due_ids={c.id for c in callbacks.due()}, slot_label=_slot_label)


@bp.route("/callbacks/<int:callback_id>", methods=["GET", "POST"])
def callback(callback_id: int):
    """One callback with the number to dial (the view is audited) and the outcome form."""
    item = callbacks.open_for(callback_id, current_user)
    if item is None:
        abort(404)
    form = OutcomeForm()
    if form.validate_on_submit():
        try:
            inquiry = callbacks.record_outcome(item, current_user, form.outcome.data, form.note.data or "")
        except callbacks.CallbackError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("agent.callback", callback_id=callback_id))
        db.session.commit()
        if inquiry is not None:
            flash("通話を問い合わせとして記録しました。回答の内容を記録してください。", "success")
            return redirect(url_for("agent.inquiry", inquiry_id=inquiry.id))
        flash("結果を記録しました。" + ("予定どおり再度おかけします。" if item.status is CallbackStatus.SCHEDULED
                                        else "この折り返しは終了しました。"), "success")
        return redirect(url_for("agent.callback_list"))
    db.session.commit()
    return render_template("agent/callback.html", item=item, form=form, slot=_slot_label(item)), (
        422 if form.errors else 200)
