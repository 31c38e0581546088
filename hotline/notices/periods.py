"""Periods (漏えいの期間) with dates, optional times and a certainty for each end.

A report has one period; a group whose period differs has its own (groups.GroupSpec
carries it). Sentences say which end is confirmed and which is still an estimate.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from ..models import AffectedGroup, Certainty, Report
from .phrasing import format_date

C, P = Certainty.CONFIRMED, Certainty.PROVISIONAL
FIRMNESS = {C: "確定", P: "調査中"}


@dataclass(frozen=True)
class Span:
    """One period: each end a date (or unknown), an optional time, and how firm it is."""

    start: date | None
    start_time: time | None
    start_certainty: Certainty
    end: date | None
    end_time: time | None
    end_certainty: Certainty

    @property
    def empty(self) -> bool:
        """No end is known."""
        return self.start is None and self.end is None

    @property
    def open(self) -> bool:
        """Some end is still an estimate or unknown."""
        return self.start_certainty is P or self.end_certainty is P or self.start is None or self.end is None

    def moment(self, which: str) -> datetime | None:
        """An end as a datetime for comparisons (a missing time counts as the start or end of the day)."""
        day = getattr(self, which)
        if day is None:
            return None
        clock = getattr(self, f"{which}_time") or (time(0) if which == "start" else time(23, 59, 59))
        return datetime.combine(day, clock)

    def key(self, which: str) -> tuple:
        """What an end says: its date and time."""
        return getattr(self, which), getattr(self, f"{which}_time")


def of_report(report: Report) -> Span:
    """The report's period; the end shares the start's certainty unless it has its own."""
    start_certainty = report.period_certainty or P
    return Span(report.period_start, report.period_start_time, start_certainty,
                report.period_end, report.period_end_time, report.period_end_certainty or start_certainty)


def of_group(group: AffectedGroup) -> Span | None:
    """The group's own period, or None when the report's applies."""
    if group.period_start is None and group.period_end is None:
        return None
    return Span(group.period_start, group.period_start_time, group.period_start_certainty or P,
                group.period_end, group.period_end_time, group.period_end_certainty or P)


def _at(day: date | None, clock: time | None) -> str:
    """'2026年7月14日 10:12' or '2026年7月14日'."""
    if day is None:
        return ""
    return format_date(day) + (f" {clock.hour}:{clock:%M}" if clock else "")


def text(span: Span) -> str:
    """'2026年7月14日 10:12から2026年10月2日まで', '…以降', '…まで'."""
    start, end = _at(span.start, span.start_time), _at(span.end, span.end_time)
    if start and end:
        return f"{start}から{end}まで"
    return f"{start}以降" if start else f"{end}まで"


def summary(span: Span) -> str:
    """For the changes table: '2026年7月14日〜2026年10月2日（確定）' or '（開始：確定／終了：調査中）'."""
    if span.empty:
        return "調査中"
    body = f"{_at(span.start, span.start_time)}〜{_at(span.end, span.end_time)}"
    if span.start_certainty is span.end_certainty:
        return f"{body}（{FIRMNESS[span.start_certainty]}）"
    return f"{body}（開始：{FIRMNESS[span.start_certainty]}／終了：{FIRMNESS[span.end_certainty]}）"


def sentence(span: Span, subject: str = "漏えい", then: str = "", possible: bool = False) -> str:
    """The period in a sentence, as firm as each end is; with `possible`, a settled period of a
    leak that stays a possibility (no item confirmed as leaked, e.g. a final scope of skimming)."""
    if span.empty:
        return f"{subject}の可能性がある期間は、現在調査しております。{then}"
    if not span.open:
        return f"{subject}{'の可能性がある' if possible else 'した'}期間は{text(span)}であることを確認いたしました。"
    if span.start_certainty is not span.end_certainty and span.start and span.end:
        firm, loose = ("開始", "終了") if span.start_certainty is C else ("終了", "開始")
        return (f"{subject}の可能性がある期間は{text(span)}で、{firm}の日時は調査により確認しておりますが、"
                f"{loose}の日時は現時点の推定でございます。今後の調査により変わる可能性がございます。{then}")
    return (f"現時点の調査では、{subject}の可能性がある期間を{text(span)}と推定しておりますが、"
            f"今後の調査により変わる可能性がございます。{then}")


def shape_problems(span: Span, where: str) -> list[tuple[str, str]]:
    """Periods that cannot be true: an end before the start, a confirmed end without its date."""
    out = []
    start, end = span.moment("start"), span.moment("end")
    if start and end and start > end:
        out.append(("period_inverted", f"{where}の終了が開始より前になっています。"))
    for which, word in (("start", "開始"), ("end", "終了")):
        if getattr(span, f"{which}_certainty") is C and getattr(span, which) is None:
            out.append(("confirmed_period_open", f"{where}の{word}を確定とするには、{word}日が必要です。"))
    return out


def contradictions(old: Span, new: Span, where: str, published: str) -> list[tuple[str, str]]:
    """A confirmed end that moves or goes back to an estimate."""
    out = []
    for which, word in (("start", "開始"), ("end", "終了")):
        if getattr(old, f"{which}_certainty") is not C or getattr(old, which) is None:
            continue
        if getattr(new, f"{which}_certainty") is P:
            out.append(("confirmed_became_provisional", f"{published}で確定として公表した{where}の{word}が、調査中に戻っています。"))
        elif old.key(which) != new.key(which):
            out.append(("confirmed_figure_changed", f"{published}で確定として公表した{where}の{word}が変わっています"
                        f"（{_at(*old.key(which))} → {_at(*new.key(which)) or '記載なし'}）。"))
    return out
