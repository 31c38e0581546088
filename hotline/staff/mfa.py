"""Time-based one-time passwords (TOTP, RFC 6238) as the second factor for staff.

Plain functions over the User model; codes are accepted once (a replayed code is
refused) within one 30-second step either side, to allow for clock drift.
"""

import hmac
import time
import unicodedata

import pyotp
import segno

from .. import audit
from ..models import User

STEP_SECONDS = 30
DRIFT_STEPS = 1


def new_secret() -> str:
    """A fresh base32 secret (160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(user: User, secret: str, issuer: str) -> str:
    """The otpauth:// address authenticator apps read from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=issuer)


def qr_data_uri(uri: str) -> str:
    """The QR code of `uri` as an SVG data: URI (allowed by the page's CSP)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _clean(code: str) -> str:
    """Digits of what was typed (full-width digits and spaces accepted)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", code or "") if ch.isdigit())


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step whose code equals `code`, within the allowed drift, or None."""
    code = _clean(code)
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = int((now if now is not None else time.time()) // STEP_SECONDS)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def verify(user: User, code: str, now: float | None = None) -> bool:
    """Check a login code; each code works once (its step must be newer than the last used)."""
    if not user.totp_secret:
        return False
    step = matching_step(user.totp_secret, code, now)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True


def enable(user: User, secret: str, code: str, now: float | None = None) -> bool:
    """Turn the second factor on once the user proves their app shows the right code."""
    step = matching_step(secret, code, now)
    if step is None:
        return False
    user.totp_secret, user.totp_last_step = secret, step
    audit.record("mfa_enable", "user", user.id, user=user)
    return True


def reset(user: User, by: User | None = None) -> None:
    """Remove the second factor (a lost phone); the user enrolls again at next login."""
    user.totp_secret, user.totp_last_step = None, None
    user.session_version += 1
    audit.record("mfa_reset", "user", user.id, user=by)
