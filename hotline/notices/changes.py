"""What changed between two published reports, in short Japanese phrases for readers."""

from dataclasses import dataclass, replace

from ..models import AffectedGroup, Certainty, Report
from . import periods, report_view, response_view
from .consistency import ITEM_LABELS
from .phrasing import format_count
from .response_rules import damage_summary

NOT_STATED = "記載なし"
READER_LABELS = {**ITEM_LABELS, "situation": "本件の概要", "customer_actions": "お客様へのお願い"}
FIRMNESS = {Certainty.CONFIRMED: "確定", Certainty.PROVISIONAL: "調査中"}
RESPONSE_ITEMS = (
    ("response", "対象のお客様への対応", lambda r: response_view.compensation(r) + response_view.individual_notices(r)),
    ("service", "サービスの状況", response_view.service),
    ("filings", "関係機関への報告", response_view.filings),
)
FREE_TEXT_ITEMS = ("situation", "background", "investigation", "secondary_risks",
                   "customer_actions", "next_steps", "prevention")


@dataclass(frozen=True)
class Change:
    """One item that reads differently in the newer report.

    A figure (a group's number, the period, a data item, how firm a fact is, the contact
    window) has a before and an after, and the reason the draft gives for it; an item of text has `mark` instead (更新, 新たに記載, 記載を削除),
    and the page marks its section, where readers find what it says now.
    """

    item: str
    before: str = ""
    after: str = ""
    key: str = ""
    mark: str = ""
    reason: str = ""

    @property
    def is_text(self) -> bool:
        """True for an item of text (shown as a mark, not as before and after)."""
        return bool(self.mark) and not (self.before or self.after)


def section_marks(changes: list[Change], corrected: set[str] = frozenset()) -> dict[str, str]:
    """The mark each changed section of the page gets: 訂正 (a change its 訂正 covers) wins over
    新たに判明, which wins over 更新."""
    marks: dict[str, str] = {}
    for change in changes:
        mark = change.mark or "更新"
        if change.key and marks.get(change.key) != "新たに判明":
            marks[change.key] = mark
    return marks | {key: "訂正" for key in corrected}


def count_summary(group: AffectedGroup) -> str:
    """'12,000名〜48,000名（調査中）', '3,412件（確定）' or '対象外'."""
    if not group.affected:
        return "対象外"
    lo, hi, unit = group.count_min, group.count_max, group.unit
    approx = "約" if group.count_approx else ""
    if lo is None and hi is None:
        return "調査中"
    if group.count_certainty is Certainty.CONFIRMED and lo is not None:
        return f"{approx}{format_count(lo)}{unit}（確定）"
    if hi is None:
        return f"少なくとも{approx}{format_count(lo)}{unit}（調査中）"
    if lo is None:
        return f"最大{approx}{format_count(hi)}{unit}（調査中）"
    if lo == hi:
        return f"{approx}{format_count(lo)}{unit}（調査中）"
    return f"{approx}{format_count(lo)}{unit}〜{format_count(hi)}{unit}（調査中）"


def period_summary(report: Report) -> str:
    """'2026年6月1日〜2026年9月30日（確定）', with times and each end's certainty where they differ."""
    return periods.summary(periods.of_report(report))


