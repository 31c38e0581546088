"""Compare a draft with every earlier published report of its incident.

Returns findings; it never changes anything. Rules that a correction statement (訂正)
can lift are marked `correctable`: with a correction they are shown, not blocking.
"""

import re
import unicodedata
from dataclasses import dataclass

from ..models import Certainty, Report
from . import group_rules, periods, response_rules
from .groups import normal_name
from .phrasing import join_ja, provisional_items, published_name
from .versions import stated_now
from .wording import assertive_sentences, naming

BLOCKING, WARNING, CORRECTED, JUDGEMENT = "blocking", "warning", "corrected", "judgement"
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


def needs_judgement(findings: list[Finding]) -> bool:
    """True if the approver must give a written reason to publish (submission is not stopped)."""
    return any(f.severity == JUDGEMENT for f in findings)


def check_report(draft: Report, earlier: list[Report]) -> list[Finding]:
    """All findings for `draft` against the published reports in `earlier` (oldest first).

    A contradiction of what was published blocks unless the draft's 訂正 names what it
    corrects (the group, the item, 件数, 期間 …); then it is shown as corrected.
    """
    correction = normal_name(draft.correction)
    correctable = _contradictions(draft, earlier)
    findings = []
    for code, message, subjects in _unique(correctable):
        if not correction:
            findings.append(Finding(code, BLOCKING, message + "公表するには訂正文（訂正の内容と理由）を記載してください。"))
        elif any(normal_name(word) in correction for word in subjects):
            findings.append(Finding(code, CORRECTED, message + "訂正文とともに公表されます。"))
        else:
            named = "」「".join(subjects[:2])
            findings.append(Finding(code, BLOCKING, message + f"訂正文に、何を訂正するのか（「{named}」など）が書かれていません。"))
    findings += [Finding(code, BLOCKING, message) for code, message in _always_blocking(draft)]
    findings += [Finding(code, BLOCKING, message) for code, message in _final_rules(draft, earlier)]
    findings += [Finding(code, WARNING, message) for code, message in _warnings(draft, earlier)]
    findings += [Finding(code, JUDGEMENT, message) for code, message in group_rules.implausible_not_leaked(draft)]
    if correction and not correctable:
        findings.append(Finding("correction_without_change", WARNING,
                                "訂正文がありますが、訂正が必要な変更は見つかりませんでした。訂正の対象と理由が読む方に伝わるか、ご確認ください。"))
    return findings


SECTION_OF_CODE = {"damage_figure_dropped": "damage", "damage_figure_lowered": "damage",
                   "compensation_withdrawn": "response"}
SECTION_OF_SUBJECTS = {("期間",): "period", ("原因",): "cause", ("被害",): "damage"}


def corrected_sections(draft: Report, earlier: list[Report]) -> set[str]:
    """The page sections (report_view keys) holding a change that the draft's 訂正 covers: marked 【訂正】."""
    correction = normal_name(draft.correction)
    if not correction:
        return set()
    return {SECTION_OF_CODE.get(code) or SECTION_OF_SUBJECTS.get(subjects, "leaked")
            for code, _message, subjects in _unique(_contradictions(draft, earlier))
            if any(normal_name(word) in correction for word in subjects)}


def _unique(pairs):
    """Drop repeated findings while keeping order."""
    seen, out = set(), []
    for pair in pairs:
        if pair not in seen:
            seen.add(pair)
            out.append(pair)
    return out


