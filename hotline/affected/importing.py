"""Importing an affected list: all rows or none, merged into people, re-importable.

A file is a *source* (its label, by default the file name without extension).
Importing a source again replaces what it said: its rows are matched to the people
they were (see `matching`), their fields updated, and people it no longer lists lose
that membership; a person listed by no source any more is deleted unless they were
already notified. A file with any error imports nothing (`ImportRefused`).
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import PurePath

from flask import current_app
from sqlalchemy import delete, func, insert, select, update

from .. import audit
from ..extensions import db
from ..models import (
    AffectedGroup, AffectedImport, AffectedMembership, AffectedPerson, Incident, MergeCandidate, NoticeDelivery,
    NoticeEvent,
    Report, Role,
)
from ..models._sealed import lookup_hash
from .files import MAX_ROWS, ListFileError, TooManyRows, read_table
from .matching import NEW, Index, Keys, name_key
from .numbers import code_hash, fresh_numbers, new_code
from .rows import FIELDS, ColumnError, Listed, RowError, map_columns, validate

SHOWN_ERRORS = 100
CONTACT_FIELDS = ("member_id", "name", "kana", "email", "phone", "postal_code", "address", "birth_date")


class ImportRefused(ValueError):
    """A file that was not imported, with every reason (Japanese)."""

    def __init__(self, message: str, errors: list[RowError] | None = None):
        super().__init__(message)
        self.errors = errors or []

    @property
    def lines(self) -> list[str]:
        """The message and at most SHOWN_ERRORS row errors, for a page or a terminal."""
        lines = [str(self)] + [str(e) for e in self.errors[:SHOWN_ERRORS]]
        if len(self.errors) > SHOWN_ERRORS:
            lines.append(f"ほか {len(self.errors) - SHOWN_ERRORS} 件")
        return lines


@dataclass
class ImportResult:
    """What one import did."""

    record: AffectedImport
    merged_rules: dict[str, int] = field(default_factory=dict)


def max_rows() -> int:
    """Rows one file may hold (HOTLINE_AFFECTED_IMPORT_MAX_ROWS, 300,000 unless set)."""
    return int(current_app.config.get("AFFECTED_IMPORT_MAX_ROWS") or MAX_ROWS)


def known_groups(incident: Incident) -> list[str]:
    """Names of the groups of people the incident's reports speak of as affected."""
    names = db.session.scalars(
        select(AffectedGroup.name).join(Report).where(Report.incident_id == incident.id, AffectedGroup.affected)
        .order_by(Report.id, AffectedGroup.position)).all()
    return list(dict.fromkeys(names))


def import_list(incident: Incident, data: bytes, filename: str, *, group: str = "", source: str = "",
                mapping: dict[str, str] | None = None, user=None, page_rows: int | None = None) -> ImportResult:
    """Read, check and import one file into the incident's affected list (not committed).

    `page_rows` bounds a file sent through the back-office page, which must answer within a
    worker's timeout: a longer list is imported with `flask affected import`."""
    if user is None or not user.has_role(Role.SUPERVISOR):
        raise ImportRefused("対象者リストの取り込みは責任者が行います。")
    limit = min(max_rows(), page_rows) if page_rows else max_rows()
    try:
        table = read_table(data, filename, current_app.config["AFFECTED_IMPORT_MAX_BYTES"], limit)
        columns = map_columns(table.header, mapping)
    except TooManyRows as error:
        if limit == max_rows():
            raise ImportRefused(str(error)) from None
        raise ImportRefused(f"この画面から取り込めるのは{limit:,}行までです（見出しを除く）。それより多いリストは、"
                            "サーバーで flask affected import ファイル名 --by ユーザー名 を実行して取り込んでください"
                            "（取り込みの内容と記録は同じです）。") from None
    except (ListFileError, ColumnError) as error:
        raise ImportRefused(str(error)) from None
    rows, errors = validate(table, columns, group.strip())
    groups = known_groups(incident)
    for row in rows:
        if row.group not in groups:
            shown = "、".join(groups) or "（まだありません）"
            errors.append(RowError(row.row, FIELDS["group"],
                                   f"「{row.group}」は報の対象者の区分にありません（区分: {shown}）。"))
    errors += _duplicates(rows)
    if errors:
        errors.sort(key=lambda e: e.row)
        raise ImportRefused(f"取り込みませんでした。{len(errors)}件の誤りを直してから、もう一度取り込んでください。", errors)
    if not rows:
        raise ImportRefused("取り込む行がありません。")
    label = (source or PurePath(filename).stem or "list").strip()[:100]
    record = AffectedImport(incident_id=incident.id, filename=PurePath(filename).name[:200], source=label,
                            sha256=hashlib.sha256(data).hexdigest(), group_name=group[:60], rows=len(rows),
                            user_id=user.id if user is not None else None)
    db.session.add(record)
    db.session.flush()
    result = ImportResult(record)
    _apply(incident, rows, label, record, result)
    audit.record("import", "affected_list", record.id,
                 f"{label}: {record.rows}行（新規{record.added}・更新{record.updated}・統合{record.merged}・"
                 f"確認待ち{record.candidates}・除外{record.removed}）", user=user)
    return result


