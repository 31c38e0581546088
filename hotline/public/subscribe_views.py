"""Email news of an incident: subscribe (double opt-in), confirm from the mail, stop from any mail.

No login, no JavaScript. The confirmation and stop links open a page with one button
(a POST), so a mail scanner following links neither confirms nor stops anything; the
stop address also takes a POST directly, for mail programs' one-click unsubscribe.
"""

from flask import Blueprint, current_app, redirect, url_for
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from .. import subscribers, throttle
from ..extensions import csrf, db
from ..web.auth import client_address
from ..web.form_filters import email_address
from ..web.form_filters import nfkc_line as _nfkc
from ..web.form_filters import too_long as _too_long
from ..web.security import public
from .inquiry_views import HOUR, _page, _too_many
from .views import _incident_or_404

bp = Blueprint("subscribe", __name__)


class SubscribeForm(FlaskForm):
    """The address to send new reports to."""

    email = StringField("メールアドレス", filters=[_nfkc], validators=[
        DataRequired("メールアドレスを入力してください。"), _too_long(254), email_address])


@bp.route("/notices/<slug>/subscribe", methods=["GET", "POST"])
@public
def form(slug: str):
    """Ask for an address; a valid post sends the confirmation mail and says so, whatever the address."""
    incident = _incident_or_404(slug)
    form = SubscribeForm()
    error = ""
    if form.is_submitted() and not throttle.hit("subscribe", client_address(),
                                                 current_app.config["SUBSCRIBE_PER_HOUR"], HOUR):
        return _too_many("subscribe", "subscribe")
    if form.validate_on_submit():
        try:
            subscribers.subscribe(incident, form.email.data)
        except subscribers.SubscriptionError as problem:
            db.session.rollback()
            error = str(problem)
        else:
            db.session.commit()
            return redirect(url_for("subscribe.sent", slug=slug), 303)
    db.session.commit()
    return _page("subscribe/form.html", incident=incident, form=form, error=error,
                 status=422 if (form.errors or error) else 200)


@bp.route("/notices/<slug>/subscribe/sent")
@public
def sent(slug: str):
    """What happens next (the same page whether or not the address was already subscribed)."""
    return _page("subscribe/sent.html", incident=_incident_or_404(slug), hours=subscribers.CONFIRM_HOURS)


@bp.route("/subscribe/confirm/<token>", methods=["GET", "POST"])
@public
def confirm(token: str):
    """The link of the confirmation mail: one button confirms."""
    form = FlaskForm()
    if form.validate_on_submit():
        done = subscribers.confirm(token)
        db.session.commit()
        return _page("subscribe/confirmed.html", subscriber=done, status=200 if done else 404)
    found = subscribers.find_by_confirm_token(token)
    return _page("subscribe/confirm.html", subscriber=found, form=form, status=200 if found else 404)


@bp.route("/subscribe/stop/<token>", methods=["GET", "POST"])
@public
@csrf.exempt  # the token is the authority; mail programs post here for one-click unsubscribe
def stop(token: str):
    """The link in every report mail: one button stops the mail."""
    from flask import request

    if request.method == "POST":
        done = subscribers.stop(token)
        db.session.commit()
        return _page("subscribe/stopped.html", subscriber=done, status=200 if done else 404)
    found = subscribers.find_by_stop_token(token)
    return _page("subscribe/stop.html", subscriber=found, token=token, status=200 if found else 404)
