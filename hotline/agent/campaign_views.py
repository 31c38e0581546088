"""Individual notice campaigns for supervisors: the text, its approval, the pace, progress, letters, bounces.

Routes live on the supervisor blueprint (/supervisor/notices…). Every step is a call
of hotline.affected.campaigns (or letters, outcomes), which check who may take it.
"""

from types import SimpleNamespace

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import inquiries
from ..affected import campaigns, gifts, letters, notice_text, outcomes, recontact
from ..affected.people import GroupFacts
from ..extensions import db
from ..models import CampaignState, DeliveryStatus, NoticeCampaign, Report, Role
from ..notices import report_label
from ..notices.report_view import jst
from ..web.auth import role_required
from .campaign_forms import ApproveForm, BounceForm, CampaignForm, RedeemForm, ReturnedForm
from .forms import ActionForm
from .supervisor_views import bp

WEB_BATCH = 500  # about ten seconds of rendering: well inside a worker's timeout
SAMPLE = SimpleNamespace(name="（お名前）", notice_number="0000-0000-0000", verify_code="XXXXXX")


def _me():
    return current_user._get_current_object()


def _campaign_or_404(campaign_id: int) -> NoticeCampaign:
    campaign = db.session.get(NoticeCampaign, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


@bp.route("/notices")
@role_required(Role.SUPERVISOR)
def campaigns_list():
    """Every campaign of the current incident, newest first."""
    incident = inquiries.current_incident()
    rows = db.session.scalars(select(NoticeCampaign).where(NoticeCampaign.incident_id == incident.id)
                              .order_by(NoticeCampaign.id.desc())).all() if incident else []
    changed = len(recontact.needing_follow_up(incident)) if incident else 0
    return render_template("agent/campaigns.html", incident=incident, rows=rows, form=ActionForm(), jst=jst,
                           changed=changed, redeem_form=RedeemForm())


@bp.route("/notices/gift", methods=["POST"])
@role_required(Role.SUPERVISOR)
def redeem_gift():
    """Use an お詫び品 code once (a supervisor records it for the shop or the call center)."""
    form = RedeemForm()
    if form.validate_on_submit():
        try:
            used = gifts.redeem(form.code.data, _me())
            db.session.commit()
            flash(f"使用を記録しました：{used.label}（お知らせ番号 {used.notice_number}）。", "success")
        except gifts.GiftError as error:
            db.session.rollback()
            flash(str(error), "error")
    return redirect(url_for("supervisor.campaigns_list"), 303)


@bp.route("/notices/new", methods=["POST"])
@role_required(Role.SUPERVISOR)
def campaign_new():
    """Draft a campaign from the latest published report."""
    incident = inquiries.current_incident()
    if incident is None or not ActionForm().validate_on_submit():
        return redirect(url_for("supervisor.campaigns_list"), 303)
    try:
        campaign = campaigns.create(incident, _me(), follow_up=request.form.get("follow_up") == "1")
        db.session.commit()
    except campaigns.CampaignError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("supervisor.campaigns_list"), 303)
    return redirect(url_for("supervisor.campaign", campaign_id=campaign.id), 303)


def previews(campaign: NoticeCampaign) -> list[tuple[str, str, str]]:
    """(group, subject, body) as a person of each group would receive it (a follow-up: with a real change)."""
    report = db.session.get(Report, campaign.report_id)
    follow_ups = recontact.needing_follow_up(campaign.incident) if "{変更点}" in campaign.body else []
    out = []
    for group in (g for g in report.groups if g.affected):
        example = next((f for f in follow_ups if any(line.startswith(group.name) for line in f.changes)), None)
        changed = recontact.changes_text(example, report) if example else "（この区分の方で、内容が変わった方はいません）"
        facts = [GroupFacts(group.name, group)]
        extra = gifts.placeholders(campaign, SimpleNamespace(gift_code="XXXX-XXXX-XXXX"))
        out.append((group.name, notice_text.fill(campaign.subject, SAMPLE, facts),
                    notice_text.fill(campaign.body, SAMPLE, facts, changed=changed, extra=extra)))
    return out


def _page(campaign: NoticeCampaign, form: CampaignForm | None = None, status: int = 200):
    report = db.session.get(Report, campaign.report_id)
    form = form or CampaignForm(obj=campaign)
    return render_template(
        "agent/campaign.html", campaign=campaign, report=report, report_label=report_label(report), form=form,
        previews=previews(campaign), editable=campaign.state in campaigns.EDITABLE,
        approve_form=ApproveForm(seen=campaigns.content_hash(campaign)), action_form=ActionForm(),
        bounce_form=BounceForm(), returned_form=ReturnedForm(), progress=outcomes.progress(campaign),
        statuses=[s for s in DeliveryStatus if s is not DeliveryStatus.BOUNCED], to_print=DeliveryStatus.TO_PRINT, jst=jst, hour_label=outcomes.jst_hour, states=CampaignState,
        may_approve=campaign.state is CampaignState.AWAITING_APPROVAL and _me().id not in campaign.editors,
    ), status


