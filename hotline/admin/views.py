"""Back-office pages: one guard for the whole blueprint; views validate, call one domain
function, commit and redirect."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import notices
from ..notices import page
from ..extensions import db
from ..models import FilingKind, Incident, IncidentChange, Report, ReportState, Role, User
from ..web.auth import role_required
from . import display
from .forms import ActionForm, FilingForm, IncidentForm, ReportingForm, ReturnForm, incident_fields
from .report_forms import ReportForm, category_rows, flat_errors, group_problems, report_changes, report_form_data

bp = Blueprint("admin", __name__, url_prefix="/admin")
@bp.before_request
@login_required
def require_login():
    """Every admin page needs a logged-in staff member."""


def _me() -> User:
    """The logged-in user as a model instance (domain functions store it)."""
    return current_user._get_current_object()


@bp.route("/")
def dashboard():
    """Incidents, their reports and deadlines, and what waits for my approval."""
    incidents = db.session.scalars(select(Incident).order_by(Incident.aware_on.desc())).all()
    today = display.today_jst()
    return render_template(
        "admin/dashboard.html",
        cards=[display.incident_card(i, _me(), today) for i in incidents],
        awaiting=display.awaiting_for(_me()),
        can_create_incident=_me().has_role(Role.SUPERVISOR),
        today=display.format_day(today),
        action_form=ActionForm(),
        filing_form=FilingForm(formdata=None, filed_on=today),
    )


@bp.route("/incidents/new", methods=["GET", "POST"])
@role_required(Role.SUPERVISOR)
def incident_new():
    """Register a new incident."""
    form = IncidentForm()
    if form.validate_on_submit():
        try:
            notices.create_incident(**incident_fields(form))
        except notices.NoticeError as error:
            db.session.rollback()
            form.slug.errors.append(str(error))
        else:
            db.session.commit()
            flash("事案を登録しました。", "success")
            return redirect(url_for("admin.dashboard"))
    return _incident_page(form, None, False)


@bp.route("/incidents/<int:incident_id>/edit", methods=["GET", "POST"])
@role_required(Role.SUPERVISOR)
def incident_edit(incident_id: int):
    """Change an incident's title, dates, contact window or status."""
    incident = db.get_or_404(Incident, incident_id)
    slug_locked = notices.latest_published(incident) is not None
    form = IncidentForm(obj=incident, status=incident.status.value)
    if slug_locked:
        form.slug.data = incident.slug  # public URLs already point at it
    if form.validate_on_submit():
        try:
            change = notices.request_change(incident, incident_fields(form), _me(), form.reason.data or "")
        except notices.NoticeError as error:
            db.session.rollback()
            return _incident_page(form, incident, slug_locked, error=str(error))
        else:
            db.session.commit()
            flash("変更を申請しました。別の責任者が承認すると反映されます。" if change else "事案を更新しました。", "success")
            return redirect(url_for("admin.dashboard"))
    return _incident_page(form, incident, slug_locked)


@bp.route("/incidents/changes/<int:change_id>/approve", methods=["POST"], defaults={"decision": "approve"},
          endpoint="incident_change_approve")
@bp.route("/incidents/changes/<int:change_id>/reject", methods=["POST"], defaults={"decision": "reject"},
          endpoint="incident_change_reject")
@role_required(Role.SUPERVISOR)
def incident_change_decide(change_id: int, decision: str):
    """Approve, reject or withdraw a requested change of a published incident."""
    change = db.get_or_404(IncidentChange, change_id)
    _require_valid(ActionForm())
    try:
        if decision == "approve":
            notices.approve_change(change, _me())
        else:
            notices.reject_change(change, _me(), request.form.get("note", "")[:300])
        db.session.commit()
    except notices.NoticeError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("admin.dashboard"))
    done = {"approve": "変更を承認し、反映しました。", "reject": "変更の申請を却下しました。"}[decision]
    if decision == "reject" and change.decided_by_id == change.requested_by_id:
        done = "変更の申請を取り下げました。"
    flash(done, "success")
    return redirect(url_for("admin.dashboard"))


def _incident_page(form: IncidentForm, incident: Incident | None, slug_locked: bool, error: str = ""):
    """The incident form; 422 when it comes back with errors, 409 when a rule refused it."""
    page = render_template("admin/incident_form.html", form=form, incident=incident, slug_locked=slug_locked,
                           error=error, pending=incident is not None and notices.pending_change(incident) is not None)
    return page, 409 if error else 422 if form.errors else 200


