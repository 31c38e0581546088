"""Japanese sentences for report facts, with the caveats their certainty demands.

Templates never decide how sure a fact sounds: they show what these functions return,
so a provisional fact can only ever be published with its caveat.
"""

from datetime import date

from ..models import AffectedGroup, Certainty, DataCategory, LeakStatus, Report
from .groups import count_is_open, item_is_open

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


def published_name(report: Report) -> str:
    """How a published report is referred to in messages (第一報, 最終報告 …)."""
    return report_name(report.number, report.is_final)


def label_of(category: DataCategory) -> str:
    """Japanese name of a data category."""
    return category.label


def _then(caveat: bool) -> str:
    """The promise to report more, after a provisional fact that stands alone."""
    return STILL_INVESTIGATING if caveat else ""


def _n(group: AffectedGroup, n: int | None) -> str:
    """'約12,000名' style: the number with the group's unit and 約 when approximate."""
    return f"{'約' if group.count_approx else ''}{format_count(n)}{group.unit}"


def count_sentence(group: AffectedGroup, caveat: bool = True) -> str:
    """A group's number, with 'at least N, possibly up to M' when not confirmed.

    `caveat=False` leaves out the promise to report more, for pages that say it once
    in their caveat summary.
    """
    lo, hi, who = group.count_min, group.count_max, group.name
    tail = _then(caveat)
    if group.count_certainty is Certainty.CONFIRMED and lo is not None:
        if group.final_scope:
            return f"対象となる{who}は{_n(group, lo)}で確定いたしました。"
        return f"対象となる{who}は{_n(group, lo)}であることを確認いたしました。"
    if lo is None and hi is None:
        return f"対象となる{who}の数は、現在調査しております。{tail}"
    if lo is None:
        return f"対象となる{who}の数は現在調査しておりますが、最大で{_n(group, hi)}に及ぶ可能性がございます。{tail}"
    if hi is None:
        return (f"現時点で、対象となる{who}は少なくとも{_n(group, lo)}でございますが、"
                f"さらに増える可能性がございます。{tail}")
    if hi == lo:
        return f"現時点で、対象となる{who}は{_n(group, lo)}でございますが、数は確定しておりません。{tail}"
    return (f"現時点で、対象となる{who}は少なくとも{_n(group, lo)}でございますが、"
            f"最大で{_n(group, hi)}に及ぶ可能性がございます。{tail}")


def cleared_sentence(group: AffectedGroup) -> str:
    """The part of a group confirmed not to be affected, if any."""
    if not group.cleared:
        return ""
    return f"なお、このうち{_n(group, group.cleared)}については、対象外であることを確認しております。"


def item_sentences(group: AffectedGroup, caveat: bool = True) -> list[str]:
    """A group's data items by status, each status with its own wording, strongest first."""
    by_status: dict[LeakStatus, list[str]] = {status: [] for status in LeakStatus}
    for item in group.items:
        by_status[item.status].append(item.label)
    words = {status: join_ja(labels) for status, labels in by_status.items() if labels}
    settled = not any(item_is_open(group, s) for s in words)
    S = LeakStatus
    sentences = []
    if S.CONFIRMED in words:
        lead = "調査の結果、" if settled else "現時点で判明している限りでは、"
        sentences.append(f"{lead}{words[S.CONFIRMED]}の漏えいを確認しております。")
    if S.LIKELY in words:
        sentences.append(f"{words[S.LIKELY]}は、漏えいした可能性が高いと考えております。")
    if S.POSSIBLE in words:
        sentences.append(f"{words[S.POSSIBLE]}は、漏えいした可能性を否定できません。")
    if group.final_scope and (S.LIKELY in words or S.POSSIBLE in words):
        sentences.append("対象の範囲は調査により確定しておりますが、お一人おひとりの情報について"
                         "漏えいの事実を確認したものではございません。")
    elif caveat and (S.LIKELY in words or S.POSSIBLE in words):
        sentences.append(STILL_INVESTIGATING)
    if S.INVESTIGATING in words:
        sentences.append(f"{words[S.INVESTIGATING]}については、漏えいの有無を調査しております。")
    if S.NOT_LEAKED in words:
        sentences.append(f"{words[S.NOT_LEAKED]}については、漏えいしていないことを確認しております。")
    if S.NOT_HELD in words:
        sentences.append(f"{words[S.NOT_HELD]}は、当社ではお預かりしておりません。")
    return sentences


def group_sentences(group: AffectedGroup, caveat: bool = True) -> list[str]:
    """What a report says about one group: its number, the part cleared, its items; or that it is not concerned."""
    if not group.affected:
        return [f"{group.name}は、本件の対象ではございません。" + (group.note or "")]
    out = [count_sentence(group, caveat), cleared_sentence(group), *item_sentences(group, caveat)]
    if group.note:
        out.append(group.note)
    return [s for s in out if s]


def groups_sentence(report: Report, caveat: bool = True) -> str:
    """Every group's number in one paragraph (for answer templates)."""
    groups = report.affected_groups
    if not groups:
        return f"対象となるお客様の数は、現在調査しております。{_then(caveat)}"
    return "".join(count_sentence(g, caveat=False) for g in groups) + (
        _then(caveat) if any(count_is_open(g) for g in groups) else "")


def items_sentence(report: Report, caveat: bool = True) -> str:
    """Every group's data items in one paragraph, named by group when there are several."""
    groups = [g for g in report.affected_groups if g.items]
    if not groups:
        return ""
    if len(groups) == 1:
        return "".join(item_sentences(groups[0], caveat))
    text = "\n".join(f"【{g.name}】" + "".join(item_sentences(g, caveat=False)) for g in groups)
    return text + (_then(caveat) if any(item_is_open(g, i.status) for g in groups for i in g.items) else "")


def fact_caveat(certainty: Certainty) -> str:
    """The sentence appended to a free-text fact that is not yet confirmed."""
    return PROVISIONAL_NOTE + STILL_INVESTIGATING if certainty is Certainty.PROVISIONAL else ""


def provisional_items(report: Report) -> list[str]:
    """What a report still has under investigation, in words, in the order of the page."""
    items = []
    if report.period_certainty is not Certainty.CONFIRMED or report.period_end_certainty is Certainty.PROVISIONAL:
        items.append("漏えいの可能性がある期間")
    groups = report.affected_groups
    several = len(groups) > 1
    for group in groups:
        items += _open_in_group(group, several)
    if report.damage_certainty is Certainty.PROVISIONAL:
        items.append("現在発生している被害の状況")
    if report.cause_certainty is Certainty.PROVISIONAL:
        items.append("漏えいの原因")
    return items


def _open_in_group(group: AffectedGroup, several: bool) -> list[str]:
    """What is open in one group, briefly: its number, and its items by name (or in summary when many)."""
    open_items = [item.label for item in group.items if item_is_open(group, item.status)]
    if group.period_start or group.period_end:
        if Certainty.PROVISIONAL in (group.period_start_certainty, group.period_end_certainty):
            open_items.insert(0, "期間")
    counted = count_is_open(group)
    if not (counted or open_items):
        return []
    if not several and len(open_items) <= 3:
        return ([f"対象となる{group.name}の数"] if counted else []) + open_items
    if not open_items:
        part = "数"
    else:
        which = "情報の項目" if len(open_items) == len(group.items) else "情報の項目の一部"
        part = f"数と{which}" if counted else (which if len(open_items) > 3 else "、".join(open_items))
    return [f"{group.name}の{part}"]


def has_provisional_facts(report: Report) -> bool:
    """True when any fact in the report is still under investigation."""
    return bool(provisional_items(report))
