"""Checks on the response as data: damage figures, compensation and reopening, against what was published.

A published damage figure cannot disappear or shrink, and a compensation once decided
cannot go back to 「検討中」 or vanish, without a 訂正 that names 被害 or 補償: leaving a
field blank is not a way to take back what readers were told. A reopening date that
disappears or moves later is worth a second look (the service may have reopened, or the
date slipped), so it warns. The period and the damage figures, like each group's number,
carry the reason they differ from the previous report (`unexplained`).
"""

from ..models import Report
from . import periods
from .phrasing import format_count, format_date, published_name
from .versions import stated_now

DAMAGE = ("被害",)
COMPENSATION = ("補償", "対応")


def _latest(earlier: list[Report], states) -> Report | None:
    return next((report for report in reversed(earlier) if states(report)), None)


def contradictions(draft: Report, earlier: list[Report]) -> list[tuple[str, str, tuple]]:
    """(code, message, subjects a 訂正 must name) for every published response fact the draft takes back."""
    out = []
    for field, label, unit in (("damage_cases", "被害の件数", "件"), ("damage_amount", "被害額", "円")):
        old = stated_now(earlier, lambda r, f=field: getattr(r, f) is not None)
        if old is None:
            continue
        was, now = getattr(old, field), getattr(draft, field)
        if now is None:
            out.append(("damage_figure_dropped", f"{published_name(old)}で公表した{label}（{format_count(was)}{unit}）が、今回の報にありません。"
                        "記載をやめることで取り消すことはできません。", DAMAGE))
        elif now < was:
            out.append(("damage_figure_lowered", f"{published_name(old)}で{label}を{format_count(was)}{unit}と公表しましたが、今回は"
                        f"{format_count(now)}{unit}です。公表した数を減らすには、理由を訂正として示す必要があります。", DAMAGE))
    decided = stated_now(earlier, lambda r: r.compensation_status == "decided")
    if decided is not None and draft.compensation_status != "decided":
        state = "「検討中」" if draft.compensation_status == "considering" else "記載なし"
        out.append(("compensation_withdrawn", f"{published_name(decided)}で決定として公表した補償などの対応が、今回は{state}になっています。"
                    "決定した対応を取りやめる・変える場合は、訂正として理由とともに示してください。", COMPENSATION))
    return out


def warnings(draft: Report, earlier: list[Report]) -> list[tuple[str, str]]:
    """(code, message) about a decided compensation reworded and the reopening date, which may change for good reasons."""
    out = []
    decided = _latest(earlier, lambda r: r.compensation_status == "decided")
    if decided is not None and draft.compensation_status == "decided" \
            and "".join(decided.compensation.split()) != "".join((draft.compensation or "").split()):
        out.append(("compensation_reworded", f"{published_name(decided)}で決定として公表した補償などの対応の内容が変わっています。"
                    "内容を変える場合は、何が変わったのかを読む方に分かるように書いてください（取りやめや縮小は訂正として）。"))
    return out + _reopening(draft, earlier)


def _reopening(draft: Report, earlier: list[Report]) -> list[tuple[str, str]]:
    old = _latest(earlier, lambda r: r.reopening_on is not None)
    if old is None:
        return []
    if draft.reopening_on is None:
        return [("reopening_dropped", f"{published_name(old)}でお知らせした再開予定日（{format_date(old.reopening_on)}）の記載がなくなっています。"
                 "再開した場合はサービスの状況にその旨を、延期した場合は新しい予定日と理由を記載してください。")]
    if draft.reopening_on > old.reopening_on:
        return [("reopening_postponed", f"再開予定日が{format_date(old.reopening_on)}から{format_date(draft.reopening_on)}に"
                 "延びています。延期の理由をサービスの状況に記載してください。")]
    return []


def damage_summary(report: Report) -> str:
    """'42件・1,234,000円', '42件' or '' (no figure)."""
    parts = [f"{format_count(report.damage_cases)}件" if report.damage_cases is not None else "",
             f"{format_count(report.damage_amount)}円" if report.damage_amount is not None else ""]
    return "・".join(part for part in parts if part)


def unexplained(draft: Report, earlier: list[Report]) -> list[tuple[str, str]]:
    """(code, message) for a published period or damage figure that changed without its reason."""
    if not earlier:
        return []
    previous, out = earlier[-1], []
    before, after = periods.of_report(previous), periods.of_report(draft)
    if not before.empty and periods.summary(before) != periods.summary(after) and not (draft.period_reason or "").strip():
        out.append(("period_change_unexplained", f"漏えいした期間が{published_name(previous)}から変わっています"
                    f"（{periods.summary(before)} → {periods.summary(after)}）。読む方のために「期間が変わった理由」を書いてください。"))
    was, now = damage_summary(previous), damage_summary(draft)
    if was and was != now and not (draft.damage_reason or "").strip():
        out.append(("damage_change_unexplained", f"被害の件数・金額が{published_name(previous)}から変わっています"
                    f"（{was} → {now or '記載なし'}）。読む方のために「被害の件数・金額が変わった理由」を書いてください。"))
    return out