def _contradictions(draft: Report, earlier: list[Report]) -> list[tuple[str, str, tuple]]:
    """Changes to what was published that need a correction naming them: (code, message, subjects)."""
    out = []
    period = ("期間",)
    old = stated_now(earlier, lambda r: r.period_start is not None or r.period_end is not None)
    if old is not None and draft.period_start is None and draft.period_end is None:
        out.append(("period_dropped", f"{published_name(old)}で公表した漏えいの期間が、今回の報にありません。記載をやめることで取り消すことはできません。", period))
    elif old is not None:
        out += [(code, message, period) for code, message in periods.contradictions(
            periods.of_report(old), periods.of_report(draft), "漏えい期間", published_name(old))]
    for field, word in (("cause", "原因"), ("damage", "被害")):
        old = stated_now(earlier, lambda r, f=field: bool(getattr(r, f).strip()))
        if old is None:
            continue
        if not getattr(draft, field).strip():
            out.append(("fact_dropped", f"{published_name(old)}で公表した「{ITEM_LABELS[field]}」が、今回の報で空になっています。記載をやめることで取り消すことはできません。", (word,)))
        elif getattr(old, f"{field}_certainty") is Certainty.CONFIRMED \
                and getattr(draft, f"{field}_certainty") is Certainty.PROVISIONAL:
            out.append(("confirmed_became_provisional", f"{published_name(old)}で確定として公表した「{ITEM_LABELS[field]}」が、調査中に戻っています。", (word,)))
    return out + group_rules.contradictions(draft, earlier) + response_rules.contradictions(draft, earlier)


def _always_blocking(draft: Report) -> list[tuple[str, str]]:
    """Rules no correction can lift."""
    out = []
    if not (draft.contact_phone.strip() or draft.contact_form_url.strip()) or not draft.contact_hours.strip():
        out.append(("missing_contact", "問い合わせ窓口（電話番号またはフォーム、受付時間）が記載されていません。"))
    if not draft.situation.strip():
        out.append(("missing_situation", "「事故発生の状況」が記載されていません。"))
    out += _shape_problems(draft) + group_rules.shape_problems(draft)
    if draft.is_final:
        provisional = provisional_items(draft)
        if provisional:
            out.append(("final_has_provisional", f"最終報告に調査中の事項が残っています：{join_ja(provisional)}。"
                        "すべて確定させてください。" + group_rules.open_items_hint(draft)))
        if not draft.prevention.strip():
            out.append(("final_without_prevention", "最終報告には「再発防止策」が必要です。"))
    for field in ("cause", "damage"):
        if getattr(draft, f"{field}_certainty") is not Certainty.PROVISIONAL:
            continue
        settled = assertive_sentences(getattr(draft, field))
        if settled:
            quoted = "」「".join(_clip(s) for s in settled[:3])
            out.append(("provisional_reads_confirmed", f"「{ITEM_LABELS[field]}」は調査中ですが、本文が確定したかのように書かれています（「{quoted}」）。「〜と推定しております」「〜の可能性がございます」などの表現にするか、確定として記載してください。"))
    return out + _settled_elsewhere(draft)


def _provisional_subjects(draft: Report) -> dict[str, set[str]]:
    """The facts still under investigation, each with the words a sentence names it by."""
    subjects = {}
    if draft.cause_certainty is Certainty.PROVISIONAL:
        subjects["漏えいの原因"] = {"原因", "経路", "侵入経路"}
    if draft.damage_certainty is Certainty.PROVISIONAL:
        subjects["被害の状況"] = {"被害"}
    if periods.of_report(draft).open:
        subjects["漏えいした期間"] = {"期間"}
    if any(g.count_certainty is Certainty.PROVISIONAL for g in draft.affected_groups):
        subjects["対象となる数"] = {"件数", "人数", "総数"}
    return subjects


def _settled_elsewhere(draft: Report) -> list[tuple[str, str]]:
    """A provisional fact stated as settled in another section (「原因を特定いたしました」 in 本件の概要)."""
    subjects = _provisional_subjects(draft)
    if not subjects:
        return []
    out = []
    for field, label in ITEM_LABELS.items():
        if field in ("cause", "damage") and getattr(draft, f"{field}_certainty") is Certainty.PROVISIONAL:
            continue  # checked as a whole above
        found = [(sentence, named) for sentence in assertive_sentences(getattr(draft, field) or "")
                 if (named := naming(sentence, subjects))]
        if found:
            facts = join_ja(list(dict.fromkeys(n for _, names in found for n in names)))
            quoted = "」「".join(_clip(sentence) for sentence, _ in found[:3])
            out.append(("provisional_reads_confirmed", f"「{label}」で、調査中の{facts}が確定したかのように書かれています"
                        f"（「{quoted}」）。「〜と推定しております」などの表現にするか、その事実を確定として記載してください。"))
    return out


