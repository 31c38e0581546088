"""The groups of people a report speaks of, and what it says about each one's data.

Forms and draft files describe groups as GroupSpec values; replace_groups() writes them
onto a draft, matching groups by name and items by label so unchanged rows stay.
"""

import unicodedata
from dataclasses import dataclass, field
from datetime import date, time

from ..models import AffectedGroup, Certainty, DataCategory, GroupItem, LeakStatus, Report

UNITS = ("名", "件", "人", "枚", "社")
DEFAULT_GROUP = "お客様"
MAX_GROUPS = 8
MAX_ITEMS = 30


class GroupError(ValueError):
    """A group or item cannot be stored as given; the message is Japanese."""


@dataclass
class ItemSpec:
    """One data item: a fixed category, or a free item (category None) with its own label."""

    status: LeakStatus
    category: DataCategory | None = None
    label: str = ""
    note: str = ""

    @property
    def name(self) -> str:
        """The label readers see."""
        return self.category.label if self.category is not None else self.label


@dataclass
class GroupSpec:
    """One group of people as a form or file gives it."""

    name: str = DEFAULT_GROUP
    affected: bool = True
    unit: str = "名"
    count_min: int | None = None
    count_max: int | None = None
    count_approx: bool = False
    count_certainty: Certainty = Certainty.PROVISIONAL
    cleared: int | None = None
    final_scope: bool = False
    note: str = ""
    reason: str = ""
    items: list[ItemSpec] = field(default_factory=list)
    period_start: date | None = None  # the group's own period, where it differs from the report's
    period_start_time: time | None = None
    period_start_certainty: Certainty = Certainty.PROVISIONAL
    period_end: date | None = None
    period_end_time: time | None = None
    period_end_certainty: Certainty = Certainty.PROVISIONAL


def normal_name(name: str) -> str:
    """The form a group or item name is compared in (width and spaces folded)."""
    return " ".join(unicodedata.normalize("NFKC", name or "").split())


def category_for(label: str) -> DataCategory | None:
    """The fixed category a label names, if any."""
    wanted = normal_name(label)
    return next((c for c in DataCategory if normal_name(c.label) == wanted or c.value == wanted), None)


GROUP_ATTRS = ("affected", "unit", "count_min", "count_max", "count_approx", "count_certainty", "cleared",
               "final_scope", "note", "reason", "period_start", "period_start_time", "period_start_certainty",
               "period_end", "period_end_time", "period_end_certainty")


def spec_of(group: AffectedGroup) -> GroupSpec:
    """A stored group as a spec (to prefill the next report or a form); a reason belongs to one report."""
    values = {attr: getattr(group, attr) for attr in GROUP_ATTRS if attr != "reason"}
    for attr in ("period_start_certainty", "period_end_certainty"):
        values[attr] = values[attr] or Certainty.PROVISIONAL
    return GroupSpec(name=group.name, items=[ItemSpec(i.status, i.category, i.label, i.note) for i in group.items],
                     **values)


def _check(specs: list[GroupSpec]) -> None:
    """Names present and unique, within the limits."""
    if len(specs) > MAX_GROUPS:
        raise GroupError(f"対象者の区分は{MAX_GROUPS}つまでです。")
    seen = set()
    for spec in specs:
        name = normal_name(spec.name)
        if not name:
            raise GroupError("対象者の区分の名称を入力してください（例：会員のお客様）。")
        if name in seen:
            raise GroupError(f"対象者の区分「{name}」が二度書かれています。")
        seen.add(name)
        if spec.unit not in UNITS:
            raise GroupError(f"件数の単位は{'・'.join(UNITS)}のいずれかにしてください。")
        if len(spec.items) > MAX_ITEMS:
            raise GroupError(f"「{name}」の情報の項目は{MAX_ITEMS}個までです。")
        labels = [normal_name(item.name) for item in spec.items]
        if any(not label for label in labels):
            raise GroupError(f"「{name}」に名称のない情報の項目があります。")
        duplicate = next((label for label in labels if labels.count(label) > 1), None)
        if duplicate:
            raise GroupError(f"「{name}」の情報の項目「{duplicate}」が二度書かれています。")


def replace_groups(report: Report, specs: list[GroupSpec]) -> None:
    """Make the draft's groups exactly `specs`, updating rows in place where names match."""
    _check(specs)
    for group, spec in _sync(report.groups, specs, "name", lambda s: normal_name(s.name), AffectedGroup):
        for attr in GROUP_ATTRS:
            setattr(group, attr, getattr(spec, attr))
        ordered = sorted(spec.items, key=lambda i: (i.category is None, i.category.order if i.category else 0))
        for row, item in _sync(group.items, ordered, "label", lambda i: normal_name(i.name), GroupItem):
            row.category, row.status, row.note = item.category, item.status, item.note or ""


def _sync(rows: list, specs: list, attr: str, key, model) -> list[tuple]:
    """Match rows to specs on `attr` (a group's name, an item's label): drop the unmatched, add the new.

    Rows are updated in place rather than deleted and inserted again, which would clash with
    the unique name on flush. Returns (row, spec) pairs in the specs' order.
    """
    existing = {getattr(row, attr): row for row in rows}
    wanted = {key(spec) for spec in specs}
    for name, row in existing.items():
        if name not in wanted:
            rows.remove(row)
    pairs = []
    for position, spec in enumerate(specs):
        row = existing.get(key(spec))
        if row is None:
            row = model(**{attr: key(spec)})
            rows.append(row)
        row.position = position
        pairs.append((row, spec))
    return pairs


def fingerprint(report: Report) -> list:
    """Everything the groups say, as plain values (for the content hash and comparisons)."""
    return [
        [g.name, g.affected, g.unit, g.count_min, g.count_max, g.count_approx, g.count_certainty.value,
         g.cleared, g.final_scope, g.note, g.reason,
         [str(getattr(g, attr)) for attr in GROUP_ATTRS if attr.startswith("period")],
         [[i.label, i.category.value if i.category else None, i.status.value, i.note] for i in g.items]]
        for g in sorted(report.groups, key=lambda g: g.position)
    ]


def item_is_open(group: AffectedGroup, status: LeakStatus) -> bool:
    """Still under investigation: 調査中 always; a possibility unless the group's scope is final."""
    if status is LeakStatus.INVESTIGATING:
        return True
    return status.is_possibility and not group.final_scope


def count_is_open(group: AffectedGroup) -> bool:
    """The group's number is not settled yet."""
    return group.affected and group.count_certainty is Certainty.PROVISIONAL
