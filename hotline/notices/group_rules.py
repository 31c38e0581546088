"""Consistency rules about the groups of people: their numbers and their data items.

Each rule yields (code, message, subjects): `subjects` are the words a 訂正 must name for
the correction to cover the finding (the group, the item, 件数). Used by consistency.py.
"""

from ..models import AffectedGroup, Certainty, DataCategory, LeakStatus, Report
from . import periods
from .groups import DEFAULT_GROUP, item_is_open, normal_name
from .phrasing import format_count, published_name
from .versions import withdraws

COUNT_WORDS = ("件数", "人数", "対象者数", "対象となる数")
CARD_ITEMS = (DataCategory.CARD_HOLDER, DataCategory.CARD_NUMBER, DataCategory.CARD_EXPIRY, DataCategory.SECURITY_CODE)
# What in a draft's own text makes card data plausibly leaked: the checkout page itself.
CHECKOUT_SIGNS = ("決済画面", "決済ページ", "決済フォーム", "支払い画面", "支払画面", "お支払いページ",
                  "カード情報の入力", "カード情報入力", "スキミング", "ペイメントアプリケーション", "注文手続き画面",
                  "購入画面", "購入手続き画面", "チェックアウト", "決済システム")
FACT_TEXTS = ("situation", "background", "cause", "damage", "investigation")
# A published likelihood said to be weaker later takes back what readers were told: a 訂正.
WEAKER = {LeakStatus.LIKELY: (LeakStatus.POSSIBLE, LeakStatus.INVESTIGATING),
          LeakStatus.POSSIBLE: (LeakStatus.INVESTIGATING,)}


def _n(group: AffectedGroup, n: int | None) -> str:
    """A number with the group's unit."""
    return f"{format_count(n)}{group.unit}"


def _who(group: AffectedGroup) -> str:
    """「会員のお客様」の数 as messages say it."""
    return f"「{group.name}」の数"


def group_subjects(name: str) -> tuple:
    """The words a 訂正 must use to name a group: its name, unless that is the everyday 「お客様」,
    which any apology contains; then 区分 or 対象者 must be said."""
    if name == DEFAULT_GROUP:
        return ("区分", "対象者", "対象となるお客様")
    return (name,)


def _statements(earlier: list[Report]):
    """For each group name, the published statement of it and of its number, maximum and items that stands.

    The latest statement of each stands, also when a later report leaves it out, unless that
    report was published with a 訂正 (versions.withdraws): then what it left out was withdrawn,
    and is not asked for again."""
    groups, counts, maxima, items = {}, {}, {}, {}
    for report in earlier:
        present = {group.name: group for group in report.groups} if withdraws(report) else None
        if present is None:
            _add_statements(report, groups, counts, maxima, items)
            continue
        for name in [n for n in groups if n not in present]:
            del groups[name]
        for store, states in ((counts, lambda g: g.count_min is not None or g.count_max is not None),
                              (maxima, lambda g: g.count_max is not None)):
            for name in [n for n in store if n not in present or not states(present[n])]:
                del store[name]
        for key in [k for k in items if k[0] not in present or present[k[0]].item_status(k[1]) is None]:
            del items[key]
        _add_statements(report, groups, counts, maxima, items)
    return groups, counts, maxima, items


def _add_statements(report: Report, groups: dict, counts: dict, maxima: dict, items: dict) -> None:
    """Record what one report states of each group as the latest statement."""
    for group in report.groups:
        groups[group.name] = (report, group)
        if group.count_min is not None or group.count_max is not None:
            counts[group.name] = (report, group)
        if group.count_max is not None:
            maxima[group.name] = (report, group)
        for item in group.items:
            items[(group.name, item.label)] = (report, item.status)


