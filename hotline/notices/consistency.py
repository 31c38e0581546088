"""Compare a draft with every earlier published report of its incident.

Returns findings; it never changes anything. Rules that a correction statement (訂正)
can lift are marked `correctable`: with a correction they are shown, not blocking.
"""

from dataclasses import dataclass

from ..models import Certainty, LeakStatus, Report
from .phrasing import format_count, join_ja, label_of, provisional_items, report_name
from .wording import assertive_sentences

BLOCKING, WARNING, CORRECTED = "blocking", "warning", "corrected"
ITEM_LABELS = {
    "situation": "事故発生の状況",
    "apology": "お詫び",
    "background": "発生と発覚の経緯",
    "damage": "現在発生している被害の状況",
    "cause": "漏えいの原因",
    "investigation": "事実調査の方法と講じた処置",
    "secondary_risks": "予想される二次被害と防止措置",
    "customer_actions": "お客様にお願いしたいこと",
    "next_steps": "今後の対応",
    "prevention": "再発防止策",
}


@dataclass(frozen=True)
class Finding:
    """One problem or note found by the check."""

    code: str
    severity: str
    message: str

    @property
    def blocks(self) -> bool:
        """True when this finding stops submission and publication."""
        return self.severity == BLOCKING


def is_blocked(findings: list[Finding]) -> bool:
    """True if any finding blocks publication."""
    return any(f.blocks for f in findings)


def check_report(draft: Report, earlier: list[Report]) -> list[Finding]:
    """All findings for `draft` against the published reports in `earlier` (oldest first)."""
    has_correction = bool(draft.correction.strip())
    correctable = _contradictions(draft, earlier)
    findings = [
        Finding(code, CORRECTED if has_correction else BLOCKING, message + _correction_hint(has_correction))
        for code, message in _unique(correctable)
    ]
    findings += [Finding(code, BLOCKING, message) for code, message in _always_blocking(draft)]
    findings += [Finding(code, BLOCKING, message) for code, message in _final_rules(draft, earlier)]
    findings += [Finding(code, WARNING, message) for code, message in _warnings(draft, earlier)]
    if has_correction and not correctable:
        findings.append(Finding("correction_without_change", WARNING,
                                "訂正文がありますが、訂正が必要な変更は見つかりませんでした。内容をご確認ください。"))
    return findings


def _latest(earlier: list[Report], states) -> Report | None:
    """The newest published report that states a fact: a later statement (or correction) supersedes."""
    for report in reversed(earlier):
        if states(report):
            return report
    return None


def _correction_hint(has_correction: bool) -> str:
    """Tail of a correctable message."""
    if has_correction:
        return "訂正文とともに公表されます。"
    return "公表するには訂正文（訂正の内容と理由）を記載してください。"


def _unique(pairs):
    """Drop repeated findings while keeping order."""
    seen, out = set(), []
    for pair in pairs:
        if pair not in seen:
            seen.add(pair)
            out.append(pair)
    return out


def _name(report: Report) -> str:
    """How a published report is referred to in messages."""
    return report_name(report.number, report.is_final)


def _contradictions(draft: Report, earlier: list[Report]) -> list[tuple[str, str]]:
    """Changes to what was published that need a correction statement."""
    out = _count_contradictions(draft, earlier)
    old = _latest(earlier, lambda r: r.period_start is not None or r.period_end is not None)
    if old is not None and draft.period_start is None and draft.period_end is None:
        out.append(("period_dropped", f"{_name(old)}で公表した漏えいの期間が、今回の報にありません。記載をやめることで取り消すことはできません。"))
    elif old is not None and old.period_certainty is Certainty.CONFIRMED:
        if draft.period_certainty is Certainty.PROVISIONAL:
            out.append(("confirmed_became_provisional", f"{_name(old)}で確定として公表した漏えい期間が、調査中に戻っています。"))
        elif (draft.period_start, draft.period_end) != (old.period_start, old.period_end):
            out.append(("confirmed_figure_changed", f"{_name(old)}で確定として公表した漏えい期間が変わっています。"))
    for field in ("cause", "damage"):
        old = _latest(earlier, lambda r, f=field: bool(getattr(r, f).strip()))
        if old is not None and getattr(old, f"{field}_certainty") is Certainty.CONFIRMED \
                and getattr(draft, f"{field}_certainty") is Certainty.PROVISIONAL:
            out.append(("confirmed_became_provisional", f"{_name(old)}で確定として公表した「{ITEM_LABELS[field]}」が、調査中に戻っています。"))
    return out + _category_contradictions(draft, earlier)


