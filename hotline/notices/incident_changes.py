"""Changes of an incident that readers have seen: requested by one supervisor, approved by another.

Once a report of an incident is published, its title, awareness date (which sets the
regulator's deadlines), kind, status (収束 included) and contact window change only
through `request_change` and `approve_change`; before that, `request_change` applies the
change at once. Either way the audit log holds every value before and after. A flush that
changes those fields any other way is refused (`guard_incident_fields`).
"""

import json
from datetime import date

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from .. import audit
from ..extensions import db
from ..models import ChangeState, Incident, IncidentChange, IncidentStatus, Report, ReportState, Role, User
from ..models._types import utcnow
from . import phrasing
from .regulator import regulator_deadlines
from .workflow import NoticeError, published_reports, require_role

GUARDED = {
    "title": "事案の名称",
    "aware_on": "発覚日",
    "malicious": "事案の種別",
    "status": "状態",
    "contact_phone": "窓口の電話番号",
    "contact_hours": "受付時間",
    "contact_form_url": "問い合わせフォームのURL",
    "contact_schedule": "受付時間の予定",
}
ALLOWED = "hotline.approved_incident_changes"


class ChangeNeedsApproval(NoticeError):
    """A published incident was about to change without a second person's approval."""


def _apply(incident: Incident, fields: dict) -> None:
    """Change an incident nobody has read about yet; the slug stays unique."""
    slug = fields.get("slug", incident.slug)
    if slug != incident.slug:
        if published_reports(incident):
            raise NoticeError("公開済みの報がある事案のスラッグは変更できません（公開URLが変わるため）。")
        if db.session.scalar(select(Incident).filter_by(slug=slug)):
            raise NoticeError("そのスラッグは既に使われています。")
    for name, value in fields.items():
        setattr(incident, name, value)


def _encode(value):
    """A field value as JSON can hold it."""
    if isinstance(value, date):
        return value.isoformat()
    return getattr(value, "value", value)


def _decode(name: str, value):
    """A field value from its JSON form."""
    if name == "aware_on":
        return date.fromisoformat(value)
    if name == "status":
        return IncidentStatus(value)
    return value


def pending_change(incident: Incident) -> IncidentChange | None:
    """The change of this incident waiting for approval, if any."""
    return db.session.scalar(select(IncidentChange).filter_by(incident_id=incident.id, state=ChangeState.PENDING))


def request_change(incident: Incident, fields: dict, user: User, reason: str = "") -> IncidentChange | None:
    """Ask for a change; applied at once (None) while nothing of the incident is public."""
    require_role(user, Role.SUPERVISOR, "事案の変更には責任者以上の権限が必要です。")
    if not published_reports(incident):
        before = {name: _encode(getattr(incident, name)) for name in fields if name in GUARDED or name == "slug"}
        _apply(incident, fields)
        after = {name: _encode(getattr(incident, name)) for name in before}
        _audit_values("update", incident.id, before, after, user)
        return None
    if fields.get("slug", incident.slug) != incident.slug:
        raise NoticeError("公開済みの報がある事案のスラッグは変更できません（公開URLが変わるため）。")
    changes = {name: [_encode(getattr(incident, name)), _encode(value)] for name, value in fields.items()
               if name in GUARDED and _encode(getattr(incident, name)) != _encode(value)}
    if not changes:
        raise NoticeError("変更された項目がありません。")
    if pending_change(incident) is not None:
        raise NoticeError("この事案には承認待ちの変更があります。先にその変更を承認するか、取り下げてください。")
    change = IncidentChange(incident=incident, changes=json.dumps(changes, ensure_ascii=False),
                            reason=reason.strip()[:300], requested_by=user)
    db.session.add(change)
    db.session.flush()
    audit.record("request_change", "incident", incident.id, detail=_summary(changes), user=user)
    return change


