"""Back-office pages: one guard for the whole blueprint; views validate, call one domain
function, commit and redirect."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import notices
from ..extensions import db
from ..models import FilingKind, Incident, IncidentChange, Role, User
from ..web.auth import role_required
from . import display
from .forms import ActionForm, FilingForm, IncidentForm, ReportingForm, incident_fields

bp = Blueprint("admin", __name__, url_prefix="/admin")
@bp.before_request
@login_required
def require_login():
    """Every admin page needs a logged-in staff member."""


def current_staff() -> User:
    """The logged-in user as a model instance (domain functions store it)."""
    return current_user._get_current_object()


@bp.route("/")
def dashboard():
    """Incidents, their reports and deadlines, and what waits for my approval."""
    incidents = db.session.scalars(select(Incident).order_by(Incident.aware_on.desc())).all()
    today = display.today_jst()
    return render_template(
        "admin/dashboard.html",
        cards=[display.incident_card(i, current_staff(), today) for i in incidents],
        awaiting=display.awaiting_for(current_staff()),
        can_create_incident=current_staff().has_role(Role.SUPERVISOR),
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
            change = notices.request_change(incident, incident_fields(form), current_staff(), form.reason.data or "")
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
    require_valid(ActionForm())
    try:
        if decision == "approve":
            notices.approve_change(change, current_staff())
        else:
            notices.reject_change(change, current_staff(), request.form.get("note", "")[:300])
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
        incident, FilingKind(form.kind.data), form.filed_on.data, current_staff(), form.reference.data or "",
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
    return _regulator_step(lambda: notices.decide_reporting(incident, answers, current_staff(), form.note.data or ""),
                           "報告義務の判断を記録しました。別の責任者が確認してください。")


@bp.route("/incidents/<int:incident_id>/reporting/review", methods=["POST"])
@role_required(Role.SUPERVISOR)
def incident_reporting_review(incident_id: int):
    """A second supervisor confirms the reporting decision."""
    incident = db.get_or_404(Incident, incident_id)
    require_valid(ActionForm())
    return _regulator_step(lambda: notices.review_reporting(incident, current_staff()), "報告義務の判断を確認しました。")


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
    require_valid(ActionForm())
    try:
        report = notices.start_draft(incident, current_staff())
    except notices.NoticeError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("admin.dashboard"))
    db.session.commit()
    flash(f"{notices.report_label(report)}の下書きを作成しました。", "success")
    return redirect(url_for("admin.report_edit", report_id=report.id))


def require_valid(form: ActionForm) -> None:
    """Refuse a button press whose form does not validate (CSRF)."""
    if not form.validate_on_submit():
        abort(400)