def _clip(sentence: str, limit: int = 40) -> str:
    """A sentence short enough to quote in a message."""
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"


def _final_rules(draft: Report, earlier: list[Report]) -> list[tuple[str, str]]:
    """A final report says what was done this time, not what an earlier report promised."""
    if not draft.is_final or not draft.prevention.strip():
        return []
    unreconciled = group_rules.unreconciled(draft, earlier) + [
        ("final_unreconciled", message) for _code, message in response_rules.unexplained(draft, earlier)]
    return unreconciled + _carried_over(draft, earlier)


CARRIED_OVER_SHARE = 0.5  # at least this much of a final 再発防止策 copied sentence for sentence blocks it


def _carried_over(draft: Report, earlier: list[Report]) -> list[tuple[str, str]]:
    """The 再発防止策 of a final report copied from earlier reports.

    Compared sentence by sentence with spacing and punctuation set aside, so a copy with one
    sentence added, or with 。 turned into ！, is still a copy: at least half of the text
    must be written for the final report."""
    mine = _plain_sentences(draft.prevention)
    seen: dict[str, Report] = {}
    for report in earlier:
        for sentence in _plain_sentences(report.prevention):
            seen.setdefault(sentence, report)
    copied = [sentence for sentence in mine if sentence in seen]
    total = sum(len(sentence) for sentence in mine)
    if not total or sum(len(sentence) for sentence in copied) < CARRIED_OVER_SHARE * total:
        return []
    sources = list(dict.fromkeys(published_name(seen[sentence]) for sentence in copied))
    whole = "同じ文のまま" if len(copied) == len(mine) else "文の大半が同じまま"
    return [("final_prevention_carried_over", f"最終報告の「再発防止策」が{join_ja(sources)}と{whole}です。"
             "実施した対策と今後の対策を、最終報告として書き直してください。")]


def _plain_sentences(text: str) -> list[str]:
    """The sentences of a text without spacing or punctuation (NFKC), for comparing copies."""
    out = []
    for sentence in re.split(r"[。.!?]+", unicodedata.normalize("NFKC", text or "")):
        plain = "".join(ch for ch in sentence if not ch.isspace() and not unicodedata.category(ch).startswith("P"))
        if plain:
            out.append(plain)
    return out


def _shape_problems(draft: Report) -> list[tuple[str, str]]:
    """Periods that cannot be true."""
    return periods.shape_problems(periods.of_report(draft), "漏えい期間")


def _warnings(draft: Report, earlier: list[Report]) -> list[tuple[str, str]]:
    """Things worth a second look that do not block."""
    out = []
    if earlier:
        previous = earlier[-1]
        for field, label in ITEM_LABELS.items():
            if field in ("cause", "damage"):
                continue  # emptying a published fact is a contradiction, above
            if getattr(previous, field).strip() and not getattr(draft, field).strip():
                out.append(("item_emptied", f"{published_name(previous)}に記載のあった「{label}」が空になっています。"))
    out += response_rules.warnings(draft, earlier)
    if not draft.is_final:
        out += group_rules.unexplained(draft, earlier) + response_rules.unexplained(draft, earlier)
    for group in draft.affected_groups:
        if group.count_certainty is Certainty.PROVISIONAL and group.count_min is not None and group.count_max is None:
            out.append(("max_unknown", f"「{group.name}」の数の最大が未記載です。「さらに増える可能性がある」と表示されます。"))
    if draft.is_final and draft.compensation_status == "considering":
        out.append(("final_compensation_open", "最終報告で、対象のお客様への補償などの対応が「検討中」のままです。"
                    "決まっている場合は「決定」として内容を書いてください。"))
    if not draft.groups:
        out.append(("no_groups", "対象者の区分がありません。「対象となるお客様の数と情報の項目は調査中」と表示されます。"))
    return out
