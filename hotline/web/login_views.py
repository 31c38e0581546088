"""The staff login pages: password, one-time code, enrolling an authenticator app, logout."""

from datetime import datetime, timezone

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from .. import audit
from ..extensions import db
from ..models import User
from ..notices.report_view import jst
from ..staff import accounts, lockout, mfa
from .auth import client_address, safe_next

bp = Blueprint("auth", __name__)
PENDING_KEY = "mfa_pending"
SETUP_KEY = "mfa_setup_secret"
PENDING_SECONDS = 300


class CodeForm(FlaskForm):
    """The six-digit code from the authenticator app."""

    code = StringField("確認コード（6桁）", validators=[DataRequired("確認コードを入力してください。"), Length(max=20)])


class LoginForm(FlaskForm):
    """Username and password; the one-time code too while the account or address is under attack."""

    username = StringField("ユーザー名", validators=[DataRequired("ユーザー名を入力してください。"), Length(max=64)])
    password = PasswordField("パスワード", validators=[DataRequired("パスワードを入力してください。"), Length(max=256)])
    code = StringField("確認コード（認証アプリの6桁）", validators=[Length(max=20)])


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Staff login form with throttling of repeated failures."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        name, address = form.username.data.strip(), client_address()
        cfg = current_app.config
        window = cfg["LOGIN_FAILURE_WINDOW_MINUTES"]
        gate = lockout.gate(name, address, cfg["LOGIN_MAX_FAILURES"], window)
        user = accounts.authenticate(name, form.password.data)
        if gate.wait_seconds:
            # This name and address must wait, but the owner with the password and a valid code
            # passes (others behind the same address may be the ones guessing). Any other try
            # gets the same answer, so the wait tells nobody whether the password was right.
            if user is not None and user.totp_secret and form.code.data:
                if lockout.code_tries_left(user, window) and mfa.verify(user, form.code.data):
                    return _complete_login(user, request.args.get("next"))
                _wrong_code(user, address)
            return _refused(form, gate.wait_seconds, name)
        if gate.needs_code:  # under attack: the password counts only with the code of the account's app
            if user is not None and user.totp_secret and form.code.data:
                if lockout.code_tries_left(user, window) and mfa.verify(user, form.code.data):
                    return _complete_login(user, request.args.get("next"))
                _wrong_code(user, address)
                return _failed(form, name, user, needs_code=True, counted=True)
            return _failed(form, name, user, needs_code=True)
        if user is None:
            return _failed(form, name, user, needs_code=False)
        session.clear()
        if user.totp_secret:
            session[PENDING_KEY] = {"user": user.id, "version": user.session_version,
                                    "at": datetime.now(timezone.utc).timestamp(),
                                    "next": request.args.get("next", "")[:300]}
            return redirect(url_for("auth.login_code"))
        return _complete_login(user, request.args.get("next"))
    return render_template("auth/login.html", form=form)


def _known_id(name: str):
    """The id of the account a name belongs to, for the audit log ('' for an unknown name)."""
    user = db.session.scalar(select(User).filter_by(username=name))
    return user.id if user is not None else ""


def _failed(form: LoginForm, name: str, user: User | None, needs_code: bool, counted: bool = False):
    """Count a failed try (unless `counted` already), audit it, and answer without saying which part was wrong."""
    if not counted:
        accounts.record_failure(name, client_address())
        audit.record("login_failed", "user", _known_id(name), detail="code required" if needs_code else "", user=None)
        db.session.commit()
    current_app.logger.info("login failed")
    if needs_code:
        form.code.errors = ["ログインの失敗が続いているため、確認コードも入力していただく必要があります。"
                            "認証アプリに表示されている6桁のコードを、ユーザー名・パスワードとあわせて入力してください。"]
    else:
        flash("ユーザー名またはパスワードが正しくありません。", "error")
    return render_template("auth/login.html", form=form, needs_code=needs_code), 200


def _wrong_code(user: User, address: str) -> None:
    """A right password with a wrong one-time code: counted like any failure, and against the
    account's code tries (lockout.code_tries_left)."""
    accounts.record_failure(user.username, address)
    audit.record("login_failed", "user", user.id, detail=lockout.WRONG_CODE, user=None)
    db.session.commit()


def _refused(form: LoginForm, wait: int, name: str):
    """Too many failures from this name and address just now: say how long to wait."""
    audit.record("login_throttled", "user", _known_id(name), detail=f"wait={wait}s", user=None)
    db.session.commit()
    current_app.logger.warning("login throttled")
    response = make_response(render_template("auth/login.html", form=form, wait=wait, needs_code=True), 429)
    response.headers["Retry-After"] = str(wait)
    return response


def _complete_login(user: User, next_url: str | None):
    """Start the staff session (a fresh one: the identifier rotates at login)."""
    session.clear()
    session.permanent = True
    login_user(user)
    session["login_at"] = datetime.now(timezone.utc).timestamp()
    failures, latest = lockout.failures_since(user)
    if failures:
        flash(f"前回のログインの後、このアカウントへのログインの失敗が{failures}回ありました（最後：{jst(latest)}）。"
              "心当たりがない場合は、管理者に連絡し、パスワードを変更してください。", "warning")
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
        address, window = client_address(), current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"]
        if not lockout.code_tries_left(user, window):  # the password was right; codes are being guessed
            current_app.logger.warning("login code throttled")
            response = make_response(render_template("auth/code.html", form=form, wait=window * 60), 429)
            response.headers["Retry-After"] = str(window * 60)
            return response
        if mfa.verify(user, form.code.data):
            return _complete_login(user, session[PENDING_KEY].get("next"))
        _wrong_code(user, address)
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
