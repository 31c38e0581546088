"""The audit trail: append-only records of who did what."""

from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from .extensions import db
from .models import AuditEvent


class AuditImmutable(RuntimeError):
    """Raised when code tries to change or delete an audit row."""


def record(action: str, target_type: str, target_id, detail: str = "", user=None) -> AuditEvent:
    """Add an audit row in the current transaction (no personal data in `detail`)."""
    if user is None and current_user and current_user.is_authenticated:
        user = current_user
    event_row = AuditEvent(
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        detail=detail[:500],
        user_id=user.id if user is not None else None,
    )
    db.session.add(event_row)
    return event_row


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session, _context, _instances) -> None:
    """Audit rows are written once and never edited or deleted by the application."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise AuditImmutable("audit rows cannot be changed or deleted")
