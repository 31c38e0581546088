"""Agent console pages. Views validate, call one domain function, commit and redirect."""

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import answers, callbacks, inquiries
from ..extensions import db
from ..inquiries import answering
from ..inquiries import mail_texts as inquiry_mail
from ..models._types import as_id, still_valid
from ..web.form_filters import SelectChoice
from ..models import AnswerTemplate, Channel, Inquiry, InquiryCategory, InquiryStatus, TemplateStatus, User
from . import display
from .forms import ActionForm, AnswerForm, CallForm, UrgentForm, WaitForm

bp = Blueprint("agent", __name__, url_prefix="/agent")


@bp.before_request
@login_required
def require_login():
    """Every console page needs a logged-in staff member."""


def _me() -> User:
    return current_user._get_current_object()


def _arg(name: str, allowed) -> str:
    """A filter value from the query string, or '' when it is not one we know."""
    value = request.args.get(name, "")
    return value if value in allowed else ""


@bp.route("/")
def queue():
    """The shared queue: tabs, filters, urgent first, oldest first, with ages."""
    view = _arg("view", inquiries.QUEUE_VIEWS) or "new"
    category = _arg("category", {c.value for c in InquiryCategory})
    channel = _arg("channel", {c.value for c in Channel})
    rows = inquiries.queue(view, _me(), category, channel)
    return render_template("agent/queue.html", rows=[display.queue_row(r) for r in rows], view=view,
                           category=category, channel=channel, counts=inquiries.queue_counts(_me()),
                           tabs=display.TABS, categories=list(InquiryCategory), channels=list(Channel),
                           form=ActionForm(), due_callbacks=callbacks.due(), slot_label=_slot_label)


def _slot_label(callback) -> str:
    """A callback's slot in Japanese (for the queue's list of calls due)."""
    return callbacks.slot_label(callback.slot_at, current_app.config["CALLBACK_SLOT_MINUTES"])


@bp.route("/queue/counts")
def queue_counts():
    """What the queue page polls: how many inquiries are new and how many urgent (no personal data)."""
    counts = inquiries.queue_counts(_me())
    return jsonify(new=counts["new"], urgent=counts["urgent_open"])


def _inquiry_or_404(inquiry_id: int):
    """Load an inquiry and record the view of its personal data."""
    inquiry = inquiries.open_for(inquiry_id, _me())
    if inquiry is None:
        abort(404)
    return inquiry


@bp.route("/inquiries/<int:inquiry_id>")
def inquiry(inquiry_id: int):
    """Message, contact details (audited), suggested templates, the answer form."""
    item = _inquiry_or_404(inquiry_id)
    db.session.commit()
    form = AnswerForm()
    return _inquiry_page(item, form)


def _inquiry_page(item, form: AnswerForm, status: int = 200, answer_error: str = "", preview=None):
    """Render the inquiry page with a template applied when one was picked."""
    template = answering.template_for(request.args.get("template") or form.template_id.data)
    fill_error = ""
    if template is not None and not form.text.data:
        form.text.data, fill_error = answering.suggested_text(template, item)
        form.template_id.data = str(template.id)
    form.channel.choices = inquiries.reply_options(item)
    if not form.channel.data:
        form.channel.data = form.channel.choices[0][0]
    view = display.inquiry_view(item, _me())
    suggestions, others = (answers.suggest_all(item.message, limit=3, groups=view["listed"],
                                               known=display.group_names(item.incident))
                           if item.status is not InquiryStatus.ANSWERED else ([], []))
    usable = db.session.scalars(select(AnswerTemplate).where(
        AnswerTemplate.status.in_([TemplateStatus.APPROVED, TemplateStatus.NEEDS_REVIEW]),
        still_valid(AnswerTemplate.expires_on))
        .order_by(AnswerTemplate.category, AnswerTemplate.title)).all()
    return render_template("agent/inquiry.html", item=item, view=view, form=form,
                           template=template, fill_error=fill_error, suggestions=suggestions, others=others,
                           templates=usable, action_form=ActionForm(), wait_form=WaitForm(),
                           urgent_form=_urgent_form(item),
                           answer_error=answer_error, preview=preview, next_id=_next_id()), status


def _next_id() -> int | None:
    """The inquiry to open after this one (urgent first, then oldest), when the page was reached by answering."""
    raw = request.args.get("next", "")
    return as_id(raw)


@bp.route("/inquiries/<int:inquiry_id>/template")
def template_text(inquiry_id: int):
    """A template filled for this inquiry, for switching templates without reloading the page."""
    item = db.session.get(Inquiry, inquiry_id)
    if item is None:
        abort(404)
    template = answering.template_for(request.args.get("id"))
    if template is None:
        return jsonify(id="", text="", error="", note="")
    text, error = answering.suggested_text(template, item)
    note = (f"使用中のテンプレート：{template.title}（第{template.version}版）。最新の公表内容が差し込まれています。"
            "必要に応じて編集してください。")
    if template.status is TemplateStatus.NEEDS_REVIEW:
        note += f" このテンプレートは事実の変更により確認待ちです：{template.review_reason}"
    return jsonify(id=str(template.id), text=text, error=error, note=note)