def contradictions(draft: Report, earlier: list[Report]) -> list[tuple[str, str, tuple]]:
    """Changes to what was published about groups that need a 訂正 naming them."""
    groups, counts, maxima, items = _statements(earlier)
    out = []
    for name, (old_report, old) in groups.items():
        now = draft.group_named(name)
        if now is None:
            out.append(("group_dropped", f"{published_name(old_report)}で公表した対象者の区分「{name}」が、今回の報にありません。"
                        "記載をやめることで取り消すことはできません。", group_subjects(name)))
        elif old.affected != now.affected:
            was, becomes = ("対象", "対象外") if old.affected else ("対象外", "対象")
            out.append(("group_scope_changed", f"{published_name(old_report)}で{was}と公表した「{name}」が、{becomes}になっています。", group_subjects(name)))
    several = len({g.name for g in draft.groups} | set(groups)) > 1
    for name in counts:
        now = draft.group_named(name)
        if now is not None and now.affected:
            out += _count_rules(name, now, counts, maxima, several)
    out += _period_rules(draft, earlier)
    for (name, label), (old_report, status) in items.items():
        now_group = draft.group_named(name)
        if now_group is None:
            continue
        now = now_group.item_status(label)
        where = f"「{name}」の{label}"
        if now is None:
            out.append(("item_dropped", f"{published_name(old_report)}で「{status.label}」と公表した{where}が、今回の報にありません。"
                        "記載をやめることで取り消すことはできません。", (label,)))
        elif now is status:
            continue
        elif status in (LeakStatus.NOT_LEAKED, LeakStatus.NOT_HELD) and now.may_have_leaked:
            out.append(("not_leaked_became_leaked", f"{published_name(old_report)}で「{status.label}」と公表した{where}が「{now.label}」になっています。", (label,)))
        elif status.is_firm and not now.is_firm:
            out.append(("confirmed_became_provisional", f"{published_name(old_report)}で「{status.label}」と公表した{where}が「{now.label}」に戻っています。", (label,)))
        elif status.is_firm:
            out.append(("confirmed_figure_changed", f"{published_name(old_report)}で「{status.label}」と公表した{where}が「{now.label}」になっています。", (label,)))
        elif now in WEAKER.get(status, ()):
            out.append(("possibility_lowered", f"{published_name(old_report)}で「{status.label}」と公表した{where}が、"
                        f"「{now.label}」に弱まっています。", (label,)))
    return out


def _period_rules(draft: Report, earlier: list[Report]) -> list[tuple[str, str, tuple]]:
    """A group's own published period: not dropped silently, a confirmed end not moved."""
    stated = {}
    for report in earlier:  # as in _statements: a report with a 訂正 withdrew the periods it left out
        if withdraws(report):
            stated = {}
        for group in report.groups:
            if periods.of_group(group) is not None:
                stated[group.name] = (report, periods.of_group(group))
    out = []
    for name, (old_report, old) in stated.items():
        now = draft.group_named(name)
        if now is None:
            continue
        span = periods.of_group(now)
        subjects = (*group_subjects(name), "期間")
        if span is None:
            out.append(("period_dropped", f"{published_name(old_report)}で公表した「{name}」の期間が、今回の報にありません。"
                        "記載をやめることで取り消すことはできません。", subjects))
        else:
            out += [(code, message, subjects) for code, message in
                    periods.contradictions(old, span, f"「{name}」の期間", published_name(old_report))]
    return out


def _count_rules(name: str, now: AffectedGroup, counts: dict, maxima: dict,
                 several: bool) -> list[tuple[str, str, tuple]]:
    """A confirmed number changes or regresses; a number disappears; a minimum or maximum passes a published maximum.

    With several groups, a 訂正 must name the group whose number it corrects: 件数 alone
    could be any of them."""
    named = (f"{name}の数", *(() if name == DEFAULT_GROUP else (name,)))
    out, subjects = [], (named if several and name != DEFAULT_GROUP else (*COUNT_WORDS, *named))
    old_report, old = counts[name]
    if old.count_certainty is Certainty.CONFIRMED and old.count_min is not None:
        if now.count_certainty is Certainty.PROVISIONAL:
            out.append(("confirmed_became_provisional", f"{published_name(old_report)}で確定として公表した{_who(old)}（{_n(old, old.count_min)}）が、調査中に戻っています。", subjects))
        elif (now.count_min, now.count_max) != (old.count_min, old.count_max):
            out.append(("confirmed_figure_changed", f"{published_name(old_report)}で確定として公表した{_who(old)}（{_n(old, old.count_min)}）が変わっています（{_n(now, now.count_min)}）。", subjects))
    if now.count_min is None and now.count_max is None:
        out.append(("count_dropped", f"{published_name(old_report)}で公表した{_who(old)}が、今回の報にありません。記載をやめることで取り消すことはできません。", subjects))
        return out
    if name not in maxima:
        return out
    max_report, top = maxima[name]
    if now.count_min is not None and now.count_min > top.count_max:
        out.append(("min_exceeds_published_max", f"{_who(now)}の新しい最小（{_n(now, now.count_min)}）が、{published_name(max_report)}で公表した最大（{_n(top, top.count_max)}）を超えています。", subjects))
    elif now.count_max is None or now.count_max > top.count_max:
        raised = "上限なし（さらに増える可能性）" if now.count_max is None else f"最大{_n(now, now.count_max)}"
        out.append(("max_exceeds_published_max", f"{published_name(max_report)}で「最大{_n(top, top.count_max)}」と公表した{_who(top)}の上限が、{raised}に広がっています。", subjects))
    return out


