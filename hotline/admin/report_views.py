"""The back office's report pages: the preview the approver sees, the edit form, and each workflow step.

Routes on the admin blueprint (views.bp); the rules themselves are in hotline.notices.
"""

from flask import flash, redirect, render_template, request, url_for

from .. import notices
from ..extensions import db
from ..models import Report, ReportState, Role
from ..notices import page
from ..web.auth import role_required
from . import display
from .forms import ActionForm, ReturnForm
from .report_forms import ReportForm, category_rows, flat_errors, group_problems, report_changes, report_form_data
from .views import bp, current_staff, require_valid


@bp.route("/reports/<int:report_id>")
def report_view(report_id: int):
    """The report as readers will see it, its state, findings and actions."""
    return _report_page(db.get_or_404(Report, report_id))


def _report_page(report: Report, error: str | None = None, status: int = 200, return_form=None):
    """Render the report page, optionally with an error from a refused action."""
    article = page.article(report)
    findings = notices.findings_for(report)
    return render_template(
        "admin/report.html",
        incident=report.incident,
        summary=display.report_summary(report),
        **article,
        unwritten=display.unwritten_items(article["sections"]),
        finding_groups=display.grouped_findings(findings),
        needs_judgement=notices.needs_judgement(findings),
        flags=display.report_flags(report, current_staff()),
        returned=display.last_return_reason(report),
        action_form=ActionForm(),
        version=notices.content_hash(report),
        return_form=return_form or ReturnForm(formdata=None),
        error=error,
    ), status


@bp.route("/reports/<int:report_id>/edit", methods=["GET", "POST"])
@role_required(Role.SUPERVISOR)
def report_edit(report_id: int):
    """Edit every field of a draft; errors are shown next to the fields, input is kept."""
    report = db.get_or_404(Report, report_id)
    if report.is_published:
        return _report_page(report, error=notices.FROZEN_MESSAGE, status=409)
    form = ReportForm(data=report_form_data(report))
    refused = ""
    if form.validate_on_submit() and not group_problems(form):
        fields, groups = report_changes(form)
        try:
            notices.update_draft(report, fields, groups, editor=current_staff())
            db.session.commit()
            flash("下書きを保存しました。", "success")
            return redirect(url_for("admin.report_view", report_id=report.id))
        except notices.ReportFrozen as error:
            db.session.rollback()
            return _report_page(db.get_or_404(Report, report_id), error=str(error), status=409)
        except notices.NoticeError as error:
            db.session.rollback()
            refused = str(error)  # the form keeps what was typed
    errors = flat_errors(form) + ([("", "保存できませんでした", refused)] if refused else [])
    return render_template(
        "admin/report_edit.html", form=form, report=report, incident=report.incident, errors=errors,
        label=notices.report_label(report), category_rows=category_rows,
        was_awaiting=report.state is ReportState.AWAITING_APPROVAL,
    ), 422 if errors else 200


@bp.route("/reports/<int:report_id>/submit", methods=["POST"])
@role_required(Role.SUPERVISOR)
def report_submit(report_id: int):
    """Ask a second person to approve the draft."""
    return _transition(report_id, lambda r: notices.submit_for_approval(r, current_staff()),
                       "承認を依頼しました。作成者以外の責任者が確認して公開します。")


@bp.route("/reports/<int:report_id>/approve", methods=["POST"])
@role_required(Role.SUPERVISOR)
def report_approve(report_id: int):
    """Approve and publish (only someone other than the author)."""
    seen = request.form.get("version", "")[:64]
    judgement = request.form.get("judgement", "")[:1000]
    return _transition(report_id, lambda r: notices.approve_and_publish(r, current_staff(), seen, judgement), "承認し、公開しました。")


@bp.route("/reports/<int:report_id>/return", methods=["POST"])
@role_required(Role.SUPERVISOR)
def report_return(report_id: int):
    """Send a report awaiting approval back to draft, with a reason."""
    report = db.get_or_404(Report, report_id)
    form = ReturnForm()
    if not form.validate_on_submit():
        return _report_page(report, error="差し戻しの理由を確認してください。", status=422, return_form=form)
    return _transition(report_id, lambda r: notices.return_to_draft(r, current_staff(), form.reason.data),
                       "下書きに差し戻しました。")


@bp.route("/reports/<int:report_id>/delete", methods=["POST"])
@role_required(Role.SUPERVISOR)
def report_delete(report_id: int):
    """Discard a draft."""
    report = db.get_or_404(Report, report_id)
    require_valid(ActionForm())
    try:
        notices.delete_draft(report, current_staff())
        db.session.commit()
    except notices.NoticeError as error:
        db.session.rollback()
        return _report_page(db.get_or_404(Report, report_id), error=str(error), status=409)
    flash("下書きを削除しました。", "success")
    return redirect(url_for("admin.dashboard"))


def _transition(report_id: int, action, message: str):
    """Run one workflow step; a broken rule re-renders the page with its message."""
    report = db.get_or_404(Report, report_id)
    require_valid(ActionForm())
    try:
        action(report)
        db.session.commit()
    except notices.NoticeError as error:
        db.session.rollback()
        return _report_page(db.get_or_404(Report, report_id), error=str(error), status=409)
    flash(message, "success")
    return redirect(url_for("admin.report_view", report_id=report_id))