def _duplicates(rows: list[Listed]) -> list[RowError]:
    """A member id listed twice in one group of one file is an export mistake, not a merge."""
    seen: dict[tuple[str, str], int] = {}
    errors = []
    for row in rows:
        if not row.member_id:
            continue
        first = seen.setdefault((row.group, row.member_id), row.row)
        if first != row.row:
            errors.append(RowError(row.row, FIELDS["member_id"], f"{first}行目と同じ会員番号です（同じ区分で重複）。"))
    return errors


class _New:
    """A person first seen in this file: the object until it is written, then only its id."""

    def __init__(self, row: Listed):
        self.row = row
        self.person: AffectedPerson | None = None
        self.person_id: int | None = None


CHUNK = 2000
"""Rows written per flush; the session forgets them afterwards, so memory stays flat for large lists."""


def _apply(incident: Incident, rows: list[Listed], source: str, record: AffectedImport, result: ImportResult) -> None:
    index = Index.load(incident.id)
    previous = {(pid, group): mid for mid, pid, group in db.session.execute(
        select(AffectedMembership.id, AffectedMembership.person_id, AffectedMembership.group_name)
        .join(AffectedPerson).where(AffectedPerson.incident_id == incident.id, AffectedMembership.source == source))}
    from_source = {pid for pid, _g in previous}
    plan: list[tuple[Listed, object, str]] = []
    candidates = []
    for row in rows:
        keys = Keys.of(row)
        ref, rule = index.match(keys)
        if ref is None:
            ref = _New(row)
        candidates += index.candidates(ref, keys)
        index.add(ref, keys)
        plan.append((row, ref, rule))
    fresh = [ref for _row, ref, rule in plan if isinstance(ref, _New) and rule == NEW]
    numbers = fresh_numbers(len(fresh))
    made: set[tuple[object, str]] = set()
    for start in range(0, len(plan), CHUNK):
        _write(incident, plan[start:start + CHUNK], source, record, result, previous, from_source, numbers, made)
    record.removed = _remove(list(previous.values()))
    db.session.flush()
    gone = from_source - {ref for _row, ref, _rule in plan if isinstance(ref, int)}
    kept = set(db.session.scalars(select(AffectedPerson.id).where(AffectedPerson.id.in_(gone)))) if gone else set()
    candidates += index.replaced(fresh, kept)  # notified at a contact the list has since corrected
    record.candidates = _record_candidates(incident, candidates)


def _write(incident, chunk, source, record, result, previous, from_source, numbers, made) -> None:
    """Create or update the people of one chunk and their memberships, flush, and let them go."""
    people = _load([ref for _row, ref, _rule in chunk if isinstance(ref, int)])
    inserts, updates, touched = [], [], []
    for row, ref, rule in chunk:
        if isinstance(ref, _New):
            if ref.person is None and ref.person_id is None:
                ref.person = _create(incident, row, numbers.pop())
                record.added += 1
                touched.append(ref)
            else:
                if ref.person is None:
                    ref.person = db.session.get(AffectedPerson, ref.person_id)
                    touched.append(ref)
                _update(ref.person, row, overwrite=False)
                record.merged += 1
            person, key = ref.person, (id(ref), row.group)
        else:
            person, key = people[ref], (ref, row.group)
            overwrite = ref in from_source
            _update(person, row, overwrite=overwrite)
            if overwrite:
                record.updated += 1
            else:
                record.merged += 1
                result.merged_rules[rule] = result.merged_rules.get(rule, 0) + 1
        if key in made:
            continue
        made.add(key)
        values = {"import_id": record.id, "row_number": row.row, "rule": rule}
        if person.id is not None and (person.id, row.group) in previous:
            updates.append({"id": previous.pop((person.id, row.group)), **values})
        elif person.id is not None:
            inserts.append({"person_id": person.id, "group_name": row.group, "source": source, **values})
        else:
            person.memberships.append(AffectedMembership(group_name=row.group, source=source, **values))
    db.session.flush()
    if inserts:
        db.session.execute(insert(AffectedMembership), inserts)
    if updates:
        db.session.execute(update(AffectedMembership), updates)
    for ref in touched:
        ref.person_id = ref.person.id
        db.session.expunge(ref.person)
        ref.person = None
    for person in people.values():
        db.session.expunge(person)


