"""Rate limits shared by every worker process, counted in the database.

Keys are hashed with the secret key, so the table never holds a raw address.
"""

import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from sqlalchemy import Integer, bindparam, delete, func, select

from .extensions import add_row, db, driver_rows
from .models import LoginAttempt, RateEvent
from .models._types import utcnow

KEEP = timedelta(days=1)


def hashed(raw: str) -> str:
    """A keyed hash of an address or other identifier."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, raw.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:64]


def count(bucket: str, raw_key: str, window_seconds: int, cap: int | None = None) -> int:
    """How many events this key had in the bucket within the window (counting stops at `cap`).

    A flood from one address leaves thousands of events in the window; with a cap the
    check reads at most that many index entries, however long the flood lasts.
    """
    since = utcnow() - timedelta(seconds=window_seconds)
    events = select(RateEvent.id).where(
        RateEvent.bucket == bucket, RateEvent.key == hashed(raw_key), RateEvent.created_at >= since)
    if cap is not None:
        events = events.limit(cap)
    return db.session.scalar(select(func.count()).select_from(events.subquery())) or 0


def _counts_statement(size: int):
    """The statement of `counts` for `size` buckets, built once: bucket names, caps, key and
    start of the window are parameters (building it costs more than running it)."""
    if size not in _COUNTS:
        _COUNTS[size] = select(*[select(func.count()).select_from(
            select(RateEvent.id).where(RateEvent.bucket == bindparam(f"b{n}"), RateEvent.key == bindparam("key"),
                                       RateEvent.created_at >= bindparam("since", type_=RateEvent.created_at.type))
            .limit(bindparam(f"cap{n}", type_=Integer)).subquery()).scalar_subquery().label(f"c{n}")
            for n in range(size)])
    return _COUNTS[size]


_COUNTS: dict = {}


def counts(buckets: dict[str, int], raw_key: str, window_seconds: int) -> dict[str, int]:
    """`count` for several buckets of one key in one statement: {bucket: cap} → {bucket: count}."""
    params = {"since": utcnow() - timedelta(seconds=window_seconds), "key": hashed(raw_key)}
    for number, (bucket, cap) in enumerate(buckets.items()):
        params |= {f"b{number}": bucket, f"cap{number}": cap}
    row = driver_rows(_counts_statement(len(buckets)), params)[0]
    return {bucket: row[number] or 0 for number, bucket in enumerate(buckets)}


def hit(bucket: str, raw_key: str, limit: int, window_seconds: int, commit: bool = True) -> bool:
    """Count one event and say whether it is within the limit.

    The event is committed at once, so a flood is counted even when the request that
    caused it fails later; a caller that commits on every path of its own (and would
    otherwise pay for a second durable commit) passes commit=False.
    """
    allowed = count(bucket, raw_key, window_seconds, cap=limit) < limit
    add_row(RateEvent, bucket=bucket, key=hashed(raw_key))
    if commit:
        db.session.commit()
    return allowed


def record(bucket: str, raw_key: str) -> None:
    """Count one event without checking a limit (the caller checked with `count`)."""
    add_row(RateEvent, bucket=bucket, key=hashed(raw_key))


def retry_after(bucket: str, raw_key: str, window_seconds: int) -> int:
    """Seconds until the oldest counted event of this key leaves the window (at least 60)."""
    since = utcnow() - timedelta(seconds=window_seconds)
    oldest = db.session.scalar(select(func.min(RateEvent.created_at)).where(
        RateEvent.bucket == bucket, RateEvent.key == hashed(raw_key), RateEvent.created_at >= since))
    if oldest is None:
        return 60
    return max(60, int((oldest - since).total_seconds()) + 1)


def purge_old() -> int:
    """Delete rate events and failed-login records older than a day; returns how many."""
    cutoff = utcnow() - KEEP
    events = db.session.execute(delete(RateEvent).where(RateEvent.created_at < cutoff)).rowcount or 0
    logins = db.session.execute(delete(LoginAttempt).where(LoginAttempt.created_at < cutoff)).rowcount or 0
    return events + logins
