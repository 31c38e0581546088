"""What changed between two published reports, in short Japanese phrases for readers."""

from dataclasses import dataclass

from ..models import Certainty, Report
from .consistency import ITEM_LABELS
from .phrasing import format_count, format_date

NOT_STATED = "記載なし"
READER_LABELS = {**ITEM_LABELS, "situation": "本件の概要", "customer_actions": "お客様へのお願い"}
FIRMNESS = {Certainty.CONFIRMED: "確定", Certainty.PROVISIONAL: "調査中"}
FREE_TEXT_ITEMS = ("situation", "background", "investigation", "secondary_risks",
                   "customer_actions", "next_steps", "prevention")


@dataclass(frozen=True)
class Change:
    """One item that reads differently in the newer report.

    A figure (count, period, a category, how firm a fact is, the contact window) has a
    before and an after; an item of text has `mark` instead (更新, 新たに記載, 記載を削除),
    and the page marks its section, where readers find what it says now.
    """

    item: str
    before: str = ""
    after: str = ""
    key: str = ""
    mark: str = ""

    @property
    def is_text(self) -> bool:
        """True for an item of text (shown as a mark, not as before and after)."""
        return bool(self.mark) and not (self.before or self.after)


def section_marks(changes: list[Change]) -> dict[str, str]:
    """The mark each changed section of the page gets: 新たに判明 wins over 更新."""
    marks: dict[str, str] = {}
    for change in changes:
        mark = change.mark or "更新"
        if change.key and marks.get(change.key) != "新たに判明":
            marks[change.key] = mark
    return marks


def count_summary(report: Report) -> str:
    """'12,000件〜48,000件（調査中）' or '31,200件（確定）'."""
    lo, hi = report.count_min, report.count_max
    if lo is None and hi is None:
        return "調査中"
    if report.count_certainty is Certainty.CONFIRMED and lo is not None:
        return f"{format_count(lo)}件（確定）"
    if hi is None:
        return f"少なくとも{format_count(lo)}件（調査中）"
    if lo is None:
        return f"最大{format_count(hi)}件（調査中）"
    if lo == hi:
        return f"{format_count(lo)}件（調査中）"
    return f"{format_count(lo)}件〜{format_count(hi)}件（調査中）"


def period_summary(report: Report) -> str:
    """'2026年6月1日〜2026年9月30日（確定）'."""
    if report.period_start is None and report.period_end is None:
        return "調査中"
    span = f"{format_date(report.period_start)}〜{format_date(report.period_end)}"
    return f"{span}（{FIRMNESS[report.period_certainty]}）"


def _category_changes(previous: Report, current: Report) -> list[Change]:
    """Categories whose status changed, appeared or disappeared."""
    changes = []
    rows = {row.category: row for row in previous.categories}
    now = {row.category: row for row in current.categories}
    for category in sorted(set(rows) | set(now), key=lambda c: c.order):
        before = rows[category].status.label if category in rows else NOT_STATED
        after = now[category].status.label if category in now else NOT_STATED
        if before != after:
            changes.append(Change(category.label, before, after, key="leaked",
                                  mark="新たに判明" if category not in rows else ""))
    return changes


def _contact(report: Report) -> str:
    """The contact window on one line."""
    return " / ".join(v for v in (report.contact_phone, report.contact_hours, report.contact_form_url) if v)


def changes_between(previous: Report, current: Report) -> list[Change]:
    """Every item a reader of `previous` should know reads differently in `current`."""
    changes = []
    pairs = [
        ("漏えい件数", count_summary),
        ("漏えいした期間", period_summary),
    ]
    for (label, summary), key in zip(pairs, ("leaked", "period")):
        if summary(previous) != summary(current):
            changes.append(Change(label, summary(previous), summary(current), key=key))
    changes += _category_changes(previous, current)
    for field, certainty in (("cause", "cause_certainty"), ("damage", "damage_certainty")):
        old_c, new_c = getattr(previous, certainty), getattr(current, certainty)
        if old_c is not new_c and getattr(current, field).strip():
            changes.append(Change(READER_LABELS[field], FIRMNESS[old_c], FIRMNESS[new_c], key=field))
    for field in ("cause", "damage") + FREE_TEXT_ITEMS:
        old_text, new_text = getattr(previous, field).strip(), getattr(current, field).strip()
        if old_text != new_text:
            mark = "記載を削除" if not new_text else ("新たに記載" if not old_text else "更新")
            changes.append(Change(READER_LABELS[field], key=field, mark=mark))
    if _contact(previous) != _contact(current):
        changes.append(Change("お問い合わせ窓口", _contact(previous) or NOT_STATED, _contact(current) or NOT_STATED,
                              key="contact"))
    return changes