def _load(ids: list[int]) -> dict[int, AffectedPerson]:
    people = {}
    unique = sorted(set(ids))
    for start in range(0, len(unique), 500):
        chunk = unique[start:start + 500]
        for person in db.session.scalars(select(AffectedPerson).where(AffectedPerson.id.in_(chunk))):
            people[person.id] = person
    return people


def _create(incident: Incident, row: Listed, number: str) -> AffectedPerson:
    code = new_code()
    person = AffectedPerson(incident_id=incident.id, notice_number=number, verify_code=code,
                            verify_hash=code_hash(number, code))
    _update(person, row, overwrite=True)
    db.session.add(person)
    return person


def _update(person: AffectedPerson, row: Listed, overwrite: bool) -> None:
    """Take the row's values: all of them from the same list, blanks only from another."""
    for name in CONTACT_FIELDS:
        value = getattr(row, name)
        if value and (overwrite or not getattr(person, name)) and getattr(person, name) != value:
            setattr(person, name, value)
            if name == "email":
                person.email_bounced = False
            elif name in ("address", "postal_code"):
                person.letter_returned = False
    place = f"{person.postal_code}|{name_key(person.address)}" if person.address else ""
    person.member_hash = lookup_hash("member", person.member_id)
    person.name_hash = lookup_hash("name", name_key(person.name))
    person.email_hash = lookup_hash("email", person.email)
    person.phone_hash = lookup_hash("phone", person.phone)
    person.birth_hash = lookup_hash("birth", person.birth_date)
    person.address_hash = lookup_hash("address", place)


def _remove(membership_ids: list[int]) -> int:
    """Drop memberships the source no longer lists; delete people left in no list and never notified."""
    touched = set()
    for start in range(0, len(membership_ids), 500):
        chunk = membership_ids[start:start + 500]
        touched |= set(db.session.scalars(select(AffectedMembership.person_id).where(AffectedMembership.id.in_(chunk))))
        db.session.execute(delete(AffectedMembership).where(AffectedMembership.id.in_(chunk)))
    for pid in touched:
        left = db.session.scalar(select(func.count(AffectedMembership.id)).where(AffectedMembership.person_id == pid))
        told = db.session.scalar(select(func.count(NoticeEvent.id)).where(NoticeEvent.person_id == pid))
        queued = db.session.scalar(select(func.count(NoticeDelivery.id)).where(NoticeDelivery.person_id == pid))
        if not left and not told and not queued:
            db.session.execute(delete(MergeCandidate).where(
                (MergeCandidate.person_id == pid) | (MergeCandidate.other_id == pid)))
            db.session.delete(db.session.get(AffectedPerson, pid))
    return len(touched)


def _record_candidates(incident: Incident, found: list) -> int:
    added = 0
    for candidate in found:
        first, second = (_person_id(candidate.ref), _person_id(candidate.other))
        if first is None or second is None or first == second:
            continue
        low, high = sorted((first, second))
        exists = db.session.scalar(select(MergeCandidate.id).where(
            MergeCandidate.person_id == low, MergeCandidate.other_id == high))
        if exists is None:
            db.session.add(MergeCandidate(incident_id=incident.id, person_id=low, other_id=high,
                                          reason=candidate.reason[:200]))
            db.session.flush()
            added += 1
    return added


def _person_id(ref) -> int | None:
    if isinstance(ref, _New):
        return ref.person_id
    return ref