def approve_change(change: IncidentChange, user: User) -> Incident:
    """A second supervisor applies a requested change, if the incident still reads as it did."""
    require_role(user, Role.SUPERVISOR, "事案の変更の承認には責任者以上の権限が必要です。")
    if change.state is not ChangeState.PENDING:
        raise NoticeError("承認待ちの変更だけを承認できます。")
    if change.requested_by_id == user.id:
        raise NoticeError("変更を申請した本人は承認できません。別の責任者に承認を依頼してください。")
    incident, changes = change.incident, json.loads(change.changes)
    if any(_encode(getattr(incident, name)) != before for name, (before, _after) in changes.items()):
        raise NoticeError("申請の後に事案の内容が変わっています。この申請を取り下げ、もう一度申請してください。")
    # The request is approved (and written) first: the database lets the incident take only
    # the values of an approved request it names (migration b1c2d3e40028).
    change.state, change.decided_by, change.decided_at = ChangeState.APPROVED, user, utcnow()
    db.session.flush()
    db.session.info.setdefault(ALLOWED, set()).add(incident.id)
    for name, (_before, after) in changes.items():
        setattr(incident, name, _decode(name, after))
    incident.approved_change_id = change.id
    _audit_values("approve_change", incident.id, {n: b for n, (b, _a) in changes.items()},
                  {n: a for n, (_b, a) in changes.items()}, user)
    return incident


def reject_change(change: IncidentChange, user: User, note: str = "") -> None:
    """Turn a request down (another supervisor) or withdraw it (the requester)."""
    require_role(user, Role.SUPERVISOR, "事案の変更の却下には責任者以上の権限が必要です。")
    if change.state is not ChangeState.PENDING:
        raise NoticeError("承認待ちの変更だけを却下・取り下げできます。")
    change.state, change.decided_by, change.decided_at = ChangeState.REJECTED, user, utcnow()
    change.decision_note = note.strip()[:300]
    action = "withdraw_change" if user.id == change.requested_by_id else "reject_change"
    audit.record(action, "incident", change.incident_id, detail=change.decision_note[:200], user=user)


def describe(change: IncidentChange) -> list[dict]:
    """Rows of 'what, from, to' in Japanese, with the regulator deadlines a date change moves."""
    changes = json.loads(change.changes)
    rows = [{"label": GUARDED[name], "before": _shown(name, before), "after": _shown(name, after)}
            for name, (before, after) in changes.items()]
    if "aware_on" in changes or "malicious" in changes:
        incident = change.incident
        values = {"aware_on": incident.aware_on, "malicious": incident.malicious}
        old = Incident(**{n: _decode(n, changes[n][0]) if n in changes else v for n, v in values.items()})
        new = Incident(**{n: _decode(n, changes[n][1]) if n in changes else v for n, v in values.items()})
        for before, after in zip(regulator_deadlines(old), regulator_deadlines(new)):
            rows.append({"label": f"期限：{before.label}", "before": phrasing.format_date(before.due),
                         "after": phrasing.format_date(after.due)})
    return rows


def _shown(name: str, value) -> str:
    """A field value as staff read it."""
    if name == "aware_on":
        return phrasing.format_date(date.fromisoformat(value))
    if name == "status":
        return IncidentStatus(value).label
    if name == "malicious":
        return "悪意のある事案" if value else "過失等による事案"
    return value or "（なし）"


def _summary(changes: dict) -> str:
    """Audit detail: every field with its value before and after."""
    return "; ".join(f"{name}: {before} → {after}" for name, (before, after) in changes.items())


def _audit_values(action: str, incident_id: int, before: dict, after: dict, user: User) -> None:
    """Record a change of an incident with the values before and after."""
    changed = {name: [before[name], after[name]] for name in before if before[name] != after[name]}
    audit.record(action, "incident", incident_id, detail=_summary(changed), user=user)


@event.listens_for(Session, "before_flush")
def guard_incident_fields(session, _context, _instances) -> None:
    """No flush changes what readers saw of an incident without an approved change."""
    allowed = session.info.get(ALLOWED, set())
    for obj in session.dirty:
        if not isinstance(obj, Incident) or obj.id in allowed or not session.is_modified(obj):
            continue
        state = inspect(obj)
        changed = [name for name in GUARDED if state.attrs[name].history.has_changes()]
        if changed and _has_published(session, obj):
            raise ChangeNeedsApproval("公開済みの報がある事案は、別の責任者の承認を経て変更してください。")


@event.listens_for(Session, "after_transaction_end")
def _forget_allowed(session, transaction) -> None:
    """An approval allows its change for the transaction it was given in only."""
    if transaction.parent is None:
        session.info.pop(ALLOWED, None)


def _has_published(session, incident: Incident) -> bool:
    """True if any report of the incident is published (as stored)."""
    with session.no_autoflush:
        return session.scalar(select(Report.id).where(
            Report.incident_id == incident.id, Report.state == ReportState.PUBLISHED).limit(1)) is not None
