"""Placeholders in answer templates: {件数}, {期間}, {お問い合わせ窓口} …

A template body names facts instead of stating them; they are filled from the
incident's latest published report when an agent answers. Every fact is worded by
hotline.phrasing, so a provisional fact keeps its caveat in every answer.

Pure functions: no database, no Flask. Full-width braces ｛｝ count as braces.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from ..models import Certainty, Incident, Report
from .. import notices
from ..notices import periods, phrasing, report_view

OPEN, CLOSE = "{｛", "}｝"
SPACES = " \u3000\t"
JST_OFFSET = timedelta(hours=9)

# Report fields a placeholder may draw on, with the words used when they change.
FIELD_LABELS = {
    "counts": "対象となる方の数",
    "period_start": "漏えいした期間", "period_end": "漏えいした期間", "period_certainty": "漏えいした期間",
    "period_start_time": "漏えいした期間", "period_end_time": "漏えいした期間", "period_end_certainty": "漏えいした期間",
    "items": "漏えいした情報の項目",
    "cause": "漏えいの原因", "cause_certainty": "漏えいの原因",
    "damage": "被害の状況", "damage_certainty": "被害の状況",
    "secondary_risks": "予想される二次被害",
    "customer_actions": "お客様へのお願い",
    "next_steps": "今後の対応",
    "prevention": "再発防止策",
    "contact_phone": "窓口の電話番号",
    "contact_hours": "受付時間",
    "contact_form_url": "お問い合わせフォーム",
}


class PlaceholderError(ValueError):
    """A text cannot be filled in; the message is Japanese."""


@dataclass(frozen=True)
class Placeholder:
    """One name usable as {name}: what it means, the report fields it reads, how it is worded."""

    name: str
    description: str
    fields: frozenset[str]
    render: Callable[[Report, Incident], str]


@dataclass(frozen=True)
class Token:
    """A {name} found in a text; start and end are indexes of the braces."""

    start: int
    end: int
    name: str
    agent_input: bool = False  # {入力:折り返し日時}: the agent writes it before sending


INPUT_PREFIXES = ("入力:", "入力：")
BLOCK_PREFIXES = ("文面:", "文面：")
INPUT_MARK = "【入力してください：{}】"
MAX_INPUT_LABEL = 30
_INPUT_LEFT = re.compile(r"【入力してください：([^】]{1,30})】")


def input_marker(label: str) -> str:
    """What an agent-input slot becomes in a filled answer, until the agent replaces it."""
    return INPUT_MARK.format(label)


def input_slots(text: str) -> list[str]:
    """Labels of the agent-input slots ({入力:…}) of a template body, in order."""
    return list(dict.fromkeys(token.name for token in _scan(text)[0] if token.agent_input))


def missing_inputs(answer: str) -> list[str]:
    """Labels of agent-input slots an answer still leaves unfilled (refused when sending)."""
    return list(dict.fromkeys(_INPUT_LEFT.findall(answer or "")))


def _paragraphs(text: str) -> str:
    """Free text as stored, without blank lines at either end."""
    return "\n".join(line.rstrip() for line in (text or "").strip().splitlines())


def _fact(text: str, certainty: Certainty, subject: str) -> str:
    """A free-text fact followed by its caveat while provisional; when the report says nothing of it,
    'under investigation' (provisional) or a pointer to the notice, never an empty answer."""
    if not (text or "").strip():
        if certainty is Certainty.PROVISIONAL:
            return f"{subject}は、現在調査しております。" + phrasing.STILL_INVESTIGATING
        return f"{subject}は、お知らせでご案内いたします。"
    return _paragraphs(text) + phrasing.fact_caveat(certainty)


def report_label(report: Report) -> str:
    """第一報, 第二報 … or 最終報告 for a published report."""
    if report.number is None and not report.is_final:
        return "最新の報"
    if report.incident is None:
        return phrasing.report_name(report.number, report.is_final)
    return notices.report_label(report)


def _latest(report: Report, _incident: Incident) -> str:
    """'第二報（2026年11月13日公表）'."""
    if report.published_at is None:
        return report_label(report)
    day = (report.published_at + JST_OFFSET).date()
    return f"{report_label(report)}（{phrasing.format_date(day)}公表）"


def _categories(report: Report, _incident: Incident) -> str:
    """Every group's item sentences, or 'under investigation' when the report names none."""
    text = phrasing.items_sentence(report)
    if not text:
        return "漏えいした情報の項目は、現在調査しております。" + phrasing.STILL_INVESTIGATING
    return text