@bp.route("/inquiries/<int:inquiry_id>/claim", methods=["POST"])
def claim(inquiry_id: int):
    """Take an inquiry from the shared queue; only one agent can win."""
    if not ActionForm().validate_on_submit():
        abort(400)
    won = inquiries.claim(inquiry_id, _me())
    db.session.commit()
    if not won:
        flash("この問い合わせは、他の担当者が先に対応を始めました。", "error")
        return redirect(url_for("agent.queue"))
    flash("担当になりました。", "success")
    return redirect(url_for("agent.inquiry", inquiry_id=inquiry_id))


def _change(inquiry_id: int, action, message: str):
    """Apply a state change from a button and go back to the inquiry."""
    item = db.session.get(Inquiry, inquiry_id)
    if item is None:
        abort(404)
    try:
        action(item)
    except inquiries.InquiryError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("agent.inquiry", inquiry_id=inquiry_id))


@bp.route("/inquiries/<int:inquiry_id>/release", methods=["POST"])
def release(inquiry_id: int):
    """Give an inquiry back to the shared queue."""
    if not ActionForm().validate_on_submit():
        abort(400)
    return _change(inquiry_id, lambda i: inquiries.release(i, _me()), "共有の受付一覧に戻しました。")


@bp.route("/inquiries/<int:inquiry_id>/wait", methods=["POST"])
def wait(inquiry_id: int):
    """Park an inquiry while something is checked."""
    form = WaitForm()
    if not form.validate_on_submit():
        abort(400)
    return _change(inquiry_id, lambda i: inquiries.set_waiting(i, _me(), form.note.data), "保留にしました。")


def _urgent_form(item: Inquiry) -> UrgentForm:
    """The form that marks an inquiry urgent, or takes the mark away, with its reasons."""
    form = UrgentForm()
    reasons = inquiries.URGENT_UNMARKS if item.urgent else inquiries.URGENT_MARKS
    form.reason.choices = [SelectChoice("", "選んでください")] + [SelectChoice(k, v) for k, v in reasons.items()]
    return form


@bp.route("/inquiries/<int:inquiry_id>/urgent", methods=["POST"])
def urgent(inquiry_id: int):
    """Mark urgent (the on-call person is alerted) or take the mark away, with a reason."""
    item = db.session.get(Inquiry, inquiry_id)
    if item is None:
        abort(404)
    form = _urgent_form(item)
    if not form.validate_on_submit():
        db.session.commit()
        flash("至急の指定を変える理由を選んでください。", "error")
        return redirect(url_for("agent.inquiry", inquiry_id=inquiry_id))
    marking = not item.urgent

    def change(inquiry: Inquiry) -> None:
        """Apply the change; a new mark alerts the on-call person like an urgent arrival."""
        inquiries.set_urgent(inquiry, _me(), marking, form.reason.data, form.note.data or "")
        if marking:
            inquiry_mail.queue_oncall_alert(inquiry)

    return _change(inquiry_id, change, "至急に指定しました。" if marking else "至急の指定を解除しました。")


@bp.route("/inquiries/<int:inquiry_id>/resume", methods=["POST"])
def resume(inquiry_id: int):
    """Take a parked inquiry up again."""
    if not ActionForm().validate_on_submit():
        abort(400)
    return _change(inquiry_id, lambda i: inquiries.resume(i, _me()), "対応を再開しました。")


@bp.route("/inquiries/<int:inquiry_id>/answer", methods=["POST"])
def answer(inquiry_id: int):
    """Record (and by email, send) the answer; optionally propose a new template."""
    item = _inquiry_or_404(inquiry_id)
    form = AnswerForm()
    form.channel.choices = inquiries.reply_options(item)
    if not form.validate_on_submit():
        db.session.commit()
        return _inquiry_page(item, form, 200)
    if request.form.get("preview"):  # show the whole mail, record nothing
        db.session.commit()
        return _inquiry_page(item, form, 200, preview=inquiry_mail.answer_mail(item, form.text.data))
    template = answering.template_for(form.template_id.data)
    try:
        answering.answer(item, _me(), form.text.data, form.channel.data, template)
        if form.propose.data and template is None:
            answering.propose(item, _me(), form.proposal_title.data, form.proposal_question.data, form.text.data)
    except (inquiries.InquiryError, answers.AnswerError) as error:
        db.session.rollback()
        item = _inquiry_or_404(inquiry_id)
        db.session.commit()
        return _inquiry_page(item, form, 200, answer_error=str(error))
    db.session.commit()
    flash("回答を記録しました。" + ("メールは送信待ちの一覧に入りました。" if form.channel.data == "email" else ""), "success")
    following = inquiries.queue("new", _me(), "", "", limit=1)
    if following:
        return redirect(url_for("agent.inquiry", inquiry_id=inquiry_id, next=following[0].id))
    return redirect(url_for("agent.inquiry", inquiry_id=inquiry_id))


@bp.route("/calls/new", methods=["GET", "POST"])
def log_call():
    """Log a phone call as an inquiry assigned to me, then answer it on its page."""
    form = CallForm()
    if form.validate_on_submit():
        item = inquiries.receive(form.values(), Channel.PHONE, logged_by=_me())
        if item.urgent:
            inquiry_mail.queue_oncall_alert(item)
        db.session.commit()
        flash(f"電話の記録を作成しました（受付番号 {item.receipt}）。", "success")
        return redirect(url_for("agent.inquiry", inquiry_id=item.id))
    return render_template("agent/call.html", form=form)
