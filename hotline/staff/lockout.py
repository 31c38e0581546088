"""Failed logins slow guessing without letting a stranger keep a staff member out.

Counted in the database (LoginAttempt, keyed hashes of name and address), so every worker
and node agrees. Three counts over the window:

- the same name from the same address: after `limit` failures each further try from that
  pair waits longer (1, 2, 4 … seconds, at most MAX_WAIT), so one source cannot guess fast;
- the same name from anywhere, or anything from one address (`limit` × 4): the account or
  address is under attack. Then a password alone no longer logs in; the password together
  with the one-time code of the account's authenticator app still does. Failures from
  elsewhere therefore never lock out a staff member who has the second factor — the
  account-wide lock that an attacker knowing staff names could hold forever is gone.

The wait of a pair never keeps out the owner who has the second factor either (an office
behind one address shares it with whoever guesses there): the password together with a
valid one-time code passes through it. Someone who knows the password cannot guess codes
through it without end: after MAX_CODE_FAILURES wrong codes in the window, no code is
taken for the account (code_tries_left), from anywhere.

The owner learns of failures at the next login (failures_since).
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..extensions import db
from ..models import AuditEvent, LoginAttempt, User
from ..models._types import utcnow
from .accounts import hashed

MAX_WAIT = 60
MAX_CODE_FAILURES = 10
WRONG_CODE = "wrong code"  # the audit detail of a right password with a wrong one-time code


@dataclass(frozen=True)
class Gate:
    """What a login try from this name and address must clear."""

    wait_seconds: int  # try again after this long (this pair failed too often)
    needs_code: bool  # under attack: only the password with the one-time code passes


def gate(username: str, address: str, limit: int, window_minutes: int, now: datetime | None = None) -> Gate:
    """The gate for one name from one address, from the failures in the window."""
    now = now or utcnow()
    since = now - timedelta(minutes=window_minutes)
    name, place = hashed(username), hashed(address)
    recent = select(func.count(LoginAttempt.id)).where(LoginAttempt.created_at >= since)
    pair = db.session.scalar(recent.where(LoginAttempt.username == name, LoginAttempt.address == place))
    by_name = db.session.scalar(recent.where(LoginAttempt.username == name))
    by_address = db.session.scalar(recent.where(LoginAttempt.address == place))
    wait = 0
    if pair >= limit:
        last = db.session.scalar(select(func.max(LoginAttempt.created_at)).where(
            LoginAttempt.username == name, LoginAttempt.address == place))
        delay = min(2 ** (pair - limit), MAX_WAIT)
        wait = max(0, math.ceil(delay - (now - last).total_seconds()))
    return Gate(wait, pair >= limit or by_name >= limit or by_address >= limit * 4)


def failures_since(user: User) -> tuple[int, datetime | None]:
    """Failed logins for this account since its previous successful login: (count, latest)."""
    previous = db.session.scalar(select(func.max(AuditEvent.created_at)).where(
        AuditEvent.action == "login", AuditEvent.user_id == user.id))
    query = select(func.count(LoginAttempt.id), func.max(LoginAttempt.created_at)).where(
        LoginAttempt.username == hashed(user.username))
    if previous is not None:
        query = query.where(LoginAttempt.created_at > previous)
    count, latest = db.session.execute(query).one()
    return count or 0, latest


def code_tries_left(user: User, window_minutes: int, now: datetime | None = None) -> bool:
    """False once the account's password was given with a wrong one-time code MAX_CODE_FAILURES
    times in the window: only someone holding the password can use these up."""
    since = (now or utcnow()) - timedelta(minutes=window_minutes)
    wrong = db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "login_failed", AuditEvent.target_id == str(user.id),
        AuditEvent.detail == WRONG_CODE, AuditEvent.created_at >= since))
    return wrong < MAX_CODE_FAILURES

