"""Staff sessions: the user loader, session lifetime, the second-factor gate and role guards.

Every staff blueprint guards its views with `role_required`; the login pages
themselves are in hotline.web.login_views.
"""

import ipaddress
from datetime import datetime, timezone
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, request, session, url_for
from flask_login import current_user, logout_user

from ..extensions import db, login_manager
from ..models import Role, User
from .security import is_public_endpoint


def init_app(app) -> None:
    """Configure Flask-Login and the session timeouts."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "このページを表示するにはログインしてください。"
    login_manager.session_protection = "basic"
    app.before_request(_enforce_absolute_timeout)
    app.before_request(_require_second_factor)


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
    """The caller's address for rate limits (ProxyFix rewrites it behind a trusted proxy).

    An IPv6 host usually controls a whole /64, so IPv6 callers are counted by that prefix.
    """
    address = request.remote_addr or "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


def _require_second_factor():
    """When the second factor is required, staff without it can only enroll or log out."""
    if not current_app.config.get("REQUIRE_MFA") or not current_user.is_authenticated:
        return None
    if current_user.totp_secret or request.endpoint in {"auth.mfa_setup", "auth.logout", "static"}:
        return None
    if is_public_endpoint(request.endpoint):
        return None
    return redirect(url_for("auth.mfa_setup"))
