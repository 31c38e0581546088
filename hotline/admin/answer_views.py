"""Answer templates in the back office: every staff member reads them; supervisors approve,
retire and publish them as FAQ. Views validate, call one domain function, commit, redirect."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from .. import answers
from ..answers import history, placeholders
from ..extensions import db
from ..models import AnswerTemplate, InquiryCategory, Role, TemplateStatus, User
from ..models._types import as_id
from ..web.auth import role_required
from .answer_forms import AnswerTemplateForm, form_data
from .display import jst
from .forms import ActionForm

bp = Blueprint("answers_admin", __name__, url_prefix="/admin/answers")
STATUS_CSS = {
    TemplateStatus.PROPOSAL: "state-awaiting_approval",
    TemplateStatus.APPROVED: "state-published",
    TemplateStatus.NEEDS_REVIEW: "status-active",
    TemplateStatus.RETIRED: "state-draft",
}


@bp.before_request
@login_required
def require_login():
    """Every template page needs a logged-in staff member."""


def _me() -> User:
    """The logged-in user as a model instance (domain functions store it)."""
    return current_user._get_current_object()


def _choice(enum_class, name: str):
    """An enum member from a query parameter, or None when absent or unknown."""
    try:
        return enum_class(request.args.get(name, ""))
    except ValueError:
        return None


@bp.route("/")
def index():
    """All templates with filters; proposals and templates needing review come first."""
    status, category = _choice(TemplateStatus, "status"), _choice(InquiryCategory, "category")
    query = select(AnswerTemplate)
    if status is not None:
        query = query.where(AnswerTemplate.status == status)
    if category is not None:
        query = query.where(AnswerTemplate.category == category)
    counts = dict(db.session.execute(select(AnswerTemplate.status, func.count()).group_by(AnswerTemplate.status)).all())
    waiting = {s: db.session.scalars(select(AnswerTemplate).where(AnswerTemplate.status == s)
                                     .order_by(AnswerTemplate.updated_at)).all()
               for s in (TemplateStatus.PROPOSAL, TemplateStatus.NEEDS_REVIEW)}
    order = list(InquiryCategory)
    templates = sorted(db.session.scalars(query), key=lambda t: (order.index(t.category), t.title, t.id))
    return render_template("admin/answers_list.html", templates=templates,
                           status=status, category=category, counts=counts, waiting=waiting,
                           statuses=list(TemplateStatus), categories=list(InquiryCategory),
                           css=STATUS_CSS, jst=jst)


@bp.route("/new", methods=["GET", "POST"])
def create():
    """Write a new template; it starts as a proposal."""
    return _edit(None)


@bp.route("/<int:template_id>")
def view(template_id: int):
    """A template, its preview against the latest published report, its history and actions."""
    return _page(db.get_or_404(AnswerTemplate, template_id))


@bp.route("/<int:template_id>/edit", methods=["GET", "POST"])
def edit(template_id: int):
    """Change a template; errors are shown next to the fields and the stored version is kept."""
    template = db.get_or_404(AnswerTemplate, template_id)
    if not answers.can_edit(template, _me()):
        abort(403)
    return _edit(template)


def _edit(template: AnswerTemplate | None):
    """Shared create/edit handling."""
    form = AnswerTemplateForm(data=form_data(template) if template else None)
    if form.validate_on_submit():
        try:
            saved = answers.save_template(template, form.values(), _me())
        except answers.AnswerError as error:
            db.session.rollback()
            _attach_errors(form, error)
        else:
            db.session.commit()
            flash("回答テンプレートを保存しました。", "success")
            return redirect(url_for("answers_admin.view", template_id=saved.id))
    page = render_template("admin/answers_edit.html", form=form, template=template,
                           registry=placeholders.REGISTRY.values())
    return page, 422 if form.errors else 200


def _attach_errors(form: AnswerTemplateForm, error: answers.AnswerError) -> None:
    """Put a domain error next to its field (or on the body when it names none)."""
    errors = error.errors or {"body": [str(error)]}
    for name, messages in errors.items():
        field = getattr(form, name, None) or form.body
        if isinstance(field.errors, tuple):
            field.errors = list(field.errors)
        field.errors.extend(messages)


def _page(template: AnswerTemplate, error: str | None = None, status: int = 200):
    """Render the template page, optionally with the message of a refused action."""
    me = _me()
    return render_template(
        "admin/answers_view.html", template=template, error=error, preview=answers.preview(template),
        placeholders_used=placeholders.names_used(template.body), css=STATUS_CSS, jst=jst,
        can_edit=answers.can_edit(template, me), manager=me.has_role(Role.SUPERVISOR),
        action_form=ActionForm(), pending=template.pending_version, pending_diff=history.pending_diff(template),
        wrote_it=me.id in template.writers_awaiting_approval(), history=history,
    ), status


@bp.route("/<int:template_id>/approve", methods=["POST"])
@role_required(Role.SUPERVISOR)
def approve(template_id: int):
    """Approve the version shown (the edit waiting, or the proposal) as the shared answer."""
    shown = request.form.get("version", "")
    version = as_id(shown)
    return _transition(template_id, lambda t: answers.approve(t, _me(), version),
                       "承認しました。すべてのオペレーターにすぐ表示されます。")


@bp.route("/<int:template_id>/revert/<int:version>", methods=["POST"])
def revert(template_id: int, version: int):
    """Bring back an earlier version's text as an edit waiting for approval."""
    if not answers.can_edit(db.get_or_404(AnswerTemplate, template_id), _me()):
        abort(403)
    return _transition(template_id, lambda t: answers.revert(t, version, _me()),
                       f"第{version}版の内容を、承認待ちの変更にしました。別の責任者が承認すると使われます。")


@bp.route("/<int:template_id>/retire", methods=["POST"])
@role_required(Role.SUPERVISOR)
def retire(template_id: int):
    """Stop offering the template to agents."""
    return _transition(template_id, lambda t: answers.retire(t, _me()), "廃止しました。")


@bp.route("/<int:template_id>/publish-faq", methods=["POST"])
@role_required(Role.SUPERVISOR)
def publish_faq(template_id: int):
    """Publish (or update) the template as a FAQ entry with the facts filled in."""
    return _transition(template_id, lambda t: answers.publish_as_faq(t, _me()),
                       "よくあるご質問として公開しました。検索にもすぐ反映されます。")


def _transition(template_id: int, action, message: str):
    """Run one step; a broken rule re-renders the page with its message."""
    template = db.get_or_404(AnswerTemplate, template_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        action(template)
        db.session.commit()
    except answers.AnswerError as error:
        db.session.rollback()
        return _page(db.get_or_404(AnswerTemplate, template_id), error=str(error), status=409)
    flash(message, "success")
    return redirect(url_for("answers_admin.view", template_id=template_id))
