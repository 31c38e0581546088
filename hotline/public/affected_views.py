"""The public checks: 「お知らせの真偽確認」 (/verify) and 「対象かどうかの確認」 (/affected).

Wrong inputs all get the same page; both are rate limited per address; nothing is
cached (a found answer is the person's own). A message that cannot be confirmed can
be reported in one click, which files an urgent inquiry (不審な連絡).
"""

from flask import Blueprint, current_app, redirect, url_for

from .. import affected, inquiries, throttle
from ..extensions import db
from ..models import InquiryCategory, ReplyBy
from ..notices import phrasing
from ..web.auth import client_address
from ..web.security import public
from .affected_forms import SelfCheckForm, SuspiciousForm, VerifyForm
from .inquiry_views import HOUR, _page, _too_many

bp = Blueprint("check", __name__)


@bp.route("/verify", methods=["GET", "POST"])
@public
def verify():
    """A notice number and code → whether the notice is ours."""
    form = VerifyForm()
    result, not_found = None, False
    if form.is_submitted() and not throttle.hit(
            "verify", client_address(), current_app.config["VERIFY_PER_HOUR"], HOUR):
        return _too_many("verify", "verify")
    if form.validate_on_submit():
        result = affected.verify_notice(form.number.data, form.code.data)
        not_found = result is None
    return _page("check/verify.html", form=form, result=result, not_found=not_found,
                 report_form=SuspiciousForm(number=form.number.data), format_date=phrasing.format_date)


@bp.route("/verify/report", methods=["POST"])
@public
def report_suspicious():
    """File what the person received as an urgent inquiry, without asking who they are."""
    form = SuspiciousForm()
    address, cfg = client_address(), current_app.config
    if throttle.count("inquiry", address, HOUR) >= cfg["INQUIRY_LIMIT_PER_HOUR"]:
        return _too_many("inquiry", "inquiry")
    if not form.validate_on_submit():
        return redirect(url_for("check.verify"), 303)
    number = form.number.data or "（記載なし・未入力）"
    message = ("お知らせの真偽確認で確認できなかった連絡の報告です。\n"
               f"記載のお知らせ番号: {number}\n" + (form.note.data or "（内容の記載なし）"))
    inquiries.receive({"name": "（真偽確認からの報告）", "reply_by": ReplyBy.NONE,
                       "category": InquiryCategory.SUSPICIOUS_CONTACT, "message": message,
                       "notice_number": (form.number.data or "")[:40]})
    throttle.record("inquiry", address)
    db.session.commit()
    return _page("check/reported.html")


@bp.route("/affected", methods=["GET", "POST"])
@public
def self_check():
    """The pair the company can verify → in scope and which items, or the one not-found page."""
    labels = affected.MODES[affected.mode()]
    form = SelfCheckForm().label_for(labels)
    result, not_found = None, False
    if form.is_submitted() and not throttle.hit(
            "affected", client_address(), current_app.config["AFFECTED_CHECKS_PER_HOUR"], HOUR):
        return _too_many("affected", "affected")
    if form.validate_on_submit():
        result = affected.self_check(form.first.data, form.second.data)
        not_found = result is None
        db.session.commit()
    return _page("check/affected.html", form=form, result=result, not_found=not_found,
                 mode=affected.mode(), format_date=phrasing.format_date)
