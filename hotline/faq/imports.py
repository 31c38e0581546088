"""FAQ files (`faq/*.md`) brought in under the four-eyes rule: each new or changed entry
becomes a change waiting for a supervisor who did not import it, like an edit in the back office.

An entry the back office wrote (or a template made public), or one with a back-office edit
waiting, is not proposed from its file: its key is reported as kept, so a file never takes
back what two people approved. Plain functions; callers commit.
"""

from dataclasses import dataclass, field

from sqlalchemy import select

from ..extensions import db
from ..models import FaqChange, FaqEntry, Incident, User
from .changes import CONTENT, _require_supervisor, content_of, pending_changes, pending_for, request_change, values_of
from .entries import FaqSpec


@dataclass
class FileImport:
    """What an import did: changes now waiting, entries already as the files say, entries kept."""

    changes: list[FaqChange] = field(default_factory=list)
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)


def file_values(spec: FaqSpec, entry: FaqEntry | None) -> dict:
    """The entry's public content as the file states it; publication and expiry stay the back office's."""
    current = content_of(entry)
    return dict(key=spec.key, category=spec.category, question=spec.question, answer=spec.answer,
                alternatives="\n".join(spec.alternatives), keywords="\n".join(spec.keywords),
                display_order=spec.order, published=current.get("published", True),
                expires_on=current.get("expires_on", ""))


def _origin(spec: FaqSpec) -> dict:
    """Where the change comes from: a file, and the incident the file names (if it exists)."""
    incident_id = db.session.scalar(select(Incident.id).filter_by(slug=spec.incident)) if spec.incident else None
    return {"source": "file", "incident_id": incident_id}


def _content(change: FaqChange) -> dict:
    return {name: value for name, value in values_of(change).items() if name in CONTENT}


def import_specs(specs: list[FaqSpec], author: User) -> FileImport:
    """Propose every file whose entry is new or differs, as `author`; running it again proposes nothing."""
    _require_supervisor(author, "FAQファイルの取り込みには責任者以上の権限が必要です。")
    result = FileImport()
    for spec in specs:
        entry = db.session.scalar(select(FaqEntry).filter_by(key=spec.key))
        values, origin = file_values(spec, entry), _origin(spec)
        if entry is None:
            waiting = next((c for c in pending_changes()
                            if c.entry_id is None and values_of(c).get("key") == spec.key), None)
        else:
            waiting = pending_for(entry)
        if waiting is not None and _content(waiting) == values and values_of(waiting).get("origin") == origin:
            result.unchanged += 1
            continue
        if (entry is not None and entry.source != "file") or (
                waiting is not None and (entry is None or "origin" not in values_of(waiting))):
            result.kept.append(spec.key)
            continue
        if entry is not None and waiting is None and content_of(entry) == values \
                and entry.incident_id == origin["incident_id"]:
            result.unchanged += 1
            continue
        change = request_change(entry, values, author, origin=origin)
        if change is None:  # the file went back to what is public: the waiting change was withdrawn
            result.unchanged += 1
        else:
            result.changes.append(change)
    return result
