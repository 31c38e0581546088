"""Every finding code of the consistency check has a test that makes it appear, and the check
fails loudly when a new code is added without one."""

import ast
import re
from datetime import date
from pathlib import Path

import pytest

from hotline.models import LeakStatus
from hotline.notices.consistency import (
    BLOCKING,
    CORRECTED,
    WARNING,
    check_report,
    is_blocked,
)

from .memory_reports import C, P, final_report, mem_group, mem_report

L = LeakStatus
ROOT = Path(__file__).resolve().parents[1]
RULE_MODULES = ("consistency", "group_rules", "periods", "response_rules")
CODE = re.compile(r"[a-z]+(_[a-z]+)+")


def codes(findings, severity=None):
    """Codes of findings, optionally of one severity."""
    return {f.code for f in findings if severity is None or f.severity == severity}


def emitted_codes() -> set[str]:
    """Codes written in the rule modules: ("code", message) tuples and Finding("code", …)."""
    found = set()
    for name in RULE_MODULES:
        tree = ast.parse((ROOT / "hotline" / "notices" / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Tuple) and len(node.elts) >= 2:
                first, second = node.elts[:2]
                message = isinstance(second, (ast.JoinedStr, ast.Name)) or (
                    isinstance(second, ast.Constant) and isinstance(second.value, str) and "。" in second.value)
            elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Finding" and node.args:
                first, message = node.args[0], True
            else:
                continue
            if message and isinstance(first, ast.Constant) and isinstance(first.value, str) \
                    and CODE.fullmatch(first.value):
                found.add(first.value)
    return found


def test_every_code_the_check_can_give_has_a_test():
    emitted = emitted_codes()
    assert len(emitted) >= 40, emitted  # the scan itself still finds the rules
    tests = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py"))
    untested = sorted(c for c in emitted if f'"{c}"' not in tests)
    assert untested == [], f"finding codes without a test: {untested}"


def test_missing_situation_blocks():
    assert "missing_situation" in codes(check_report(mem_report(situation="  \n"), []), BLOCKING)
    assert "missing_situation" not in codes(check_report(mem_report(), []))


def test_an_emptied_cause_or_damage_is_a_dropped_fact():
    first = mem_report(number=1, damage="不正利用の報告が2件ございます。")
    found = check_report(mem_report(cause="", damage="不正利用の報告が2件ございます。"), [first])
    assert "fact_dropped" in codes(found, BLOCKING)
    assert any("漏えいの原因" in f.message for f in found if f.code == "fact_dropped")
    assert "fact_dropped" in codes(check_report(mem_report(damage=" "), [first]), BLOCKING)
    assert "fact_dropped" not in codes(check_report(mem_report(damage="不正利用の報告が3件ございます。"), [first]))
    corrected = mem_report(damage="", correction="被害の状況の記載を訂正いたします。")
    assert "fact_dropped" in codes(check_report(corrected, [first]), CORRECTED)


def test_leaving_out_a_published_group_does_not_retract_it():
    first = mem_report(number=1, groups=[mem_group(count_min=10, count_max=20, categories={"name": L.CONFIRMED}),
                                         mem_group(name="お届け先", count_min=5, count_max=9, categories={"name": L.POSSIBLE})])
    found = check_report(mem_report(groups=[mem_group(count_min=10, count_max=20, categories={"name": L.CONFIRMED})]),
                         [first])
    assert "group_dropped" in codes(found, BLOCKING)
    assert [f.message for f in found if f.code == "group_dropped"] == [
        "第一報で公表した対象者の区分「お届け先」が、今回の報にありません。記載をやめることで取り消すことはできません。"
        "公表するには訂正文（訂正の内容と理由）を記載してください。"]
    corrected = mem_report(groups=[mem_group(count_min=10, count_max=20, categories={"name": L.CONFIRMED})],
                           correction="「お届け先」は対象に含まれないことが判明したため、訂正いたします。")
    assert "group_dropped" in codes(check_report(corrected, [first]), CORRECTED)
    other = mem_report(groups=[mem_group(count_min=10, count_max=20, categories={"name": L.CONFIRMED})],
                       correction="漏えいの期間を訂正いたします。")  # a correction of something else
    assert "group_dropped" in codes(check_report(other, [first]), BLOCKING)
    scoped = mem_report(groups=[mem_group(count_min=10, count_max=20, categories={"name": L.CONFIRMED}),
                                mem_group(name="お届け先", affected=False)], correction="漏えいの期間を訂正いたします。")
    assert "group_scope_changed" in codes(check_report(scoped, [first]), BLOCKING)


def test_what_a_published_correction_withdrew_is_not_asked_for_again():
    gifts = dict(name="お届け先", count_min=5, count_max=9, period_start=date(2026, 9, 1), period_end=date(2026, 9, 2))
    first = mem_report(number=1, cause="決済画面の改ざんと推定しております。", groups=[
        mem_group(count_min=10, count_max=20, categories={"name": L.CONFIRMED, "email": L.POSSIBLE}),
        mem_group(categories={"name": L.POSSIBLE}, **gifts)])
    members = mem_group(count_min=10, count_max=20, categories={"name": L.CONFIRMED})
    second = mem_report(number=2, cause="", groups=[members],
                        correction="「お届け先」は対象に含まれず、メールアドレスも対象外でした。原因の記載も取り下げ、訂正いたします。")
    assert {"group_dropped", "item_dropped", "fact_dropped"} <= codes(check_report(second, [first]), CORRECTED)
    third = mem_report(cause="", groups=[mem_group(count_min=10, count_max=20, categories={"name": L.CONFIRMED})])
    found = check_report(third, [first, second])
    assert not {"group_dropped", "item_dropped", "fact_dropped", "period_dropped"} & codes(found), found
    assert not is_blocked(found), [f.message for f in found]
    back = mem_report(cause="", groups=[mem_group(count_min=10, count_max=20, categories={"name": L.CONFIRMED}),
                                        mem_group(categories={"name": L.POSSIBLE}, **gifts)])
    assert "new_group_unexplained" in codes(check_report(back, [first, second]), WARNING)  # back again: a new group


def test_a_published_likelihood_said_to_be_weaker_needs_a_correction():
    first = mem_report(number=1, categories={"name": L.LIKELY, "email": L.POSSIBLE})
    weaker = mem_report(categories={"name": L.POSSIBLE, "email": L.INVESTIGATING})
    found = [f for f in check_report(weaker, [first]) if f.code == "possibility_lowered"]
    assert [f.severity for f in found] == [BLOCKING, BLOCKING]
    assert found[0].message.startswith("第一報で「漏えいの可能性が高い」と公表した「お客様」の氏名が、"
                                       "「漏えいの可能性を否定できない」に弱まっています。")
    stronger = mem_report(categories={"name": L.CONFIRMED, "email": L.LIKELY})
    assert "possibility_lowered" not in codes(check_report(stronger, [first]))
    weaker.correction = "氏名とメールアドレスについて、ログの再解析により評価を改め、訂正いたします。"
    assert codes(check_report(weaker, [first]), CORRECTED) >= {"possibility_lowered"}


def test_with_several_groups_a_correction_of_a_number_must_name_the_group():
    first = mem_report(number=1, groups=[mem_group(name="会員", count_min=10, count_max=20),
                                         mem_group(name="お届け先", count_min=5, count_max=9)])
    draft = mem_report(groups=[mem_group(name="会員", count_min=10, count_max=30),
                               mem_group(name="お届け先", count_min=5, count_max=12)],
                       correction="会員の人数に誤りがございました。")
    found = {next(name for name in ("会員", "お届け先") if f"「{name}」の数の上限" in f.message): f.severity
             for f in check_report(draft, [first]) if f.code == "max_exceeds_published_max"}
    assert found == {"会員": CORRECTED, "お届け先": BLOCKING}, found
    draft.correction = "件数を訂正いたします。"  # which group's number? neither is named
    assert {f.severity for f in check_report(draft, [first]) if f.code == "max_exceeds_published_max"} == {BLOCKING}
    single = mem_report(count_min=100, count_max=900, correction="件数を訂正いたします。")
    assert "max_exceeds_published_max" in codes(check_report(single, [mem_report(number=1)]), CORRECTED)


def test_a_group_turning_from_affected_to_not_affected_needs_a_correction():
    first = mem_report(number=1, groups=[mem_group(count_min=10, count_max=20, categories={"name": L.CONFIRMED}),
                                         mem_group(name="お届け先", count_min=5, count_max=9, categories={"name": L.POSSIBLE})])
    draft = mem_report(groups=[mem_group(count_min=10, count_max=20, categories={"name": L.CONFIRMED}),
                               mem_group(name="お届け先", affected=False, reason="調査の結果、対象外と判明しました。")])
    assert "group_scope_changed" in codes(check_report(draft, [first]), BLOCKING)
    assert "group_scope_changed" not in codes(check_report(first, [first]))


def test_a_new_group_or_item_later_on_needs_a_reason():
    first = mem_report(number=1, count_min=10, count_max=20)
    draft = mem_report(groups=[mem_group(count_min=10, count_max=20, categories={"name": L.CONFIRMED, "email": L.POSSIBLE}),
                               mem_group(name="お届け先", count_min=5, count_max=9, categories={"name": L.POSSIBLE})])
    found = codes(check_report(draft, [first]), WARNING)
    assert {"new_group_unexplained", "new_item_unexplained"} <= found
    draft.groups[0].reason = draft.groups[1].reason = "ログの追加解析で判明いたしました。"
    assert not {"new_group_unexplained", "new_item_unexplained"} & codes(check_report(draft, [first]))
    assert "new_group_unexplained" not in codes(check_report(draft, []))  # a 第一報 has nothing to be new against


def test_a_final_report_reconciles_new_items_changed_items_and_moved_periods_group_by_group():
    def group(categories, reason="", **fields):
        return mem_group(name="会員", count_min=300, count_max=300, count_certainty=C, categories=categories,
                         reason=reason, **fields)

    first = mem_report(number=1, groups=[group({"name": L.POSSIBLE}, period_start=date(2026, 9, 1),
                                               period_end=date(2026, 9, 30))])

    def unreconciled(draft):
        return [f.message for f in check_report(draft, [first]) if f.code == "final_unreconciled"]

    new_item = final_report(groups=[group({"name": L.POSSIBLE, "phone": L.CONFIRMED}, period_start=date(2026, 9, 1),
                                          period_end=date(2026, 9, 30))])
    assert [f.severity for f in check_report(new_item, [first]) if f.code == "final_unreconciled"] == [BLOCKING]
    assert any("新たな情報の項目（電話番号）" in m for m in unreconciled(new_item))
    moved = final_report(groups=[group({"name": L.POSSIBLE}, period_start=date(2026, 8, 20),
                                       period_end=date(2026, 9, 30))])
    assert unreconciled(moved) == ["「会員」の期間が第一報から変わっています。読む方のために「変更の理由」を書いてください。"]
    settled = final_report(groups=[group({"name": L.CONFIRMED}, period_start=date(2026, 9, 1),
                                         period_end=date(2026, 9, 30))])
    assert unreconciled(settled) == ["「会員」の氏名の状況が第一報から変わっています。"
                                     "読む方のために「変更の理由」か項目の補足を書いてください。"]
    settled.groups[0].items[0].note = "サーバーのログで閲覧を確認いたしました。"
    assert unreconciled(settled) == []
    for draft in (new_item, moved):
        draft.groups[0].reason = "委託先の調査報告書で判明いたしました。"
        assert unreconciled(draft) == []
    second = mem_report(number=2, groups=[group({"name": L.POSSIBLE}, period_start=date(2026, 8, 20),
                                                period_end=date(2026, 9, 30))])
    assert "change_unexplained" in codes(check_report(second, [first]), WARNING)  # before the final: a warning


def test_an_items_note_is_the_reason_beside_its_change_and_the_groups_reason_is_said_once():
    from hotline.notices.changes import changes_between

    first = mem_report(number=1, groups=[mem_group(name="会員", count_min=10, count_max=20,
                                                   categories={"name": L.POSSIBLE, "email": L.POSSIBLE})])
    draft = mem_report(groups=[mem_group(name="会員", count_min=10, count_max=20, reason="調査が進みました。",
                                         categories={"name": L.CONFIRMED, "email": L.CONFIRMED})])
    draft.groups[0].items[1].note = "送信記録で確認いたしました。"
    rows = {c.item: c.reason for c in changes_between(first, draft) if c.key == "leaked"}
    assert rows == {"氏名": "調査が進みました。", "メールアドレス": "送信記録で確認いたしました。"}, rows


def test_groups_all_marked_not_affected_block():
    draft = mem_report(groups=[mem_group(affected=False)])
    assert "no_affected_group" in codes(check_report(draft, []), BLOCKING)
    assert [f.message for f in check_report(draft, []) if f.code == "no_affected_group"] == [
        "対象となる区分がありません。少なくとも一つの区分を「対象」にしてください。"]
    assert "no_affected_group" not in codes(check_report(mem_report(), []))


def test_a_report_without_groups_is_a_warning():
    assert "no_groups" in codes(check_report(mem_report(groups=[]), []), WARNING)
    assert [f.message for f in check_report(mem_report(groups=[]), []) if f.code == "no_groups"] == [
        "対象者の区分がありません。「対象となるお客様の数と情報の項目は調査中」と表示されます。"]
    assert "no_groups" not in codes(check_report(mem_report(), []))


def test_a_group_not_affected_cannot_list_data_items():
    draft = mem_report(groups=[mem_group(count_min=1, count_max=2, categories={"name": L.CONFIRMED}),
                               mem_group(name="法人会員", affected=False, categories={"name": L.POSSIBLE})])
    assert "not_affected_with_items" in codes(check_report(draft, []), BLOCKING)
    draft.groups[1].items = []
    assert "not_affected_with_items" not in codes(check_report(draft, []))


def test_more_people_cleared_than_counted_blocks():
    assert "cleared_exceeds_count" in codes(check_report(mem_report(groups=[
        mem_group(count_min=100, count_max=500, cleared=501, categories={"name": L.POSSIBLE})]), []), BLOCKING)
    assert "cleared_exceeds_count" in codes(check_report(mem_report(groups=[
        mem_group(count_min=100, count_max=None, cleared=101, categories={"name": L.POSSIBLE})]), []), BLOCKING)
    assert "cleared_exceeds_count" in codes(check_report(mem_report(groups=[  # only a maximum given
        mem_group(count_min=None, count_max=10, cleared=11, categories={"name": L.POSSIBLE})]), []), BLOCKING)
    assert "cleared_exceeds_count" not in codes(check_report(mem_report(groups=[
        mem_group(count_min=100, count_max=500, cleared=500, categories={"name": L.POSSIBLE})]), []))


def test_a_final_scope_needs_a_confirmed_number():
    draft = mem_report(groups=[mem_group(count_min=100, count_max=500, final_scope=True, categories={"name": L.POSSIBLE})])
    assert "final_scope_without_count" in codes(check_report(draft, []), BLOCKING)
    draft.groups[0].count_min = draft.groups[0].count_max = 300
    draft.groups[0].count_certainty = C
    assert "final_scope_without_count" not in codes(check_report(draft, []))


def test_a_final_report_with_compensation_still_considered_is_a_warning():
    final = final_report(compensation_status="considering")
    assert "final_compensation_open" in codes(check_report(final, []), WARNING)
    assert [f.message for f in check_report(final, []) if f.code == "final_compensation_open"] == [
        "最終報告で、対象のお客様への補償などの対応が「検討中」のままです。決まっている場合は「決定」として内容を書いてください。"]
    assert "final_compensation_open" not in codes(check_report(mem_report(compensation_status="considering"), []))


def test_a_correction_that_corrects_nothing_is_a_warning():
    first = mem_report(number=1)
    draft = mem_report(correction="第一報の件数を訂正いたします。")
    assert "correction_without_change" in codes(check_report(draft, [first]), WARNING)
    changed = mem_report(count_min=100, count_max=900, correction="第一報の件数を訂正いたします。")
    assert "correction_without_change" not in codes(check_report(changed, [first]))


def test_an_item_confirmed_as_leaked_cannot_become_not_leaked_silently():
    first = mem_report(number=1, categories={"email": L.CONFIRMED})
    draft = mem_report(categories={"email": L.NOT_LEAKED})
    assert "confirmed_figure_changed" in codes(check_report(draft, [first]), BLOCKING)
    draft.correction = "メールアドレスは漏えいしていないことが判明したため、訂正いたします。"
    assert "confirmed_figure_changed" in codes(check_report(draft, [first]), CORRECTED)


def test_confirmed_damage_going_back_to_provisional_is_blocked():
    first = mem_report(number=1, damage="不正利用の被害は確認されておりません。", damage_certainty=C)
    draft = mem_report(damage="不正利用の被害は確認されておりません。", damage_certainty=P)
    found = check_report(draft, [first])
    assert "confirmed_became_provisional" in codes(found, BLOCKING)
    assert any("現在発生している被害の状況" in f.message for f in found)


def test_provisional_damage_worded_as_settled_is_blocked():
    draft = mem_report(damage="不正利用の被害が発生したことが判明いたしました。", damage_certainty=P)
    assert "provisional_reads_confirmed" in codes(check_report(draft, []), BLOCKING)
    draft.damage = "不正利用の被害が発生している可能性がございます。"
    assert "provisional_reads_confirmed" not in codes(check_report(draft, []))


def test_quoted_sentences_are_clipped_at_forty_characters():
    from hotline.notices.consistency import _clip

    assert _clip("あ" * 40) == "あ" * 40
    assert _clip("あ" * 41) == "あ" * 39 + "…"
    assert _clip("い" * 10, limit=5) == "いいいい…"


def test_a_final_prevention_copied_with_other_spacing_is_still_a_copy():
    first = mem_report(number=1, prevention="監視体制を強化して\nまいります。")
    final = final_report(prevention="監視体制を　強化して まいります。")
    found = [f for f in check_report(final, [first]) if f.code == "final_prevention_carried_over"]
    assert [f.severity for f in found] == [BLOCKING]
    assert found[0].message == ("最終報告の「再発防止策」が第一報と同じ文のままです。"
                                "実施した対策と今後の対策を、最終報告として書き直してください。")
    rewritten = final_report(prevention="監視体制を強化し、決済画面の改ざん検知を導入いたしました。")
    assert "final_prevention_carried_over" not in codes(check_report(rewritten, [first]))


def test_a_final_prevention_mostly_copied_is_a_copy_sentence_by_sentence():
    old = "決済画面の改ざん検知を導入してまいります。外部の専門家による診断を定期的に実施してまいります。"
    first = mem_report(number=1, prevention=old)

    def finding(text, *reports):
        found = [f for f in check_report(final_report(prevention=text), list(reports or [first]))
                 if f.code == "final_prevention_carried_over"]
        return found[0].message if found else ""

    assert "同じ文のまま" in finding(old.replace("。", "！"))  # other punctuation, same sentences
    assert "文の大半が同じまま" in finding(old + "社員教育を行いました。")
    assert finding("決済画面の改ざん検知を導入してまいります。") != ""  # part of the old text, nothing new
    new = ("2026年10月に決済画面の改ざん検知を導入し、カード情報を当社で扱わない決済方式へ移行いたしました。"
           "今後は外部の専門家による診断を四半期ごとに実施いたします。")
    assert finding(new) == "" and finding(new + old.split("。")[0] + "。") == ""
    second = mem_report(number=2, prevention="全社員に情報セキュリティ研修を実施いたします。")
    both = finding(old + "全社員に情報セキュリティ研修を実施いたします。", first, second)
    assert both.startswith("最終報告の「再発防止策」が第一報および第二報と同じ文のままです。"), both


def test_a_changed_period_needs_its_reason_and_a_final_report_cannot_do_without():
    first = mem_report(number=1)
    moved = mem_report(period_start=date(2026, 8, 20))
    found = check_report(moved, [first])
    assert [f.message for f in found if f.code == "period_change_unexplained"] == [
        "漏えいした期間が第一報から変わっています（2026年9月1日〜2026年10月31日（調査中） → "
        "2026年8月20日〜2026年10月31日（調査中））。読む方のために「期間が変わった理由」を書いてください。"]
    assert "period_change_unexplained" in codes(found, WARNING)
    moved.period_reason = "アクセス記録の解析で、より早い時期の不審な通信が見つかりました。"
    assert "period_change_unexplained" not in codes(check_report(moved, [first]))
    assert "period_change_unexplained" not in codes(check_report(mem_report(), [first]))  # unchanged
    assert "period_change_unexplained" not in codes(check_report(mem_report(), [mem_report(
        number=1, period_start=None, period_end=None)]))  # first stated now: nothing to explain
    settled = mem_report(number=1, count_min=300, count_max=300, count_certainty=C)  # only the period moves
    final = final_report(period_reason="")
    assert [f.code for f in check_report(final, [settled]) if "期間が変わった理由" in f.message] == ["final_unreconciled"]
    assert not is_blocked(check_report(final_report(), [settled]))


def test_changed_damage_figures_need_their_reason_and_a_final_report_cannot_do_without():
    first = mem_report(number=1, damage_cases=31, damage_amount=1_200_000, count_min=300, count_max=300,
                       count_certainty=C)
    more = mem_report(damage_cases=42, damage_amount=1_200_000, count_min=300, count_max=300, count_certainty=C)
    assert [f.message for f in check_report(more, [first]) if f.code == "damage_change_unexplained"] == [
        "被害の件数・金額が第一報から変わっています（31件・1,200,000円 → 42件・1,200,000円）。"
        "読む方のために「被害の件数・金額が変わった理由」を書いてください。"]
    more.damage_reason = "カード会社から新たなご報告がございました。"
    assert "damage_change_unexplained" not in codes(check_report(more, [first]))
    assert "damage_change_unexplained" not in codes(check_report(mem_report(damage_cases=5), [mem_report(number=1)]))
    final = final_report(damage_cases=42, damage_amount=1_200_000)
    assert any("被害の件数・金額" in f.message for f in check_report(final, [first]) if f.code == "final_unreconciled")
    final.damage_reason = "調査の完了までに、カード会社から11件のご報告が加わりました。"
    assert not is_blocked(check_report(final, [first]))


@pytest.mark.parametrize("field, text, fact", [
    ("situation", "調査の結果、原因を特定いたしました。", "漏えいの原因"),
    ("background", "侵入経路が判明しました。", "漏えいの原因"),
    ("investigation", "対象となる件数が確定いたしました。", "対象となる数"),
    ("next_steps", "漏えいした期間を特定いたしました。", "漏えいした期間"),
    ("situation", "二次被害の状況が判明いたしました。", "被害の状況"),
    ("investigation", "対象となる人数が確定いたしました。", "対象となる数"),
    ("investigation", "対象となる総数を特定いたしました。", "対象となる数"),
    ("background", "侵入経路を特定いたしました。", "漏えいの原因"),
])
def test_a_provisional_fact_stated_as_settled_in_another_section_blocks(field, text, fact):
    found = [f for f in check_report(mem_report(**{field: text}), []) if f.code == "provisional_reads_confirmed"]
    assert len(found) == 1 and f"調査中の{fact}が確定したかのように" in found[0].message and text[:10] in found[0].message
    assert found[0].severity == BLOCKING


def test_a_confirmed_cause_or_damage_may_not_state_another_provisional_fact_as_settled():
    from hotline.notices.consistency import ITEM_LABELS

    for field in ("cause", "damage"):
        draft = mem_report(cause_certainty=C, damage_certainty=C, **{field: "調査の結果、漏えいした期間を特定いたしました。"})
        found = [f for f in check_report(draft, []) if f.code == "provisional_reads_confirmed"]
        assert [f.severity for f in found] == [BLOCKING]
        assert found[0].message.startswith(f"「{ITEM_LABELS[field]}」で、調査中の漏えいした期間が確定したかのように")
    # a provisional item that reads as settled is told once, as a whole
    found = [f for f in check_report(mem_report(damage="被害の状況を特定いたしました。"), [])
             if f.code == "provisional_reads_confirmed"]
    assert len(found) == 1 and found[0].message.startswith("「現在発生している被害の状況」は調査中ですが")


def test_settled_wording_in_another_section_quotes_at_most_three_sentences_and_names_each_fact_once():
    text = "調査の結果、原因を特定いたしました。侵入経路が判明しました。被害の状況が判明いたしました。対象となる件数が確定いたしました。"
    assert [f.message for f in check_report(mem_report(situation=text), []) if f.code == "provisional_reads_confirmed"] == [
        "「事故発生の状況」で、調査中の漏えいの原因、被害の状況および対象となる数が確定したかのように書かれています"
        "（「調査の結果、原因を特定いたしました。」「侵入経路が判明しました。」「被害の状況が判明いたしました。」）。"
        "「〜と推定しております」などの表現にするか、その事実を確定として記載してください。"]


def test_the_report_period_that_cannot_be_true_is_named_in_full():
    inverted = mem_report(period_start=date(2026, 11, 1), period_end=date(2026, 10, 1))
    assert [f.message for f in check_report(inverted, []) if f.code == "period_inverted"] == [
        "漏えい期間の終了が開始より前になっています。"]
    open_end = mem_report(period_certainty=C, period_end=None)
    assert [f.message for f in check_report(open_end, []) if f.code == "confirmed_period_open"] == [
        "漏えい期間の終了を確定とするには、終了日が必要です。"]
    open_start = mem_report(period_certainty=C, period_start=None)
    assert [f.message for f in check_report(open_start, []) if f.code == "confirmed_period_open"] == [
        "漏えい期間の開始を確定とするには、開始日が必要です。"]


@pytest.mark.parametrize("fields", [
    {"situation": "原因を特定いたしました。", "cause_certainty": C},           # the cause is confirmed: true
    {"situation": "原因は現在調査しております。"},                              # hedged
    {"situation": "不正アクセスを受けたことを特定いたしました。"},              # names no provisional fact
    {"investigation": "件数の特定を急いでおります。"},                          # not a finding
])
def test_settled_wording_elsewhere_passes_when_it_is_true_hedged_or_about_something_else(fields):
    found = check_report(mem_report(**fields), [])
    assert "provisional_reads_confirmed" not in codes(found)


def test_the_result_of_an_investigation_settles_but_an_investigation_going_on_does_not():
    settled = check_report(mem_report(cause="調査の結果、侵入経路を特定いたしました。"), [])
    assert "provisional_reads_confirmed" in codes(settled, BLOCKING)
    going_on = check_report(mem_report(cause="調査の結果を踏まえ、侵入経路を引き続き調査しております。"), [])
    assert "provisional_reads_confirmed" not in codes(going_on)


def test_a_provisional_cause_stated_as_settled_is_one_finding_quoting_at_most_three_sentences():
    text = "原因は攻撃です。原因は侵入です。原因は改ざんです。原因は流出です。"
    found = [f for f in check_report(mem_report(cause=text, damage="被害は詐欺です。"), []) if f.code == "provisional_reads_confirmed"]
    messages = [f.message for f in found]
    assert len(found) == 1, messages  # the cause section alone, not again as "another section"
    assert "（「原因は攻撃です。」「原因は侵入です。」「原因は改ざんです。」）" in messages[0] and "流出" not in messages[0]
    final = final_report(count_certainty=P)
    message = next(f.message for f in check_report(final, []) if f.code == "final_has_provisional")
    assert message.startswith("最終報告に調査中の事項が残っています：") and "すべて確定させてください。" in message
    assert [f.message for f in check_report(final_report(cause_certainty=P), []) if f.code == "final_has_provisional"] == [
        "最終報告に調査中の事項が残っています：漏えいの原因。すべて確定させてください。"]


def test_the_section_a_correction_of_a_withdrawn_compensation_covers_is_the_response():
    from hotline.notices.consistency import corrected_sections

    first = mem_report(number=1, compensation_status="decided", compensation="500円分のポイントを進呈いたします。")
    draft = mem_report(compensation_status="considering", correction="補償の内容を訂正いたします。")
    assert corrected_sections(draft, [first]) == {"response"}
    lowered = mem_report(number=1, damage_cases=31)
    assert corrected_sections(mem_report(damage_cases=20, correction="被害の件数を訂正いたします。"), [lowered]) == {"damage"}


def test_a_final_prevention_exactly_half_copied_is_a_copy_and_punctuation_inside_does_not_hide_one():
    first = mem_report(number=1, prevention="監視を強化し、改善してまいります。")

    def message(text):
        return next((f.message for f in check_report(final_report(prevention=text), [first])
                     if f.code == "final_prevention_carried_over"), "")

    half = "監視を強化し、改善してまいります。" + "あ" * len("監視を強化し改善してまいります") + "。"
    assert message(half) == ("最終報告の「再発防止策」が第一報と文の大半が同じままです。"
                             "実施した対策と今後の対策を、最終報告として書き直してください。")
    assert message(half + "い。") == ""  # a little more than half is new
    assert message("監視を強化し改善してまいります") != ""  # the comma and the 。 left out: still the same sentence


def test_a_final_prevention_half_copied_in_several_sentences_is_a_copy():
    first = mem_report(number=1, prevention="監視を強化します。研修を行います。")
    copied = "監視を強化します。研修を行います。"
    new = "あ" * len("監視を強化します研修を行います") + "。"  # as long as both copied sentences together
    found = [f for f in check_report(final_report(prevention=copied + new), [first])
             if f.code == "final_prevention_carried_over"]
    assert [f.severity for f in found] == [BLOCKING]
    assert "final_prevention_carried_over" not in codes(check_report(final_report(prevention=copied + new + "い。"), [first]))


def test_a_group_without_a_number_is_not_a_number_left_out():
    first = mem_report(number=1, groups=[mem_group(name="会員", categories={"name": L.POSSIBLE})])
    draft = mem_report(groups=[mem_group(name="会員", categories={"name": L.POSSIBLE})])
    assert "count_dropped" not in codes(check_report(draft, [first]))


def test_every_group_is_checked_not_only_the_first():
    from datetime import date

    not_affected = mem_group(name="電話注文のお客様", affected=False)
    inverted = mem_group(name="会員", count_min=20, count_max=10, period_start=date(2026, 9, 5), period_end=date(2026, 9, 1))
    gifts = mem_group(name="お届け先", count_min=5, count_max=1, period_start=date(2026, 9, 9), period_end=date(2026, 9, 2))
    found = [f.message for f in check_report(mem_report(groups=[not_affected, inverted, gifts]), [])
             if f.code in ("count_range_inverted", "period_inverted")]
    assert sum("「会員」" in m for m in found) == 2 and sum("「お届け先」" in m for m in found) == 2, found
    first = mem_report(number=1, groups=[mem_group(name="会員", count_min=1, count_max=2),
                                         mem_group(name="お届け先", count_min=1, count_max=2)])
    later = mem_report(groups=[mem_group(name="会員", count_min=1, count_max=2, reason="変わっておりません。"),
                               mem_group(name="新しい区分", count_min=1, count_max=2),
                               mem_group(name="お届け先", count_min=1, count_max=2, categories={"name": L.POSSIBLE, "email": L.POSSIBLE})])
    unexplained = [f.message for f in check_report(later, [first]) if f.severity == WARNING]
    assert any("「新しい区分」は今回新たに加わる区分" in m for m in unexplained)
    assert any("「お届け先」に新たな情報の項目（氏名、メールアドレス）" in m for m in unexplained), unexplained

