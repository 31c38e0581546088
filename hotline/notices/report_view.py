"""How a report reads: its twelve items as sections of finished sentences.

Used by the admin preview and by the public pages, so staff preview exactly what
readers will see. Every uncertain fact is worded by hotline.phrasing.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from ..models import AffectedGroup, Certainty, LeakStatus, Report
from . import periods, phrasing, response_view
from .groups import count_is_open, item_is_open

JST = timezone(timedelta(hours=9))


@dataclass
class GroupView:
    """One group of people inside the section on leaked data: its sentences and its table."""

    name: str
    paragraphs: list[str]
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)
    affected: bool = True


@dataclass
class Section:
    """One numbered item of the notice as readers will see it."""

    title: str
    paragraphs: list[str]
    groups: list[GroupView] = field(default_factory=list)
    key: str = ""
    provisional: bool = False


def jst(moment: datetime | None) -> str:
    """A stored UTC time as '2026年11月3日 15:00'."""
    if moment is None:
        return ""
    local = moment.replace(tzinfo=timezone.utc).astimezone(JST)
    return f"{phrasing.format_date(local.date())} {local:%H:%M}"


def jst_date(moment: datetime | None) -> str:
    """A stored UTC time as the Japanese date it was in Japan."""
    if moment is None:
        return ""
    return phrasing.format_date(moment.replace(tzinfo=timezone.utc).astimezone(JST).date())


def paragraphs(text: str) -> list[str]:
    """Split text into paragraphs at line breaks, dropping blank ones."""
    return [p.strip() for p in (text or "").split("\n") if p.strip()]


def first_sentence(text: str) -> str:
    """The first sentence of the first paragraph (up to and including 。)."""
    first = next(iter(paragraphs(text)), "")
    end = first.find("。")
    return first if end < 0 else first[: end + 1]


def _fact(text: str, certainty: Certainty) -> list[str]:
    """A free-text fact; while provisional the item is marked 調査中 and the page's caveat says the rest."""
    if not text.strip():
        return ["現在調査しております。"] if certainty is Certainty.PROVISIONAL else []
    return paragraphs(text)


def contact_lines(report: Report) -> list[str]:
    """The contact window as plain lines."""
    lines = []
    if report.contact_phone:
        lines.append(f"電話：{report.contact_phone}")
    if report.contact_hours:
        lines.append(f"受付時間：{report.contact_hours}")
    if report.contact_form_url:
        lines.append(f"お問い合わせフォーム：{report.contact_form_url}")
    return lines


def tel_uri(phone: str) -> str:
    """'0120-000-123' → 'tel:0120000123' (digits and a leading + only)."""
    digits = "".join(ch for ch in phone if ch.isdigit() and ch.isascii())
    return f"tel:{'+' if phone.strip().startswith('+') else ''}{digits}" if digits else ""


def item_rows(group: AffectedGroup) -> list[tuple[str, str, str, str]]:
    """(item, status, note, status key) for a group's table, in display order."""
    return [(item.label, item.status.label, item.note, item.status.value) for item in group.items]


def group_views(report: Report) -> list[GroupView]:
    """The groups as the page shows them: concerned groups first, then those not concerned."""
    ordered = report.affected_groups + [g for g in report.groups if not g.affected]
    return [GroupView(g.name, _group_period(g) + phrasing.group_sentences(g, caveat=False), item_rows(g), g.affected)
            for g in ordered]


def _group_period(group: AffectedGroup) -> list[str]:
    """A group's own period, where it differs from the report's."""
    span = periods.of_group(group)
    possible = not any(i.status is LeakStatus.CONFIRMED for i in group.items)
    return [f"{group.name}について、" + periods.sentence(span, possible=possible)] if span and group.affected else []


def leaked_title(report: Report) -> str:
    """Stage-aware: possible while anything is open; leaked, or in scope, once settled."""
    groups = report.affected_groups
    if any(count_is_open(g) or any(item_is_open(g, i.status) for i in g.items) for g in groups):
        return "漏えいの可能性がある情報と対象者"
    if any(i.status is LeakStatus.CONFIRMED for g in groups for i in g.items):
        return "漏えいした情報と対象者"
    return "対象となる情報と対象者"


def leak_confirmed(report: Report) -> bool:
    """True when some group has an item whose leak is confirmed (漏えいを確認)."""
    return any(i.status is LeakStatus.CONFIRMED for g in report.affected_groups for i in g.items)


def period_heading(report: Report) -> str:
    """漏えいした期間 only for a settled period of a confirmed leak; else 漏えいの可能性がある期間."""
    return "漏えいした期間" if leak_confirmed(report) and not periods.of_report(report).open else "漏えいの可能性がある期間"


def report_sections(report: Report) -> list[Section]:
    """The items in order, numbered without gaps; provisional ones are marked 調査中.

    The page states once, at the top, what is still under investigation and that more
    will follow (phrasing.provisional_items), so the items do not repeat it.
    """
    r = report
    P = Certainty.PROVISIONAL
    title = leaked_title(r)
    span = periods.of_report(r)
    possible = not leak_confirmed(r)
    period_title = period_heading(r)
    views = group_views(r)
    sections = [
        Section("本件の概要", paragraphs(r.situation), key="situation"),
        Section("お詫び", paragraphs(r.apology), key="apology"),
        Section("発生と発覚の経緯", paragraphs(r.background), key="background"),
        Section(period_title, [periods.sentence(span, possible=possible)], key="period", provisional=span.open),
        Section(title, [] if views else ["対象となるお客様と情報の項目は、現在調査しております。"], views,
                key="leaked", provisional=title.startswith("漏えいの可能性") or not views),
        Section("現在発生している被害の状況", _fact(r.damage, r.damage_certainty) + response_view.damage_figures(r),
                key="damage", provisional=r.damage_certainty is P),
        Section("漏えいの原因", _fact(r.cause, r.cause_certainty), key="cause", provisional=r.cause_certainty is P),
        Section("事実調査の方法と講じた処置", paragraphs(r.investigation), key="investigation"),
        Section("予想される二次被害と防止措置", paragraphs(r.secondary_risks), key="secondary_risks"),
        Section("お客様へのお願い", paragraphs(r.customer_actions), key="customer_actions"),
        Section("対象のお客様への対応", response_view.compensation(r) + response_view.individual_notices(r),
                key="response"),
        Section("サービスの状況", response_view.service(r), key="service"),
        Section("今後の対応", paragraphs(r.next_steps), key="next_steps"),
        Section("関係機関への報告", response_view.filings(r), key="filings"),
        Section("再発防止策", paragraphs(r.prevention), key="prevention"),
        Section("次回のお知らせ", response_view.next_update(r), key="next_update"),
        Section("お問い合わせ窓口", contact_lines(r), key="contact"),
    ]
    number = 1
    for section in sections:
        if (section.paragraphs or section.groups) and section.key != "customer_actions":
            section.title = f"{number}. {section.title}"
            number += 1
    return sections
