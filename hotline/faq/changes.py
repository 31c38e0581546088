"""Four eyes on the public FAQ: an entry written or changed in the back office is public only
once a supervisor who did not write it approves it, and only as it was when shown.

Plain functions over models; callers commit. The search index follows an approval once the
transaction commits. Messages of FaqChangeError are Japanese and shown to staff.
"""

import hashlib
import json
import os
from datetime import date

from sqlalchemy import select

from .. import audit, search
from ..extensions import db
from ..models import FaqChange, FaqEntry, Role, User
from ..models._types import utcnow
from ..search.sync import after_commit
from ..textdiff import FieldDiff, field_diffs
from . import blocks
from . import search as faq_search
from .entries import save_entry, search_document, set_aside

CONTENT = ("key", "category", "question", "alternatives", "keywords", "answer", "display_order", "published",
           "expires_on")
LABELS = {"question": "質問", "alternatives": "言い換え", "keywords": "キーワード", "answer": "回答",
          "category": "カテゴリー", "key": "ID", "display_order": "表示順", "published": "公開",
          "expires_on": "掲載期限"}
DEFAULTS = {"key": "", "category": "", "question": "", "alternatives": "", "keywords": "", "answer": "",
            "display_order": 100, "published": True, "expires_on": ""}
PENDING = "pending"


class FaqChangeError(Exception):
    """A rule about FAQ changes was broken; the message is Japanese."""


def _require_supervisor(user: User | None, message: str) -> None:
    """Refuse anyone below supervisor."""
    if user is None or not user.has_role(Role.SUPERVISOR):
        raise FaqChangeError(message)


def content_of(entry: FaqEntry | None) -> dict:
    """The entry's public content as plain values (empty for a new entry); dates as ISO text."""
    if entry is None:
        return {}
    values = {name: getattr(entry, name) for name in CONTENT}
    values["expires_on"] = entry.expires_on.isoformat() if entry.expires_on else ""
    return values


