"""Japanese sentences for report facts, with the caveats their certainty demands.

Templates never decide how sure a fact sounds: they show what these functions return,
so a provisional fact can only ever be published with its caveat.
"""

from datetime import date

from ..models import Certainty, DataCategory, LeakStatus, Report

STILL_INVESTIGATING = "調査を継続しており、新たな事実が判明しましたら速やかにお知らせいたします。"
PROVISIONAL_NOTE = "これは現時点での調査結果であり、今後の調査により変わる可能性がございます。"


def format_count(n: int | None) -> str:
    """1234567 → '1,234,567'."""
    return "—" if n is None else f"{n:,}"


def format_date(d: date | None) -> str:
    """2026-08-01 → '2026年8月1日'."""
    return "" if d is None else f"{d.year}年{d.month}月{d.day}日"


def join_ja(words: list[str]) -> str:
    """['A','B','C'] → 'A、BおよびC'."""
    words = [w for w in words if w]
    if len(words) <= 1:
        return "".join(words)
    return "、".join(words[:-1]) + "および" + words[-1]


_DIGITS = "〇一二三四五六七八九"


def kanji_number(n: int) -> str:
    """1 → '一', 12 → '十二', 20 → '二十', 105 → '百五' (up to 999)."""
    if not 0 < n < 1000:
        return str(n)
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += ("" if hundreds == 1 else _DIGITS[hundreds]) + "百"
    if tens:
        out += ("" if tens == 1 else _DIGITS[tens]) + "十"
    if ones:
        out += _DIGITS[ones]
    return out


def report_name(number: int, is_final: bool = False, after_final: bool = False) -> str:
    """'第一報', '第二報' …, '最終報告' for the final report, '追加のお知らせ' for one after it."""
    if after_final:
        return "追加のお知らせ"
    return "最終報告" if is_final else f"第{kanji_number(number)}報"


def label_of(category: DataCategory) -> str:
    """Japanese name of a data category."""
    return category.label


def _then(caveat: bool) -> str:
    """The promise to report more, after a provisional fact that stands alone."""
    return STILL_INVESTIGATING if caveat else ""


def count_sentence(report: Report, caveat: bool = True) -> str:
    """The record count, with 'at least N, possibly up to M' when not confirmed.

    `caveat=False` leaves out the promise to report more, for pages that say it once
    in their caveat summary.
    """
    lo, hi = report.count_min, report.count_max
    tail = _then(caveat)
    if report.count_certainty is Certainty.CONFIRMED and lo is not None:
        return f"漏えいした件数は{format_count(lo)}件であることを確認いたしました。"
    if lo is None and hi is None:
        return f"漏えいした件数は、現在調査しております。{tail}"
    if lo is None:
        return f"漏えいした件数は現在調査しておりますが、最大で{format_count(hi)}件に及ぶ可能性がございます。{tail}"
    if hi is None:
        return (f"現時点で少なくとも{format_count(lo)}件の漏えいを確認しておりますが、"
                f"件数はさらに増える可能性がございます。{tail}")
    if hi == lo:
        return f"現時点で{format_count(lo)}件の漏えいを確認しておりますが、件数は確定しておりません。{tail}"
    return (f"現時点で少なくとも{format_count(lo)}件の漏えいを確認しておりますが、"
            f"最大で{format_count(hi)}件に及ぶ可能性がございます。{tail}")


def period_sentence(report: Report, caveat: bool = True) -> str:
    """The leak period, hedged when not confirmed."""
    start, end = format_date(report.period_start), format_date(report.period_end)
    if not start and not end:
        return f"漏えいの可能性がある期間は、現在調査しております。{_then(caveat)}"
    span = f"{start}から{end}まで" if start and end else (f"{start}以降" if start else f"{end}まで")
    if report.period_certainty is Certainty.CONFIRMED:
        return f"漏えいした期間は{span}であることを確認いたしました。"
    return (f"現時点の調査では、漏えいの可能性がある期間を{span}と推定しておりますが、"
            f"今後の調査により変わる可能性がございます。{_then(caveat)}")


def category_sentences(report: Report, caveat: bool = True) -> list[str]:
    """Leaked data categories grouped by status, each group with its own wording."""
    groups: dict[LeakStatus, list[str]] = {status: [] for status in LeakStatus}
    for row in sorted(report.categories, key=lambda r: r.category.order):
        groups[row.status].append(row.category.label)
    settled = not any(groups[s] for s in (LeakStatus.POSSIBLE, LeakStatus.INVESTIGATING))
    sentences = []
    if groups[LeakStatus.CONFIRMED]:
        lead = "調査の結果、" if settled else "現時点で判明している限りでは、"
        sentences.append(f"{lead}{join_ja(groups[LeakStatus.CONFIRMED])}の漏えいを確認しております。")
    if groups[LeakStatus.POSSIBLE]:
        also = "また、" if sentences else ""
        sentences.append(f"{also}現時点では確認されておりませんが、{join_ja(groups[LeakStatus.POSSIBLE])}"
                         f"が漏えいした可能性も否定できません。{_then(caveat)}")
    if groups[LeakStatus.INVESTIGATING]:
        sentences.append(f"{join_ja(groups[LeakStatus.INVESTIGATING])}については、漏えいの有無を調査しております。")
    if groups[LeakStatus.NOT_LEAKED]:
        sentences.append(f"{join_ja(groups[LeakStatus.NOT_LEAKED])}については、漏えいしていないことを確認しております。")
    return sentences


def fact_caveat(certainty: Certainty) -> str:
    """The sentence appended to a free-text fact that is not yet confirmed."""
    return PROVISIONAL_NOTE + STILL_INVESTIGATING if certainty is Certainty.PROVISIONAL else ""


def provisional_items(report: Report) -> list[str]:
    """What a report still has under investigation, in words, in the order of the page."""
    items = []
    if report.period_certainty is Certainty.PROVISIONAL:
        items.append("漏えいの可能性がある期間")
    if report.count_certainty is Certainty.PROVISIONAL:
        items.append("漏えいした件数")
    items += [label_of(c.category) for c in sorted(report.categories, key=lambda c: c.category.order)
              if not c.status.is_firm]
    if report.damage_certainty is Certainty.PROVISIONAL:
        items.append("現在発生している被害の状況")
    if report.cause_certainty is Certainty.PROVISIONAL:
        items.append("漏えいの原因")
    return items


def has_provisional_facts(report: Report) -> bool:
    """True when any fact in the report is still under investigation."""
    certainties = (report.count_certainty, report.period_certainty, report.cause_certainty, report.damage_certainty)
    return any(c is Certainty.PROVISIONAL for c in certainties) or any(
        not row.status.is_firm for row in report.categories
    )