def shape_problems(draft: Report) -> list[tuple[str, str]]:
    """Numbers that cannot be true, whatever was published before."""
    out = []
    for group in draft.groups:
        span = periods.of_group(group)
        if span is not None:
            out += periods.shape_problems(span, f"「{group.name}」の期間")
        lo, hi, who = group.count_min, group.count_max, _who(group)
        if not group.affected:
            if group.items:
                out.append(("not_affected_with_items", f"「{group.name}」は対象外とされていますが、情報の項目が書かれています。"))
            continue
        if lo is not None and hi is not None and lo > hi:
            out.append(("count_range_inverted", f"{who}の最小が最大を上回っています。"))
        if group.count_certainty is Certainty.CONFIRMED and (lo is None or (hi is not None and hi != lo)):
            out.append(("confirmed_count_not_exact", f"確定した{who}は一つの数（最小＝最大）で記載してください。幅がある場合は「調査中」にしてください。"))
        if group.cleared is not None and (hi if hi is not None else lo) is not None and group.cleared > (hi if hi is not None else lo):
            out.append(("cleared_exceeds_count", f"{who}のうち対象外と確認した数が、対象となる数を上回っています。"))
        if group.final_scope and group.count_certainty is not Certainty.CONFIRMED:
            out.append(("final_scope_without_count", f"「{group.name}」を対象範囲の確定とするには、数を確定させてください。"))
    if draft.groups and not draft.affected_groups:
        out.append(("no_affected_group", "対象となる区分がありません。少なくとも一つの区分を「対象」にしてください。"))
    return out


def unexplained(draft: Report, earlier: list[Report]) -> list[tuple[str, str]]:
    """New groups or items after the first report, and changed numbers, without a reason."""
    if not earlier:
        return []
    groups, counts, _maxima, items = _statements(earlier)
    previous = earlier[-1]
    out = []
    for group in draft.groups:
        if group.reason.strip():
            continue
        if group.name not in groups:
            out.append(("new_group_unexplained", f"「{group.name}」は今回新たに加わる区分です。経緯を「変更の理由」に書いてください（【新たに判明】と表示されます）。"))
            continue
        new_items = [i.label for i in group.items if (group.name, i.label) not in items and not i.note.strip()]
        if new_items:
            out.append(("new_item_unexplained", f"「{group.name}」に新たな情報の項目（{'、'.join(new_items)}）があります。経緯を「変更の理由」か項目の補足に書いてください。"))
        old = previous.group_named(group.name)
        if old is None:
            continue
        if (old.count_min, old.count_max, old.count_certainty) != (group.count_min, group.count_max, group.count_certainty):
            out.append(("change_unexplained", f"{_who(group)}が{published_name(previous)}から変わっています。読む方のために「変更の理由」を書いてください。"))
        if periods.of_group(old) != periods.of_group(group):
            out.append(("change_unexplained", f"「{group.name}」の期間が{published_name(previous)}から変わっています。読む方のために「変更の理由」を書いてください。"))
        changed = [i.label for i in group.items if old.item_status(i.label) not in (None, i.status) and not i.note.strip()]
        if changed:
            out.append(("change_unexplained", f"「{group.name}」の{'、'.join(changed)}の状況が{published_name(previous)}から変わっています。"
                        "読む方のために「変更の理由」か項目の補足を書いてください。"))
    return out