def _count_contradictions(draft: Report, earlier: list[Report]) -> list[tuple[str, str]]:
    """Count rules: a confirmed count changes or regresses; a minimum passes a published maximum."""
    out = []
    old = _latest(earlier, lambda r: r.count_min is not None)
    if old is not None and old.count_certainty is Certainty.CONFIRMED:
        if draft.count_certainty is Certainty.PROVISIONAL:
            out.append(("confirmed_became_provisional", f"{_name(old)}で確定として公表した漏えい件数（{format_count(old.count_min)}件）が、調査中に戻っています。"))
        elif (draft.count_min, draft.count_max) != (old.count_min, old.count_max):
            out.append(("confirmed_figure_changed", f"{_name(old)}で確定として公表した漏えい件数（{format_count(old.count_min)}件）が変わっています（{format_count(draft.count_min)}件）。"))
    stated = _latest(earlier, lambda r: r.count_min is not None or r.count_max is not None)
    if stated is not None and draft.count_min is None and draft.count_max is None:
        out.append(("count_dropped", f"{_name(stated)}で公表した漏えい件数が、今回の報にありません。記載をやめることで取り消すことはできません。"))
        return out
    old = _latest(earlier, lambda r: r.count_max is not None)
    if old is not None and draft.count_min is not None and draft.count_min > old.count_max:
        out.append(("min_exceeds_published_max", f"新しい最小件数（{format_count(draft.count_min)}件）が、{_name(old)}で公表した最大件数（{format_count(old.count_max)}件）を超えています。"))
    elif old is not None and (draft.count_max is None or draft.count_max > old.count_max):
        raised = "上限なし（さらに増える可能性）" if draft.count_max is None else f"最大{format_count(draft.count_max)}件"
        out.append(("max_exceeds_published_max", f"{_name(old)}で「最大{format_count(old.count_max)}件」と公表した漏えい件数の上限が、{raised}に広がっています。"))
    return out


def _category_contradictions(draft: Report, earlier: list[Report]) -> list[tuple[str, str]]:
    """Category rules: 'not leaked' must not become leaked; confirmed must not regress."""
    out, stated = [], {}
    for report in earlier:
        for row in report.categories:
            stated[row.category] = (report, row.status)
    for category, (old, status) in stated.items():
        now = draft.category_status(category)
        label = label_of(category)
        if now is None:
            out.append(("category_dropped", f"{_name(old)}で「{status.label}」と公表した{label}が、今回の報にありません。記載をやめることで取り消すことはできません。"))
        elif status is LeakStatus.NOT_LEAKED and now in (LeakStatus.CONFIRMED, LeakStatus.POSSIBLE):
            out.append(("not_leaked_became_leaked", f"{_name(old)}で「漏えいしていない」と公表した{label}が「{now.label}」になっています。"))
        elif status.is_firm and now is not None and not now.is_firm:
            out.append(("confirmed_became_provisional", f"{_name(old)}で「{status.label}」と公表した{label}が「{now.label}」に戻っています。"))
        elif status is LeakStatus.CONFIRMED and now is LeakStatus.NOT_LEAKED:
            out.append(("confirmed_figure_changed", f"{_name(old)}で「漏えいを確認」と公表した{label}が「漏えいしていない」になっています。"))
    return out