def _phone(report: Report, incident: Incident) -> str:
    """The report's phone number, else the incident's."""
    return report.contact_phone or incident.contact_phone or "（電話窓口は設けていません）"


def _hours(report: Report, incident: Incident) -> str:
    """The report's opening hours, else the incident's."""
    return report.contact_hours or incident.contact_hours or "（受付時間は未定です）"


def _window(report: Report, incident: Incident) -> str:
    """Phone, hours and form in one line."""
    parts = []
    phone = report.contact_phone or incident.contact_phone
    hours = report.contact_hours or incident.contact_hours
    form = report.contact_form_url or incident.contact_form_url
    if phone:
        parts.append(f"電話 {phone}")
    if hours:
        parts.append(f"受付時間 {hours}")
    if form:
        parts.append(f"お問い合わせフォーム {form}")
    return "専用窓口：" + "、".join(parts) if parts else "専用窓口の連絡先は、お知らせでご案内いたします。"


def _text(field: str, missing: str) -> Callable[[Report, Incident], str]:
    """A free-text report item, or a polite sentence when it is empty."""
    def render(report: Report, _incident: Incident) -> str:
        """The item's text as stored."""
        return _paragraphs(getattr(report, field)) or missing
    return render


def _entries() -> list[Placeholder]:
    """The registry, in the order staff see it."""
    P = Placeholder
    return [
        P("事案名", "事案の名称", frozenset(), lambda r, i: i.title),
        P("最新の報", "最新の公表済みの報（第N報と公表日）。報ごとに変わる前提のため確認対象にはなりません",
          frozenset(), _latest),
        P("件数", "対象となる方の数を区分ごとに（調査中は「少なくとも〜、最大で〜の可能性」）",
          frozenset({"counts"}), lambda r, i: phrasing.groups_sentence(r)),
        P("期間", "漏えいした期間（調査中は「変わる可能性」を添えます）",
          frozenset({"period_start", "period_end", "period_certainty", "period_start_time", "period_end_time",
                     "period_end_certainty"}),
          lambda r, i: periods.sentence(periods.of_report(r), then=phrasing.STILL_INVESTIGATING if periods.of_report(r).open else "",
                                        possible=not report_view.leak_confirmed(r))),
        P("漏えい項目", "漏えいした情報の項目（確認済み・可能性あり・調査中・漏えいなしを区別）",
          frozenset({"items"}), _categories),
        P("対象の情報", "お問い合わせの方が対象者リストにいるときは、その方の区分の情報の項目と状況"
          "（お知らせ番号で照合）。いないときは「漏えい項目」と同じ", frozenset({"items"}), _categories),
        P("原因", "漏えいの原因（調査中はその旨を添えます）", frozenset({"cause", "cause_certainty"}),
          lambda r, i: _fact(r.cause, r.cause_certainty, "漏えいの原因")),
        P("被害状況", "現在発生している被害の状況（調査中はその旨を添えます）",
          frozenset({"damage", "damage_certainty"}),
          lambda r, i: _fact(r.damage, r.damage_certainty, "被害の状況")),
        P("二次被害", "予想される二次被害と防止措置", frozenset({"secondary_risks"}),
          _text("secondary_risks", "予想される二次被害については、お知らせでご案内いたします。")),
        P("お客様へのお願い", "お客様にお願いしたいこと", frozenset({"customer_actions"}),
          _text("customer_actions", "お客様にお願いしたいことは、お知らせでご案内いたします。")),
        P("今後の対応", "当社の今後の対応", frozenset({"next_steps"}),
          _text("next_steps", "今後の対応は、決まり次第お知らせでご案内いたします。")),
        P("再発防止策", "再発防止策", frozenset({"prevention"}),
          _text("prevention", "再発防止策は、調査の結果を踏まえてお知らせでご報告いたします。")),
        P("窓口電話", "専用窓口の電話番号", frozenset({"contact_phone"}), _phone),
        P("受付時間", "専用窓口の受付時間", frozenset({"contact_hours"}), _hours),
        P("お問い合わせ窓口", "電話番号・受付時間・お問い合わせフォームをまとめて",
          frozenset({"contact_phone", "contact_hours", "contact_form_url"}), _window),
        P("お知らせURL", "事案のお知らせページのURL", frozenset(), lambda r, i: f"/notices/{i.slug}/"),
    ]


