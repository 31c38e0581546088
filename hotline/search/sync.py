"""Run search-index updates only once the database change they mirror is committed.

Domain functions call ``after_commit(action)`` inside a transaction; the actions run
after the outermost commit and are dropped when it rolls back. Actions must not use
the database (the session has no transaction when they run): compute what they
need, such as a document dict and the index directory, before registering them.
"""

import logging
from typing import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db

log = logging.getLogger(__name__)
PENDING = "hotline.after_commit"


def after_commit(action: Callable[[], None]) -> None:
    """Queue `action` for when the current transaction of db.session commits."""
    db.session.info.setdefault(PENDING, []).append(action)


@event.listens_for(Session, "after_commit")
def _run_pending(session) -> None:
    """Run queued actions after the outermost commit (a released savepoint is not one)."""
    if session.in_nested_transaction():
        return
    for action in session.info.pop(PENDING, []):
        try:
            action()
        except Exception:  # noqa: BLE001 - the commit stands; `flask … reindex` repairs an index
            log.exception("search index update failed after commit")


@event.listens_for(Session, "after_transaction_end")
def _forget_pending(session, transaction) -> None:
    """A rolled-back outermost transaction takes its queued actions with it."""
    if transaction.parent is None:
        session.info.pop(PENDING, None)