@bp.route("/notices/<int:campaign_id>", methods=["GET", "POST"])
@role_required(Role.SUPERVISOR)
def campaign(campaign_id: int):
    """The text with a preview per group, the pace, and what to do next; saving edits the draft."""
    item = _campaign_or_404(campaign_id)
    form = CampaignForm()
    if form.is_submitted():
        if not form.validate():
            return _page(item, form, 422)
        try:
            campaigns.update(item, form.values(), _me())
            db.session.commit()
        except (campaigns.CampaignError, notice_text.NoticeTextError) as error:
            db.session.rollback()
            form.body.errors = list(form.body.errors) + [str(error)]
            return _page(_campaign_or_404(campaign_id), form, 422)
        flash("下書きを保存しました。", "success")
        return redirect(url_for("supervisor.campaign", campaign_id=campaign_id), 303)
    return _page(item)


def _step(campaign_id: int, action, done: str):
    """Run one campaign step from a button, report the outcome, and go back to the page."""
    item = _campaign_or_404(campaign_id)
    try:
        action(item)
        db.session.commit()
        flash(done, "success")
    except (campaigns.CampaignError, notice_text.NoticeTextError, letters.LetterError) as error:
        db.session.rollback()
        flash(str(error), "error")
    return redirect(url_for("supervisor.campaign", campaign_id=campaign_id), 303)


@bp.route("/notices/<int:campaign_id>/submit", methods=["POST"])
@role_required(Role.SUPERVISOR)
def campaign_submit(campaign_id: int):
    """Ask another supervisor to approve."""
    if not ActionForm().validate_on_submit():
        abort(400)
    return _step(campaign_id, lambda c: campaigns.submit(c, _me()), "承認を依頼しました。")


@bp.route("/notices/<int:campaign_id>/approve", methods=["POST"])
@role_required(Role.SUPERVISOR)
def campaign_approve(campaign_id: int):
    """Approve the text shown and start sending."""
    form = ApproveForm()
    if not form.validate_on_submit():
        abort(400)
    return _step(campaign_id, lambda c: campaigns.approve(c, _me(), form.seen.data or ""),
                 "承認しました。送信する時間帯に、設定した速さで送付いたします。")


@bp.route("/notices/<int:campaign_id>/pause", methods=["POST"])
@role_required(Role.SUPERVISOR)
def campaign_pause(campaign_id: int):
    """Stop queueing mail now."""
    if not ActionForm().validate_on_submit():
        abort(400)
    return _step(campaign_id, lambda c: campaigns.pause(c, f"{_me().display_name}が一時停止", _me()), "一時停止しました。")


@bp.route("/notices/<int:campaign_id>/resume", methods=["POST"])
@role_required(Role.SUPERVISOR)
def campaign_resume(campaign_id: int):
    """Start the mail again."""
    if not ActionForm().validate_on_submit():
        abort(400)
    return _step(campaign_id, lambda c: campaigns.resume(c, _me()), "送付を再開しました。")


@bp.route("/notices/<int:campaign_id>/letters.pdf", methods=["POST"])
@role_required(Role.SUPERVISOR)
def campaign_letters(campaign_id: int):
    """The next batch of letters as one PDF; they are recorded as printed."""
    item = _campaign_or_404(campaign_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        number, pdf, _count = letters.print_batch(item, _me(), WEB_BATCH)
        db.session.commit()
    except letters.LetterError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("supervisor.campaign", campaign_id=campaign_id), 303)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=letters-{campaign_id}-{number}.pdf", "Cache-Control": "no-store"})


@bp.route("/notices/<int:campaign_id>/bounces", methods=["POST"])
@role_required(Role.SUPERVISOR)
def campaign_bounces(campaign_id: int):
    """Read a DSN or bounce list: those notices go by letter."""
    form = BounceForm()
    if not form.validate_on_submit():
        flash("ファイルを選んでください。", "error")
        return redirect(url_for("supervisor.campaign", campaign_id=campaign_id), 303)
    data = form.file.data.read(2 * 1024 * 1024)
    holder = {}
    response = _step(campaign_id, lambda c: holder.update(r=outcomes.import_bounces(c, data, _me())),
                     "不達の通知を取り込みました。")
    if "r" in holder:
        r = holder["r"]
        flash(f"郵送に切り替え {r.moved}件、該当なし {r.unknown}件、処理済み {r.already}件。", "success")
    return response


@bp.route("/notices/<int:campaign_id>/returned", methods=["POST"])
@role_required(Role.SUPERVISOR)
def campaign_returned(campaign_id: int):
    """A letter came back undelivered."""
    form = ReturnedForm()
    if not form.validate_on_submit():
        abort(400)

    def mark(c):
        if not outcomes.letter_returned(c, form.number.data, _me()):
            raise letters.LetterError("そのお知らせ番号の郵送済みのお知らせは見つかりません。")
    return _step(campaign_id, mark, "返戻を記録しました。このお客様は公表による代替の対象になります。")
