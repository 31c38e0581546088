"""The staff login pages: password, one-time code, enrolling an authenticator app, logout."""

from datetime import datetime, timezone

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from .. import audit
from ..extensions import db
from ..models import User
from ..staff import accounts, mfa
from .auth import client_address, safe_next

bp = Blueprint("auth", __name__)
PENDING_KEY = "mfa_pending"
SETUP_KEY = "mfa_setup_secret"
PENDING_SECONDS = 300


class CodeForm(FlaskForm):
    """The six-digit code from the authenticator app."""

    code = StringField("確認コード（6桁）", validators=[DataRequired("確認コードを入力してください。"), Length(max=20)])


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField("ユーザー名", validators=[DataRequired("ユーザー名を入力してください。"), Length(max=64)])
    password = PasswordField("パスワード", validators=[DataRequired("パスワードを入力してください。"), Length(max=256)])


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Staff login form with throttling of repeated failures."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        name, address = form.username.data.strip(), client_address()
        cfg = current_app.config
        if accounts.is_throttled(name, address, cfg["LOGIN_MAX_FAILURES"], cfg["LOGIN_FAILURE_WINDOW_MINUTES"]):
            current_app.logger.warning("login throttled")
            return render_template("auth/login.html", form=form, throttled=True), 429
        user = accounts.authenticate(name, form.password.data)
        if user is None:
            accounts.record_failure(name, address)
            db.session.commit()
            current_app.logger.info("login failed")
            flash("ユーザー名またはパスワードが正しくありません。", "error")
            return render_template("auth/login.html", form=form), 200
        session.clear()
        if user.totp_secret:
            session[PENDING_KEY] = {"user": user.id, "version": user.session_version,
                                    "at": datetime.now(timezone.utc).timestamp(),
                                    "next": request.args.get("next", "")[:300]}
            return redirect(url_for("auth.login_code"))
        return _complete_login(user, request.args.get("next"))
    return render_template("auth/login.html", form=form)


def _complete_login(user: User, next_url: str | None):
    """Start the staff session (a fresh one: the identifier rotates at login)."""
    session.clear()
    session.permanent = True
    login_user(user)
    session["login_at"] = datetime.now(timezone.utc).timestamp()
    audit.record("login", "user", user.id, user=user)
    db.session.commit()
    return redirect(safe_next(next_url))


def _pending_user() -> User | None:
    """The user who gave the right password in the last few minutes and owes a code."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if datetime.now(timezone.utc).timestamp() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("user"))
    if user is None or not user.active or user.session_version != pending.get("version") or not user.totp_secret:
        return None
    return user


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    """Second step of login for accounts with a one-time password app."""
    user = _pending_user()
    if user is None:
        session.pop(PENDING_KEY, None)
        flash("もう一度ユーザー名とパスワードを入力してください。", "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        address, cfg = client_address(), current_app.config
        if accounts.is_throttled(user.username, address, cfg["LOGIN_MAX_FAILURES"], cfg["LOGIN_FAILURE_WINDOW_MINUTES"]):
            current_app.logger.warning("login code throttled")
            return render_template("auth/code.html", form=form, throttled=True), 429
        if mfa.verify(user, form.code.data):
            return _complete_login(user, session[PENDING_KEY].get("next"))
        accounts.record_failure(user.username, address)
        db.session.commit()
        current_app.logger.info("login code failed")
        form.code.errors = list(form.code.errors) + ["確認コードが正しくないか、既に使われています。アプリに表示されている新しいコードを入力してください。"]
    return render_template("auth/code.html", form=form)


@bp.route("/account/mfa", methods=["GET", "POST"])
@login_required
def mfa_setup():
    """Turn on the one-time password app for the logged-in account."""
    user = db.session.get(User, current_user.id)
    if user.totp_secret:
        return render_template("auth/mfa.html", enabled=True)
    secret = session.get(SETUP_KEY) or mfa.new_secret()
    session[SETUP_KEY] = secret
    form = CodeForm()
    if form.validate_on_submit():
        if mfa.enable(user, secret, form.code.data):
            accounts.end_all_sessions(user)  # other browsers logged in with the password alone
            db.session.commit()
            started = session.get("login_at")
            session.clear()
            login_user(user)
            session["login_at"] = started or datetime.now(timezone.utc).timestamp()
            flash("二段階認証を有効にしました。次回から、ログインの際に確認コードを入力してください。", "success")
            return redirect(safe_next(None))
        form.code.errors = list(form.code.errors) + ["確認コードが正しくありません。アプリの時刻設定と、表示中のコードをご確認ください。"]
    uri = mfa.provisioning_uri(user, secret, current_app.config["COMPANY_NAME"])
    return render_template("auth/mfa.html", enabled=False, form=form, secret=secret, qr=mfa.qr_data_uri(uri),
                           required=current_app.config["REQUIRE_MFA"])


@bp.route("/logout", methods=["POST"])
def logout():
    """End this session and every other session of the user."""
    if current_user.is_authenticated:
        user = db.session.scalar(select(User).filter_by(id=current_user.id))
        accounts.end_all_sessions(user)
        audit.record("logout", "user", user.id, user=user)
        db.session.commit()
        logout_user()
    session.clear()
    flash("ログアウトしました。", "info")
    return redirect(url_for("auth.login"))