REGISTRY: dict[str, Placeholder] = {p.name: p for p in _entries()}
LINK_PLACEHOLDERS = {"お問い合わせ窓口", "お知らせURL"}


def valid_names() -> str:
    """'{事案名}、{最新の報}…' for messages and hints."""
    return "、".join(f"{{{name}}}" for name in REGISTRY)


def _scan(text: str) -> tuple[list[Token], list[str]]:
    """Placeholders and brace problems of a text; positions in messages count from 1."""
    tokens, errors, start = [], [], None
    for index, char in enumerate(text or ""):
        if char in OPEN:
            if start is not None:
                errors.append(f"{start + 1}文字目の「{text[start]}」が閉じられる前に、{index + 1}文字目に次の「{char}」が"
                              "あります。閉じ忘れか入れ子です（差し込み項目の中に差し込み項目は書けません）。")
            start = index
        elif char in CLOSE:
            if start is None:
                errors.append(f"{index + 1}文字目の「{char}」に対応する「{{」がありません。")
                continue
            name = text[start + 1:index].strip(SPACES)
            label = next((name[len(p):].strip(SPACES) for p in INPUT_PREFIXES if name.startswith(p)), None)
            if name.startswith(BLOCK_PREFIXES):
                pass  # a shared text block: written out by hotline.faq.blocks, checked against the blocks there
            elif label is not None:
                if not label or len(label) > MAX_INPUT_LABEL or any(c in label for c in "【】"):
                    errors.append(f"{start + 1}文字目の「{{{name}}}」：入力欄には{MAX_INPUT_LABEL}文字以内の名前を"
                                  "付けてください（例：{入力:折り返し日時}）。")
                else:
                    tokens.append(Token(start, index, label, agent_input=True))
            elif not name:
                errors.append(f"{start + 1}文字目に空の「{{}}」があります。差し込み項目の名前を入れてください。")
            elif name not in REGISTRY:
                errors.append(f"{start + 1}文字目の「{{{name}}}」は使えない差し込み項目です。"
                              f"使える項目：{valid_names()}")
            else:
                tokens.append(Token(start, index, name))
            start = None
    if start is not None:
        errors.append(f"{start + 1}文字目の「{text[start]}」が閉じられていません（「}}」がありません）。")
    return tokens, errors


def check_text(text: str) -> list[str]:
    """Japanese error messages for unknown names, empty, unbalanced or nested braces; [] if fine.

    {入力:名前} is an agent-input slot: it stays a 【入力してください：名前】 mark in the filled
    answer, and an answer that still holds the mark cannot be sent.
    """
    return _scan(text)[1]


def names_used(text: str) -> list[str]:
    """Valid placeholder names in order of first use (agent-input slots are not placeholders)."""
    return list(dict.fromkeys(token.name for token in _scan(text)[0] if not token.agent_input))


def fields_used(text: str) -> set[str]:
    """Report fields the text's placeholders draw on."""
    return {field for name in names_used(text) for field in REGISTRY[name].fields}


def _absolute(name: str, value: str, base_url: str) -> str:
    """Site paths in link placeholders made absolute, for text that leaves the site (mail)."""
    if not base_url or name not in LINK_PLACEHOLDERS:
        return value
    return re.sub(r"(^|\s)/(?!/)", lambda m: f"{m.group(1)}{base_url}/", value)


def render(text: str, report: Report | None, incident: Incident, base_url: str = "",
           overrides: dict[str, str] | None = None) -> str:
    """The text with every placeholder filled from `report`; PlaceholderError if it cannot be.

    With `base_url`, links to pages of this site come out as absolute addresses.
    `overrides` words some placeholders for one person (e.g. {対象の情報} from their groups).
    """
    overrides = overrides or {}
    tokens, errors = _scan(text)
    if errors:
        raise PlaceholderError(" ".join(errors))
    if any(not t.agent_input for t in tokens) and report is None:
        raise PlaceholderError("公開済みの報がないため、差し込み項目を埋められません。報を公開してからお使いください。")
    out, position = [], 0
    for token in tokens:
        out.append(text[position:token.start])
        if token.agent_input:
            out.append(input_marker(token.name))
            position = token.end + 1
            continue
        value = overrides.get(token.name) or REGISTRY[token.name].render(report, incident)
        out.append(_absolute(token.name, value, base_url))
        position = token.end + 1
    out.append(text[position:])
    return "".join(out)
