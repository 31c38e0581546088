"""Supervisor and admin views over the inquiry window: figures, CSV export, audit log."""

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import audit, mail, subscribers
from ..extensions import db, write_after_reads
from ..inquiries import export as inquiry_export
from ..inquiries import stats as inquiry_stats
from ..models import AuditEvent, Role, User
from ..models._types import as_id
from ..notices.report_view import jst
from ..web.auth import role_required
from . import audit_words, display

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor")
AUDIT_PAGE = 100


@bp.before_request
@login_required
def require_login():
    """Every page here needs a logged-in staff member; each view checks the role."""


@bp.route("/")
@role_required(Role.SUPERVISOR)
def overview():
    """Backlog, answers per day, template use, questions on the rise, proposals, reviews, FAQ votes, the outbox."""
    rising = inquiry_stats.rising_templates()
    return render_template("agent/overview.html", backlog=inquiry_stats.backlog(),
                           per_day=inquiry_stats.answered_per_day(), usage=inquiry_stats.template_usage(),
                           rising=rising, rising_peak=max([d["count"] for r in rising for d in r["recent"]] + [1]),
                           queues=inquiry_stats.template_queues(), votes=inquiry_stats.faq_votes(),
                           outbox=_outbox(), subscribed=subscribers.figures())


def _outbox() -> dict:
    """Mail counts by status and how long the oldest unsent message has waited."""
    summary = mail.outbox_summary()
    age = summary.oldest_pending_age
    minutes = int(age.total_seconds() // 60) if age is not None else None
    waited = "" if minutes is None or minutes < 10 else (f"{minutes}分" if minutes < 120 else f"{minutes // 60}時間")
    return {"counts": [(status.label, n) for status, n in summary.counts.items()], "waited": waited}


@bp.route("/inquiries.csv")
@role_required(Role.SUPERVISOR)
def export():
    """All inquiries as CSV, streamed as it is read; recorded in the audit log before the first byte."""
    with write_after_reads():  # a GET that writes: its own transaction, SQLite's write lock first
        inquiry_export.record_export(current_user._get_current_object())
    return Response(stream_with_context(inquiry_export.csv_chunks()), mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=inquiries.csv", "Cache-Control": "no-store"})


@bp.route("/audit")
@role_required(Role.ADMIN)
def audit_log():
    """Who viewed or changed what, when; newest first, filterable."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    action = request.args.get("action", "")[:64]
    target = request.args.get("target", "")[:32]
    username = request.args.get("user", "")[:64]
    before = request.args.get("before", "")
    if action:
        query = query.where(AuditEvent.action == action)
    if target:
        query = query.where(AuditEvent.target_type == target)
    if username:
        user = db.session.scalar(select(User).filter_by(username=username))
        query = query.where(AuditEvent.user_id == (user.id if user else -1))
    if before:
        if as_id(before) is None:
            abort(400)
        query = query.where(AuditEvent.id < as_id(before))
    events = db.session.scalars(query.limit(AUDIT_PAGE)).all()
    targets = display.target_labels(events)
    rows = [{"id": e.id, "at": jst(e.created_at), "user": audit.actor_label(e, with_command=False),
             "command": audit.command_account(e),
             "action": audit.action_label(e.action), "code": e.action, "target": targets[e.id],
             "detail": audit_words.detail_label(e.action, e.detail)}
            for e in events]
    return render_template("agent/audit.html", rows=rows, action=action, target=target, username=username,
                           actions=sorted(audit.ACTION_LABELS.items(), key=lambda pair: pair[1]),
                           targets=sorted(audit.TARGET_LABELS.items(), key=lambda pair: pair[1]),
                           next_before=rows[-1]["id"] if len(rows) == AUDIT_PAGE else None)