def content_hash(entry: FaqEntry | None) -> str:
    """A fingerprint of what the public sees of an entry."""
    if entry is None:
        return ""
    return hashlib.sha256(json.dumps(content_of(entry), ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _typed(values: dict) -> dict:
    """Values as the entry's columns hold them, so the database can compare them (order, publication)."""
    return values | {"display_order": int(values["display_order"]), "published": bool(values["published"])}


def values_of(change: FaqChange) -> dict:
    """The entry's columns as the change would make them."""
    return json.loads(change.values)


def pending_for(entry: FaqEntry) -> FaqChange | None:
    """The change of an entry waiting for approval, if any."""
    return db.session.scalar(select(FaqChange).filter_by(entry_id=entry.id, status=PENDING)
                             .order_by(FaqChange.id.desc()))


def pending_changes() -> list[FaqChange]:
    """Every change waiting for approval, oldest first."""
    return list(db.session.scalars(select(FaqChange).filter_by(status=PENDING).order_by(FaqChange.id)))


def _key_taken(key: str, entry: FaqEntry | None) -> bool:
    """Whether another entry, or another new entry waiting for approval, uses the key."""
    other = db.session.scalar(select(FaqEntry).filter_by(key=key))
    if other is not None and other is not entry:
        return True
    return any(c.entry_id is None and values_of(c).get("key") == key for c in pending_changes())


def request_change(entry: FaqEntry | None, values: dict, author: User, origin: dict | None = None) -> FaqChange | None:
    """Write a new entry or a change of one as a change waiting for approval.

    Returns None when the values are what the public already sees. A second edit of an
    entry replaces the change waiting for it; everyone who wrote either is a writer.
    `origin` ({"source": "file", "incident_id": …}) marks a change brought in from a FAQ file.
    """
    _require_supervisor(author, "FAQの編集には責任者以上の権限が必要です。")
    previous = pending_for(entry) if entry is not None else None
    base = values_of(previous) if previous is not None else (content_of(entry) or DEFAULTS)
    values = _typed({name: value for name, value in (base | values).items() if name in CONTENT})
    if _key_taken(values.get("key", ""), entry) and not (previous and values_of(previous).get("key") == values["key"]):
        raise FaqChangeError("そのIDは既に使われています（承認待ちの新しい質問を含みます）。")
    same_origin = origin is None or (entry is not None and entry.incident_id == origin.get("incident_id"))
    if entry is not None and same_origin and all(content_of(entry)[name] == value for name, value in values.items()):
        if previous is not None:
            previous.status, previous.decided_by, previous.decided_at = "withdrawn", author, utcnow()
        return None
    unknown = blocks.unknown_in(values.get("answer", ""))
    if unknown:
        raise FaqChangeError("共通文面" + "、".join(f"「{n}」" for n in unknown) + "はありません（承認済みの共通文面の名前を書いてください）。")
    writers = (previous.writer_ids if previous else set()) | {author.id}
    if previous is not None:
        previous.status = "superseded"
    stored = values | ({"origin": origin} if origin else {})
    change = FaqChange(entry=entry, values=json.dumps(stored, ensure_ascii=False), base_hash=content_hash(entry),
                       writers=",".join(str(i) for i in sorted(writers)), status=PENDING, author=author)
    db.session.add(change)
    db.session.flush()
    audit.record("request_change", "faq_entry", entry.id if entry else f"new:{change.id}",
                 detail=f"change {change.id}", user=author)
    return change


def approve_change(change: FaqChange, approver: User, shown_hash: str | None = None) -> FaqEntry:
    """Make the change public, if the approver did not write it and the entry did not move."""
    _require_supervisor(approver, "FAQの承認には責任者以上の権限が必要です。")
    if change.status != PENDING:
        raise FaqChangeError("この変更は承認待ちではありません。")
    if approver.id in change.writer_ids:
        raise FaqChangeError("この変更を書いた方は承認できません。別の責任者に承認を依頼してください。")
    if shown_hash is not None and shown_hash != change_hash(change):
        raise FaqChangeError("表示した後に内容が変わりました。もう一度確認してから承認してください。")
    entry = change.entry
    if entry is not None and content_hash(entry) != change.base_hash:
        raise FaqChangeError("この変更を書いた後に、公開中の内容が別の経路で変わりました。内容を確認し、編集し直してください。")
    values = values_of(change)
    other = db.session.scalar(select(FaqEntry).filter_by(key=values.get("key", "")))
    if other is not None and other is not entry:
        raise FaqChangeError("そのIDは既に使われています。")
    old_key = entry.key if entry is not None else None
    origin = values.pop("origin", None) or {}
    if origin:
        values["incident_id"] = origin.get("incident_id")
    # The change is approved (and written) first: the database accepts an entry's public
    # content only as the values of the approved change it names (migration a0b1c2d30027).
    change.status, change.decided_by, change.decided_at = "approved", approver, utcnow()
    db.session.flush()
    entry = save_entry(entry, _dated(values), user=approver, source=origin.get("source", "admin"), change=change)
    audit.record("approve_change", "faq_entry", entry.id, detail=f"change {change.id}", user=approver)
    _follow_index(entry, old_key)
    return entry


def publish_approved(entry: FaqEntry | None, values: dict, *, writers: set[int], approver: User | None,
                     author: User | None, note: str) -> FaqEntry:
    """Make public a text whose words `approver` already approved and `writers` wrote (an approved
    template filled with the facts of a published report): kept as an approved change like the
    others, so the entry's history and the database's guard see it."""
    values = _typed((content_of(entry) or DEFAULTS) | values)
    values["expires_on"] = values["expires_on"].isoformat() if isinstance(values["expires_on"], date) else (
        values["expires_on"] or "")
    stored = {name: value for name, value in values.items() if name in CONTENT}
    if entry is not None and entry.approved_change_id is not None and content_of(entry) == stored:
        return entry
    change = FaqChange(entry=entry, values=json.dumps(stored, ensure_ascii=False), base_hash=content_hash(entry),
                       writers=",".join(str(i) for i in sorted(writers)), status="approved", author=author,
                       decided_by=approver, decided_at=utcnow(), note=note[:300])
    db.session.add(change)
    db.session.flush()
    return save_entry(entry, _dated(values), user=author, source="template", change=change)


def _dated(values: dict) -> dict:
    """Values with the expiry as a date, for the entry's column."""
    expires = values.get("expires_on")
    return values | {"expires_on": date.fromisoformat(expires) if isinstance(expires, str) and expires else (
        expires or None)}


def reject_change(change: FaqChange, user: User, note: str = "") -> None:
    """Turn a change down (a writer may withdraw their own); the public entry stays as it is."""
    _require_supervisor(user, "FAQの変更の却下には責任者以上の権限が必要です。")
    if change.status != PENDING:
        raise FaqChangeError("この変更は承認待ちではありません。")
    change.status = "withdrawn" if user.id in change.writer_ids else "rejected"
    change.decided_by, change.decided_at, change.note = user, utcnow(), (note or "")[:300]
    audit.record("reject_change", "faq_entry", change.entry_id or f"new:{change.id}", detail=f"change {change.id}",
                 user=user)


def add_phrasing(stat, entry: FaqEntry, author: User) -> FaqChange | None:
    """One click from the list of misses: the searched words become a phrasing of an entry,
    as a change waiting for a second supervisor like any other; the miss leaves the list."""
    waiting = pending_for(entry)
    phrasings = (values_of(waiting) if waiting else content_of(entry))["alternatives"].splitlines()
    if stat.query not in phrasings and stat.query != entry.question:
        phrasings.append(stat.query)
    change = request_change(entry, {"alternatives": "\n".join(p for p in phrasings if p.strip())}, author)
    set_aside(stat, f"言い換え：{entry.key}")
    return change


def change_hash(change: FaqChange) -> str:
    """A fingerprint of the values an approver is shown."""
    return hashlib.sha256(change.values.encode()).hexdigest()


def change_diff(change: FaqChange) -> list[FieldDiff]:
    """What the change would change in the public entry, field by field."""
    as_text = {name: str(value) for name, value in values_of(change).items()}
    before = {name: str(value) for name, value in content_of(change.entry).items()}
    return field_diffs(LABELS, before, as_text)


def _follow_index(entry: FaqEntry, old_key: str | None) -> None:
    """Bring the FAQ search in line with the entry once the approval is committed."""
    directory = faq_search.index_dir()
    doc = search_document(entry) if entry.published else None
    key = entry.key

    def apply() -> None:
        """Runs after the commit (uses no database)."""
        if not os.path.exists(directory):
            return  # no index yet: the caller builds it (faq.search.sync) after the commit
        if old_key and old_key != key:
            search.remove_document(directory, old_key)
        if doc is None:
            search.remove_document(directory, key)
        else:
            search.upsert_document(directory, doc)

    after_commit(apply)
