"""Staff accounts: creation, password checks, failed logins (the gate is in lockout.py). No Flask views here."""

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from .. import audit
from ..extensions import db
from ..models import LoginAttempt, Role, User
from ..throttle import hashed

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
# Checked when a username is unknown, so both paths cost the same time.
_DUMMY_HASH = generate_password_hash("not a real password")


class AccountError(ValueError):
    """A rule about accounts was broken; the message is Japanese and shown to users."""


def create_user(username: str, display_name: str, password: str, role: Role, by: User | None = None) -> User:
    """Create a staff account with a hashed password (audited; `by` is the administrator, if known)."""
    username = username.strip()
    if not username or len(username) > 64 or not username.isascii() or not username.isprintable():
        raise AccountError("ユーザー名は64文字以内の半角英数字で指定してください。")
    if len(password) < MIN_PASSWORD_LENGTH or len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(
            f"パスワードは{MIN_PASSWORD_LENGTH}文字以上{MAX_PASSWORD_LENGTH}文字以内にしてください。"
        )
    if db.session.scalar(select(User).filter_by(username=username)):
        raise AccountError("そのユーザー名は既に使われています。")
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        password_hash=generate_password_hash(password),
        role=role,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("create", "user", user.id, f"role={role.value}", user=by)
    return user


def authenticate(username: str, password: str) -> User | None:
    """Return the active user whose password matches, or None."""
    user = db.session.scalar(select(User).filter_by(username=username.strip()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def record_failure(username: str, address: str) -> None:
    """Remember one failed login, as keyed hashes (a password typed as a name stays unreadable)."""
    db.session.add(LoginAttempt(username=hashed(username), address=hashed(address)))


def end_all_sessions(user: User) -> None:
    """Invalidate every session of this user (logout everywhere, disabling)."""
    user.session_version += 1


def set_active(user: User, active: bool, by: User | None = None) -> None:
    """Enable or disable an account; disabling ends its sessions at once (audited)."""
    user.active = active
    if not active:
        end_all_sessions(user)
    audit.record("enable" if active else "disable", "user", user.id, user=by)
