"""Looking after the list: key rotation, the retention purge and supervisors' merge decisions."""

from datetime import timedelta

from sqlalchemy import Text, delete, select, update
from sqlalchemy import column as sa_column, table as sa_table

from .. import audit
from ..extensions import db
from ..models import (
    AffectedMembership, AffectedPerson, MergeCandidate, MergeState, NoticeDelivery, NoticeEvent, OutboxMail, Role,
)
from ..models._sealed import Sealed, reseal
from ..models._types import utcnow

BATCH = 500


class MergeError(ValueError):
    """A merge decision that cannot be taken; the text is Japanese."""


def sealed_columns() -> list:
    """Every encrypted column of every table."""
    return [column for table in db.metadata.sorted_tables for column in table.columns
            if isinstance(column.type, Sealed)]


def rotate_keys() -> int:
    """Re-encrypt every sealed value with the first data key; returns how many values changed.

    The tokens are read and written as plain text (a lightweight table without the
    Sealed type), each one opened with whichever key sealed it and sealed again.
    """
    changed = 0
    for column in sealed_columns():
        raw = sa_table(column.table.name, sa_column("id"), sa_column(column.name, Text))
        value = raw.c[column.name]
        rows = db.session.execute(select(raw.c.id, value).where(value != "")).all()
        for row_id, token in rows:
            fresh = reseal(token)
            if fresh != token:
                db.session.execute(update(raw).where(raw.c.id == row_id).values({column.name: fresh}))
                changed += 1
    audit.record("rotate_keys", "affected_list", "", f"{changed}件を新しい鍵で再暗号化")
    return changed


def purge(days: int) -> int:
    """Delete people last changed more than `days` ago, with their history; returns how many.

    Retention covers everything that names or reaches the person: their memberships,
    merge candidates, notice history, their deliveries in every campaign and the outbox
    rows that carried those notices (sealed, but still their address and letter). Only
    counts stay, in the audit entry; a finished campaign's figures then count the people
    still on the list.
    """
    cutoff = utcnow() - timedelta(days=days)
    ids = list(db.session.scalars(select(AffectedPerson.id).where(AffectedPerson.updated_at < cutoff)))
    deliveries = mails = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        outbox = [i for i in db.session.scalars(select(NoticeDelivery.outbox_id).where(
            NoticeDelivery.person_id.in_(chunk), NoticeDelivery.outbox_id.is_not(None)))]
        deliveries += db.session.execute(delete(NoticeDelivery).where(NoticeDelivery.person_id.in_(chunk))).rowcount
        if outbox:
            mails += db.session.execute(delete(OutboxMail).where(OutboxMail.id.in_(outbox))).rowcount
        db.session.execute(delete(MergeCandidate).where(
            MergeCandidate.person_id.in_(chunk) | MergeCandidate.other_id.in_(chunk)))
        db.session.execute(delete(NoticeEvent).where(NoticeEvent.person_id.in_(chunk)))
        db.session.execute(delete(AffectedMembership).where(AffectedMembership.person_id.in_(chunk)))
        db.session.execute(delete(AffectedPerson).where(AffectedPerson.id.in_(chunk)))
    if ids:
        audit.record("purge", "affected_list", "", f"保存期間（{days}日）を過ぎた{len(ids)}名を削除"
                     f"（お知らせの送付記録{deliveries}件と、その送信メール{mails}件を含む）")
    return len(ids)


def decide(candidate: MergeCandidate, merge: bool, user) -> None:
    """A supervisor's decision on an uncertain merge: one person, or two (kept, so not asked again)."""
    if user is None or not user.has_role(Role.SUPERVISOR):
        raise MergeError("名寄せの判断は責任者が行います。")
    if candidate.state != MergeState.OPEN:
        raise MergeError("この候補はすでに判断済みです。")
    audit.record("merge" if merge else "keep_separate", "affected_person", candidate.person_id,
                 f"候補{candidate.id}（{candidate.other_id}と）: {candidate.reason}", user=user)
    if merge:
        _merge(candidate.person, candidate.other)
        return
    candidate.state = MergeState.SEPARATE
    candidate.decided_by_id, candidate.decided_at = user.id, utcnow()


def _merge(keep: AffectedPerson, gone: AffectedPerson) -> None:
    """Fold `gone` into `keep`: its groups, the fields `keep` lacks, and its history."""
    have = {(m.group_name, m.source) for m in keep.memberships}
    for membership in list(gone.memberships):
        if (membership.group_name, membership.source) not in have:
            gone.memberships.remove(membership)
            keep.memberships.append(membership)
    for name in ("member_id", "kana", "email", "phone", "postal_code", "address", "birth_date"):
        if not getattr(keep, name) and getattr(gone, name):
            setattr(keep, name, getattr(gone, name))
    for attr in ("member_hash", "email_hash", "phone_hash", "birth_hash", "address_hash"):
        if not getattr(keep, attr):
            setattr(keep, attr, getattr(gone, attr))
    db.session.flush()
    db.session.execute(update(NoticeEvent).where(NoticeEvent.person_id == gone.id).values(person_id=keep.id))
    db.session.execute(delete(MergeCandidate).where(
        (MergeCandidate.person_id == gone.id) | (MergeCandidate.other_id == gone.id)))
    db.session.delete(gone)
    db.session.flush()
