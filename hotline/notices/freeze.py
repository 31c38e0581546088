"""Published reports do not change: the ORM refuses any flush that would alter one.

Installed when hotline.notices is imported; nothing needs to call it.
"""

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from ..models import AffectedGroup, GroupItem, Report, ReportState
from .workflow import FROZEN_MESSAGE, ReportFrozen


def _was_published(obj) -> bool:
    """True if the report (as loaded from the database) was already published.

    A report expired by a commit has no state in memory: it is read from the database
    first (a group attached to it by object would otherwise pass unseen)."""
    info = inspect(obj)
    if "state" in info.unloaded:
        with info.session.no_autoflush:
            obj.state  # noqa: B018 - loads the stored value
    history = info.attrs.state.history
    before = history.deleted or history.unchanged
    return bool(before) and before[0] is ReportState.PUBLISHED


@event.listens_for(Session, "before_flush")
def _freeze_published(session, _context, _instances) -> None:
    """Last line of defence: no flush may change or delete a published report."""
    for obj in list(session.dirty) + list(session.deleted):
        report = _owning_report(session, obj)
        if report is None or inspect(report).pending:
            continue
        if obj in session.dirty and not session.is_modified(obj):
            continue
        if _was_published(report):
            raise ReportFrozen(FROZEN_MESSAGE)
    for obj in session.new:
        report = _owning_report(session, obj) if isinstance(obj, (AffectedGroup, GroupItem)) else None
        if report is not None and not inspect(report).pending and _was_published(report):
            raise ReportFrozen(FROZEN_MESSAGE)


def _owning_report(session, obj) -> Report | None:
    """The report an object belongs to: itself, the report of a group, or of an item's group."""
    if isinstance(obj, GroupItem):
        obj = obj.group or _stored(session, AffectedGroup, obj.group_id)
    if isinstance(obj, AffectedGroup):
        return obj.report or _stored(session, Report, obj.report_id)
    return obj if isinstance(obj, Report) else None


def _stored(session, model, key):
    """The row with this primary key, or None when there is no key yet."""
    return session.get(model, key) if key is not None else None
