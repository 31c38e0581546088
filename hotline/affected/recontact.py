"""Re-contact: who was told facts that a later report changed, and what changed for them.

A person was told a report's facts when a notice of it was sent or printed for them
(their history), or when an agent answered an inquiry that gave their notice number
(the inquiry records the report it stated). What changed is read from the typed facts
of their own groups: an item's status, an item added or removed, a group no longer (or
newly) concerned. The same groups and the same report always give the same changes, so
they are worked out once per combination, however long the list.
"""

from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..models import (
    AffectedGroup, AffectedMembership, AffectedPerson, Incident, Inquiry, InquiryStatus, NoticeEvent, Report,
    ReportState,
)
from ..notices import latest_published, report_label
from .checks import SENT_KINDS


@dataclass
class FollowUp:
    """One person told an earlier report whose facts for their groups have changed."""

    person_id: int
    told: Report
    changes: list[str]


def last_told(incident: Incident) -> dict[int, int]:
    """Person id → id of the latest published report they were told (by notice or answer)."""
    numbers = dict(db.session.execute(select(Report.id, Report.number).where(
        Report.incident_id == incident.id, Report.state == ReportState.PUBLISHED)).all())
    told: dict[int, int] = {}

    def note(pid: int, report_id: int | None) -> None:
        if report_id in numbers and (pid not in told or numbers[report_id] > numbers[told[pid]]):
            told[pid] = report_id

    for pid, report_id in db.session.execute(select(NoticeEvent.person_id, NoticeEvent.report_id).join(
            AffectedPerson).where(AffectedPerson.incident_id == incident.id, NoticeEvent.kind.in_(SENT_KINDS))):
        note(pid, report_id)
    for pid, report_id in db.session.execute(select(AffectedPerson.id, Inquiry.answer_report_id).join(
            Inquiry, Inquiry.notice_number == AffectedPerson.notice_number).where(
            AffectedPerson.incident_id == incident.id, Inquiry.status == InquiryStatus.ANSWERED)):
        note(pid, report_id)
    return told


def changes(groups: tuple[str, ...], old: Report, new: Report) -> list[str]:
    """What differs for these groups between two reports, one line per change, in Japanese."""
    before = {g.name: g for g in old.groups}
    after = {g.name: g for g in new.groups}
    lines = []
    for name in groups:
        was, now = before.get(name), after.get(name)
        if was is None or now is None:
            if now is not None and now.affected:
                lines.append(f"{name}：{report_label(new)}で対象となりました。")
            continue
        if was.affected != now.affected:
            lines.append(f"{name}：{'本件の対象となりました' if now.affected else '本件の対象外であることを確認いたしました'}。")
            continue
        lines += _item_changes(name, was, now)
    return lines


def _item_changes(name: str, was: AffectedGroup, now: AffectedGroup) -> list[str]:
    old_items = {i.label: i.status for i in was.items}
    new_items = {i.label: i.status for i in now.items}
    lines = []
    for label, status in new_items.items():
        if label not in old_items:
            lines.append(f"{name}・{label}：新たに「{status.label}」となりました。")
        elif old_items[label] is not status:
            lines.append(f"{name}・{label}：「{old_items[label].label}」から「{status.label}」に変わりました。")
    for label in old_items:
        if label not in new_items:
            lines.append(f"{name}・{label}：最新の報では記載がございません。")
    return lines


def needing_follow_up(incident: Incident) -> list[FollowUp]:
    """Everyone told an earlier report whose facts for their groups the latest report changed."""
    latest = latest_published(incident)
    if latest is None:
        return []
    told = last_told(incident)
    groups: dict[int, list[str]] = {}
    for pid, name in db.session.execute(select(AffectedMembership.person_id, AffectedMembership.group_name).where(
            AffectedMembership.person_id.in_(list(told))).order_by(AffectedMembership.id)) if told else []:
        groups.setdefault(pid, [])
        if name not in groups[pid]:
            groups[pid].append(name)
    reports = {r.id: r for r in db.session.scalars(select(Report).where(Report.id.in_(set(told.values()))))}
    memo: dict[tuple, list[str]] = {}
    out = []
    for pid, report_id in sorted(told.items()):
        if report_id == latest.id:
            continue
        key = (tuple(groups.get(pid, [])), report_id)
        if key not in memo:
            memo[key] = changes(key[0], reports[report_id], latest)
        if memo[key]:
            out.append(FollowUp(pid, reports[report_id], memo[key]))
    return out


def changes_text(follow_up: FollowUp | None, latest: Report) -> str:
    """{変更点}: what changed since the report the person was told, as lines."""
    if follow_up is None:
        return "前回お知らせした内容からの変更はございません。"
    head = f"{report_label(follow_up.told)}でお知らせした内容から、{report_label(latest)}で次のとおり変わりました。"
    return head + "\n" + "\n".join(f"・{line}" for line in follow_up.changes)


def follow_up_for(person: AffectedPerson, latest: Report) -> FollowUp | None:
    """The changes for one person since the report they were last told (None when nothing changed)."""
    numbers = dict(db.session.execute(select(Report.id, Report.number).where(
        Report.incident_id == person.incident_id, Report.state == ReportState.PUBLISHED)).all())
    told = set(db.session.scalars(select(NoticeEvent.report_id).where(
        NoticeEvent.person_id == person.id, NoticeEvent.kind.in_(SENT_KINDS))))
    told |= set(db.session.scalars(select(Inquiry.answer_report_id).where(
        Inquiry.notice_number == person.notice_number, Inquiry.status == InquiryStatus.ANSWERED)))
    told = [r for r in told if r in numbers and r != latest.id and numbers[r] < numbers.get(latest.id, 0)]
    if not told:
        return None
    report = db.session.get(Report, max(told, key=lambda r: numbers[r]))
    lines = changes(tuple(person.group_names), report, latest)
    return FollowUp(person.id, report, lines) if lines else None