def unreconciled(draft: Report, earlier: list[Report]) -> list[tuple[str, str]]:
    """A final report gives the reason for every number, period and item that differs from the previous report,
    and for every group or item it adds."""
    if not draft.is_final or not earlier:
        return []
    return [("final_unreconciled", message) for code, message in unexplained(draft, earlier)
            if code in ("change_unexplained", "new_group_unexplained", "new_item_unexplained")]


def open_items_hint(draft: Report) -> str:
    """Advice when a final report still has possibilities that a final scope would settle."""
    possible = [g.name for g in draft.affected_groups if any(
        item_is_open(g, i.status) and i.status.is_possibility for i in g.items)]
    if not possible:
        return ""
    return (f"対象の範囲が確定し、一件ごとに漏えいの可能性が残る場合は、「{'」「'.join(possible)}」の"
            "「対象範囲の確定」を選んでください（「漏えいを確認」とは表示されません）。")


def _checkout_altered(text: str) -> bool:
    return any(sign in text for sign in CHECKOUT_SIGNS) or ("改ざん" in text and "カード" in text)


def _logins_abused(text: str) -> bool:
    return any(sign in text for sign in ("不正ログイン", "なりすましログイン", "リスト型攻撃", "パスワードリスト攻撃"))


def _database_entered(text: str) -> bool:
    return any(store in text for store in ("データベース", "顧客情報を保管", "会員情報を保管")) and any(
        act in text for act in ("不正アクセス", "侵入", "窃取", "持ち出", "外部に送信", "外部へ送信"))


def _lookalike_mail(text: str) -> bool:
    return any(sign in text for sign in ("なりすましメール", "フィッシングメール", "当社を装ったメール", "当社を名乗るメール"))


# (what in the draft's own text makes these items plausibly leaked, the items, words naming them
# among items written freely, that fact in words)
PLAUSIBLE_LEAKS = (
    (_checkout_altered, CARD_ITEMS, ("カード", "セキュリティコード", "有効期限"), "決済画面の改ざん"),
    (_logins_abused, (DataCategory.LOGIN_ID, DataCategory.PASSWORD), ("パスワード", "ログインID"), "不正ログイン"),
    (_database_entered, (DataCategory.NAME, DataCategory.ADDRESS, DataCategory.EMAIL, DataCategory.PHONE),
     ("氏名", "住所", "電話番号", "メールアドレス"), "お客様の情報を保管するデータベースへの不正アクセス"),
    (_lookalike_mail, (DataCategory.EMAIL,), ("メールアドレス",), "当社を装ったメールが届いていること"),
)


def implausible_not_leaked(draft: Report) -> list[tuple[str, str]]:
    """「漏えいしていない」 items while the same draft states a fact that makes them plausibly
    leaked: card data and an altered checkout page, login data and logins by others, contact
    data and an entered customer database, the email address and look-alike mail.

    Not for a final report, whose facts are settled; elsewhere it needs the approver's
    written judgement (consistency.JUDGEMENT), since only the investigation can rule it out.
    """
    if draft.is_final:
        return []
    text = normal_name(" ".join(getattr(draft, field) for field in FACT_TEXTS))
    out = []
    for states, categories, words, fact in PLAUSIBLE_LEAKS:
        if not states(text):
            continue
        for group in draft.affected_groups:
            items = [i.label for i in group.items if i.status is LeakStatus.NOT_LEAKED and (
                i.category in categories or (i.category is None and any(w in normal_name(i.label) for w in words)))]
            if items:
                out.append(("not_leaked_implausible",
                            f"「{group.name}」の{'、'.join(items)}を「漏えいしていないことを確認」としていますが、本文には{fact}など、"
                            "これらが漏えいしうる事実が書かれています。調査で否定できた根拠を承認者が確かめ、判断の理由を"
                            "記入して承認してください。お預かりしていない情報なら「当社では保有していない」を、否定できていなければ"
                            "「可能性」や「調査中」を選んでください。"))
    return out