def _group_changes(previous: Report, current: Report) -> list[Change]:
    """Per group: its number and each item whose status changed, appeared or disappeared."""
    changes = []
    before_groups = {g.name: g for g in previous.groups}
    now_groups = {g.name: g for g in current.groups}
    several = len(set(before_groups) | set(now_groups)) > 1
    for name in [*before_groups, *(n for n in now_groups if n not in before_groups)]:
        old, new = before_groups.get(name), now_groups.get(name)
        prefix = f"{name}：" if several else ""
        reason = new.reason if new is not None else ""
        if old is None:  # a new group is one row: its number and its items by status
            changes.append(Change(name, NOT_STATED, _group_summary(new), key="leaked", mark="新たに判明", reason=reason))
            continue
        if new is None:  # only with a 訂正 (consistency): one row saying the group is no longer named
            changes.append(Change(name, _group_summary(old), NOT_STATED, key="leaked"))
            continue
        first = count_row = len(changes)
        old_span, new_span = periods.of_group(old), periods.of_group(new)
        if old_span != new_span:
            changes.append(Change(f"{prefix}期間" if several else f"{name}の期間",
                                  periods.summary(old_span) if old_span else NOT_STATED,
                                  periods.summary(new_span) if new_span else "本件の期間と同じ", key="leaked"))
        old_count, new_count = count_summary(old), count_summary(new)
        if old_count != new_count:
            count_row = len(changes)
            changes.append(Change(f"{prefix}対象となる数" if several else f"対象となる{name}の数",
                                  old_count, new_count, key="leaked"))
        old_items = {i.label: i.status.label for i in old.items}
        new_items = {i.label: i.status.label for i in new.items}
        notes = {i.label: i.note.strip() for i in new.items}
        for label in [*old_items, *(k for k in new_items if k not in old_items)]:
            before, after = old_items.get(label, NOT_STATED), new_items.get(label, NOT_STATED)
            if before != after:  # an item's own note (項目の補足) is its reason
                changes.append(Change(f"{prefix}{label}", before, after, key="leaked",
                                      mark="新たに判明" if label not in old_items else "", reason=notes.get(label, "")))
        if reason and len(changes) > first:  # said once: beside the number if it changed, else the first row
            row = changes[count_row]
            changes[count_row] = replace(row, reason=f"{reason} {row.reason}".strip() if row.reason else reason)
    return changes


def _group_summary(group: AffectedGroup) -> str:
    """'最大1,500名（調査中）。氏名・住所：漏えいの可能性を否定できない／…' for a group new in this report."""
    if not group.affected:
        return "対象外"
    by_status: dict[str, list[str]] = {}
    for item in group.items:
        by_status.setdefault(item.status.label, []).append(item.label)
    items = "／".join(f"{'・'.join(labels)}：{status}" for status, labels in by_status.items())
    return count_summary(group) + (f"。{items}" if items else "")


def _contact(report: Report) -> str:
    """The contact window on one line."""
    return " / ".join(v for v in (report.contact_phone, report.contact_hours, report.contact_form_url) if v)


def changes_between(previous: Report, current: Report) -> list[Change]:
    """Every item a reader of `previous` should know reads differently in `current`."""
    changes = []
    if period_summary(previous) != period_summary(current):
        changes.append(Change(report_view.period_heading(current), period_summary(previous), period_summary(current), key="period",
                              reason=(current.period_reason or "").strip()))
    changes += _group_changes(previous, current)
    for field, certainty in (("cause", "cause_certainty"), ("damage", "damage_certainty")):
        old_c, new_c = getattr(previous, certainty), getattr(current, certainty)
        if old_c is not new_c and getattr(current, field).strip():
            changes.append(Change(READER_LABELS[field], FIRMNESS[old_c], FIRMNESS[new_c], key=field))
    for field in ("cause", "damage") + FREE_TEXT_ITEMS:
        old_text, new_text = getattr(previous, field).strip(), getattr(current, field).strip()
        if old_text != new_text:
            mark = "記載を削除" if not new_text else ("新たに記載" if not old_text else "更新")
            changes.append(Change(READER_LABELS[field], key=field, mark=mark))
    old_damage, new_damage = damage_summary(previous), damage_summary(current)
    if old_damage != new_damage:
        changes.append(Change("被害の件数・金額", old_damage or NOT_STATED, new_damage or NOT_STATED, key="damage",
                              reason=(current.damage_reason or "").strip()))
    for key, label, words in RESPONSE_ITEMS:
        old_words, new_words = words(previous), words(current)
        if old_words != new_words:
            mark = "記載を削除" if not new_words else ("新たに記載" if not old_words else "更新")
            changes.append(Change(label, key=key, mark=mark))
    if _contact(previous) != _contact(current):
        changes.append(Change("お問い合わせ窓口", _contact(previous) or NOT_STATED, _contact(current) or NOT_STATED,
                              key="contact"))
    return changes