@bp.route("/incidents/<int:incident_id>/filings", methods=["POST"])
@role_required(Role.SUPERVISOR)
def incident_filing(incident_id: int):
    """Record a report filed with the regulator (速報, 確報, 追完)."""
    incident = db.get_or_404(Incident, incident_id)
    form = FilingForm()
    if not form.validate_on_submit():
        flash("報告の記録を確認してください：" + " ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("admin.dashboard"))
    return _regulator_step(lambda: notices.record_filing(
        incident, FilingKind(form.kind.data), form.filed_on.data, _me(), form.reference.data or "",
        form.note.data or "", today=display.today_jst()), f"{FilingKind(form.kind.data).label}の提出を記録しました。")


@bp.route("/incidents/<int:incident_id>/reporting", methods=["POST"])
@role_required(Role.SUPERVISOR)
def incident_reporting(incident_id: int):
    """Record which cases that require a report apply; another supervisor reviews it."""
    incident = db.get_or_404(Incident, incident_id)
    form = ReportingForm()
    if not form.validate_on_submit():
        abort(400)
    answers = {name: getattr(form, name).data for name in notices.CASES}
    return _regulator_step(lambda: notices.decide_reporting(incident, answers, _me(), form.note.data or ""),
                           "報告義務の判断を記録しました。別の責任者が確認してください。")


@bp.route("/incidents/<int:incident_id>/reporting/review", methods=["POST"])
@role_required(Role.SUPERVISOR)
def incident_reporting_review(incident_id: int):
    """A second supervisor confirms the reporting decision."""
    incident = db.get_or_404(Incident, incident_id)
    _require_valid(ActionForm())
    return _regulator_step(lambda: notices.review_reporting(incident, _me()), "報告義務の判断を確認しました。")


def _regulator_step(action, message: str):
    """Run one regulator step and go back to the dashboard with its result."""
    try:
        action()
        db.session.commit()
    except notices.NoticeError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        flash(message, "success")
    return redirect(url_for("admin.dashboard"))


@bp.route("/incidents/<int:incident_id>/reports/new", methods=["POST"])
@role_required(Role.SUPERVISOR)
def report_new(incident_id: int):
    """Start a new draft for an incident and open its edit page."""
    incident = db.get_or_404(Incident, incident_id)
    _require_valid(ActionForm())
    try:
        report = notices.start_draft(incident, _me())
    except notices.NoticeError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("admin.dashboard"))
    db.session.commit()
    flash(f"{notices.report_label(report)}の下書きを作成しました。", "success")
    return redirect(url_for("admin.report_edit", report_id=report.id))


@bp.route("/reports/<int:report_id>")
def report_view(report_id: int):
    """The report as readers will see it, its state, findings and actions."""
    return _report_page(db.get_or_404(Report, report_id))


def _report_page(report: Report, error: str | None = None, status: int = 200, return_form=None):
    """Render the report page, optionally with an error from a refused action."""
    article = page.article(report)
    return render_template(
        "admin/report.html",
        incident=report.incident,
        summary=display.report_summary(report),
        **article,
        unwritten=display.unwritten_items(article["sections"]),
        finding_groups=display.grouped_findings(notices.findings_for(report)),
        flags=display.report_flags(report, _me()),
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
            notices.update_draft(report, fields, groups, editor=_me())
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
    return _transition(report_id, lambda r: notices.submit_for_approval(r, _me()),
                       "承認を依頼しました。作成者以外の責任者が確認して公開します。")


@bp.route("/reports/<int:report_id>/approve", methods=["POST"])
@role_required(Role.SUPERVISOR)
def report_approve(report_id: int):
    """Approve and publish (only someone other than the author)."""
    seen = request.form.get("version", "")[:64]
    return _transition(report_id, lambda r: notices.approve_and_publish(r, _me(), seen), "承認し、公開しました。")


@bp.route("/reports/<int:report_id>/return", methods=["POST"])
@role_required(Role.SUPERVISOR)
def report_return(report_id: int):
    """Send a report awaiting approval back to draft, with a reason."""
    report = db.get_or_404(Report, report_id)
    form = ReturnForm()
    if not form.validate_on_submit():
        return _report_page(report, error="差し戻しの理由を確認してください。", status=422, return_form=form)
    return _transition(report_id, lambda r: notices.return_to_draft(r, _me(), form.reason.data),
                       "下書きに差し戻しました。")


@bp.route("/reports/<int:report_id>/delete", methods=["POST"])
@role_required(Role.SUPERVISOR)
def report_delete(report_id: int):
    """Discard a draft."""
    report = db.get_or_404(Report, report_id)
    _require_valid(ActionForm())
    try:
        notices.delete_draft(report, _me())
        db.session.commit()
    except notices.NoticeError as error:
        db.session.rollback()
        return _report_page(db.get_or_404(Report, report_id), error=str(error), status=409)
    flash("下書きを削除しました。", "success")
    return redirect(url_for("admin.dashboard"))


def _transition(report_id: int, action, message: str):
    """Run one workflow step; a broken rule re-renders the page with its message."""
    report = db.get_or_404(Report, report_id)
    _require_valid(ActionForm())
    try:
        action(report)
        db.session.commit()
    except notices.NoticeError as error:
        db.session.rollback()
        return _report_page(db.get_or_404(Report, report_id), error=str(error), status=409)
    flash(message, "success")
    return redirect(url_for("admin.report_view", report_id=report_id))


def _require_valid(form: ActionForm) -> None:
    """Refuse a button press whose form does not validate (CSRF)."""
    if not form.validate_on_submit():
        abort(400)