def _always_blocking(draft: Report) -> list[tuple[str, str]]:
    """Rules no correction can lift."""
    out = []
    if not (draft.contact_phone.strip() or draft.contact_form_url.strip()) or not draft.contact_hours.strip():
        out.append(("missing_contact", "問い合わせ窓口（電話番号またはフォーム、受付時間）が記載されていません。"))
    if not draft.situation.strip():
        out.append(("missing_situation", "「事故発生の状況」が記載されていません。"))
    out += _shape_problems(draft)
    if draft.is_final:
        provisional = provisional_items(draft)
        if provisional:
            out.append(("final_has_provisional", f"最終報告に調査中の事項が残っています：{join_ja(provisional)}。すべて確定させてください。"))
        if not draft.prevention.strip():
            out.append(("final_without_prevention", "最終報告には「再発防止策」が必要です。"))
    for field in ("cause", "damage"):
        if getattr(draft, f"{field}_certainty") is not Certainty.PROVISIONAL:
            continue
        settled = assertive_sentences(getattr(draft, field))
        if settled:
            quoted = "」「".join(_clip(s) for s in settled[:3])
            out.append(("provisional_reads_confirmed", f"「{ITEM_LABELS[field]}」は調査中ですが、本文が確定したかのように書かれています（「{quoted}」）。「〜と推定しております」「〜の可能性がございます」などの表現にするか、確定として記載してください。"))
    return out


def _clip(sentence: str, limit: int = 40) -> str:
    """A sentence short enough to quote in a message."""
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"


def _final_rules(draft: Report, earlier: list[Report]) -> list[tuple[str, str]]:
    """A final report says what was done this time, not what an earlier report promised."""
    if not draft.is_final or not draft.prevention.strip():
        return []
    mine = "".join(draft.prevention.split())
    for report in earlier:
        if "".join(report.prevention.split()) == mine:
            return [("final_prevention_carried_over", f"最終報告の「再発防止策」が{_name(report)}と同じ文のままです。"
                     "実施した対策と今後の対策を、最終報告として書き直してください。")]
    return []


def _shape_problems(draft: Report) -> list[tuple[str, str]]:
    """Ranges and periods that cannot be true."""
    out = []
    if draft.count_min is not None and draft.count_max is not None and draft.count_min > draft.count_max:
        out.append(("count_range_inverted", "漏えい件数の最小が最大を上回っています。"))
    if draft.count_certainty is Certainty.CONFIRMED:
        if draft.count_min is None or (draft.count_max is not None and draft.count_max != draft.count_min):
            out.append(("confirmed_count_not_exact", "確定した件数は一つの数（最小＝最大）で記載してください。幅がある場合は「調査中」にしてください。"))
    if draft.period_start and draft.period_end and draft.period_start > draft.period_end:
        out.append(("period_inverted", "漏えい期間の終了日が開始日より前になっています。"))
    if draft.period_certainty is Certainty.CONFIRMED and not (draft.period_start and draft.period_end):
        out.append(("confirmed_period_open", "確定した漏えい期間には開始日と終了日の両方が必要です。"))
    return out


def _warnings(draft: Report, earlier: list[Report]) -> list[tuple[str, str]]:
    """Things worth a second look that do not block."""
    out = []
    if earlier:
        previous = earlier[-1]
        for field, label in ITEM_LABELS.items():
            if getattr(previous, field).strip() and not getattr(draft, field).strip():
                out.append(("item_emptied", f"{_name(previous)}に記載のあった「{label}」が空になっています。"))
        if previous.count_min is not None and draft.count_min is None:
            out.append(("item_emptied", f"{_name(previous)}に記載のあった漏えい件数が空になっています。"))
        if previous.period_start and not draft.period_start:
            out.append(("item_emptied", f"{_name(previous)}に記載のあった漏えい期間が空になっています。"))
    if draft.count_certainty is Certainty.PROVISIONAL and draft.count_min is not None and draft.count_max is None:
        out.append(("max_unknown", "漏えい件数の最大が未記載です。「さらに増える可能性がある」と表示されます。"))
    return out
