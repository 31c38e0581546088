"""The affected list for supervisors: importing files, the list's figures, merges to decide.

Routes live on the supervisor blueprint (/supervisor/affected…).
"""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from .. import affected, inquiries
from ..extensions import db
from ..models import AffectedImport, AffectedMembership, AffectedPerson, MergeCandidate, Role
from ..notices.report_view import jst
from ..web.auth import role_required
from ..web.security import large_upload
from .forms import ActionForm, ListImportForm
from .supervisor_views import bp

BY_COLUMN = ""
SHOWN_CANDIDATES = 50


def _me():
    return current_user._get_current_object()


def _figures(incident) -> dict:
    """People in all, per group, and per channel (those with none rely on the public notice)."""
    groups = dict(db.session.execute(
        select(AffectedMembership.group_name, func.count(func.distinct(AffectedMembership.person_id)))
        .join(AffectedPerson).where(AffectedPerson.incident_id == incident.id)
        .group_by(AffectedMembership.group_name)).all())
    channels = affected.channel_counts(incident)
    order = affected.known_groups(incident)
    ordered = {name: groups[name] for name in order if name in groups}
    ordered.update({name: n for name, n in groups.items() if name not in ordered})
    return {"total": sum(channels.values()), "groups": ordered, "channels": channels}


@bp.route("/affected", methods=["GET", "POST"])
@large_upload("AFFECTED_IMPORT_MAX_BYTES")
@role_required(Role.SUPERVISOR)
def affected_list():
    """Import a file (all rows or none), see the figures and the uncertain merges."""
    incident = inquiries.current_incident()
    if incident is None:
        return render_template("agent/affected.html", incident=None)
    form = ListImportForm()
    groups = affected.known_groups(incident)
    form.group.choices = [(BY_COLUMN, "ファイルの「区分」列で指定")] + [(g, g) for g in groups]
    refused = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            mapping = form.mapping_pairs()
            result = affected.import_list(incident, upload.read(), upload.filename or "list.csv",
                                          group=form.group.data or "", source=form.source.data or "",
                                          mapping=mapping, user=_me(),
                                          page_rows=current_app.config["AFFECTED_PAGE_IMPORT_MAX_ROWS"])
            db.session.commit()
        except ValueError as error:
            db.session.rollback()
            refused = error.lines if isinstance(error, affected.ImportRefused) else [str(error)]
        else:
            record = result.record
            flash(f"「{record.source}」を取り込みました（{record.rows}行）。新規{record.added}名・更新{record.updated}名・"
                  f"名寄せで統合{record.merged}件・確認待ち{record.candidates}件・リストから外れた方{record.removed}名。",
                  "success")
            return redirect(url_for("supervisor.affected_list"), 303)
    imports = db.session.scalars(select(AffectedImport).where(AffectedImport.incident_id == incident.id)
                                 .order_by(AffectedImport.id.desc()).limit(20)).all()
    candidates = affected.open_candidates(incident)[:SHOWN_CANDIDATES]
    for candidate in candidates:
        affected.open_person(candidate.person_id, _me())
        affected.open_person(candidate.other_id, _me())
    db.session.commit()
    return render_template("agent/affected.html", incident=incident, form=form, refused=refused,
                           figures=_figures(incident), imports=imports, candidates=candidates,
                           action_form=ActionForm(), jst=jst, groups=groups,
                           page_rows=current_app.config["AFFECTED_PAGE_IMPORT_MAX_ROWS"]), (422 if refused else 200)


@bp.route("/affected/merges/<int:candidate_id>", methods=["POST"])
@role_required(Role.SUPERVISOR)
def decide_merge(candidate_id: int):
    """One person or two: the supervisor's decision, recorded."""
    candidate = db.session.get(MergeCandidate, candidate_id)
    form = ActionForm()
    if candidate is None:
        abort(404)
    if form.validate_on_submit():
        try:
            affected.decide(candidate, merge=request.form.get("decision") == "merge", user=_me())
            db.session.commit()
            flash("名寄せの判断を記録しました。", "success")
        except affected.MergeError as error:
            db.session.rollback()
            flash(str(error), "error")
    return redirect(url_for("supervisor.affected_list"), 303)
