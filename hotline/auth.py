"""Staff login, logout, session lifetime and role guards."""

from datetime import datetime, timezone
from functools import wraps
from urllib.parse import urlsplit

from flask import (
    Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for,
)
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from . import accounts, audit
from .extensions import db, login_manager
from .models import Role, User
from .security import is_public_endpoint

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField("ユーザー名", validators=[DataRequired("ユーザー名を入力してください。"), Length(max=64)])
    password = PasswordField("パスワード", validators=[DataRequired("パスワードを入力してください。"), Length(max=256)])


def init_app(app) -> None:
    """Configure Flask-Login and the session timeouts."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "このページを表示するにはログインしてください。"
    login_manager.session_protection = "basic"
    app.before_request(_enforce_absolute_timeout)


@login_manager.user_loader
def _load_user(token: str) -> User | None:
    """Load a user from the session token; stale versions and disabled accounts fail."""
    user_id, _, version = token.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def _enforce_absolute_timeout() -> None:
    """Log staff out after a fixed number of hours, however active they were.

    Public pages skip this so they never touch the session and stay cacheable.
    """
    if is_public_endpoint(request.endpoint):
        return
    started = session.get("login_at")
    if started is None or not current_user.is_authenticated:
        return
    age_hours = (datetime.now(timezone.utc).timestamp() - started) / 3600
    if age_hours > current_app.config["STAFF_SESSION_MAX_HOURS"]:
        logout_user()
        session.clear()


def role_required(role: Role):
    """Decorator: the current user must have at least `role`."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def safe_next(target: str | None) -> str:
    """Return `target` only if it is a path on this site; otherwise the staff home
    (the inquiry queue for agents, the announcements dashboard for supervisors)."""
    manager = current_user.is_authenticated and current_user.has_role(Role.SUPERVISOR)
    fallback = url_for("admin.dashboard") if manager else url_for("agent.queue")
    if not target or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


def client_address() -> str:
    """The caller's address (ProxyFix rewrites it when behind a trusted proxy)."""
    return request.remote_addr or "unknown"


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
        session.permanent = True
        login_user(user)
        session["login_at"] = datetime.now(timezone.utc).timestamp()
        audit.record("login", "user", user.id, user=user)
        db.session.commit()
        return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


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
