"""The exact words of the findings an author reads: which report, which figure, from what to what."""

from datetime import date, time

from hotline.models import LeakStatus
from hotline.notices import periods
from hotline.notices.consistency import check_report
from hotline.notices.group_rules import group_subjects, open_items_hint, unreconciled
from hotline.notices.periods import C, P, Span

from .memory_reports import final_report, mem_group, mem_report

L = LeakStatus


def messages(findings, code):
    return [f.message for f in findings if f.code == code]


def span(start=date(2026, 9, 1), end=date(2026, 10, 31), sc=C, ec=C, st=None, et=None):
    return Span(start, st, sc, end, et, ec)


def test_each_confirmed_end_of_a_period_is_held_on_its_own():
    old = span(sc=C, ec=C)
    assert periods.contradictions(old, span(sc=C, ec=P), "漏えい期間", "第一報") == [
        ("confirmed_became_provisional", "第一報で確定として公表した漏えい期間の終了が、調査中に戻っています。")]
    assert periods.contradictions(old, span(sc=P, ec=C), "漏えい期間", "第一報") == [
        ("confirmed_became_provisional", "第一報で確定として公表した漏えい期間の開始が、調査中に戻っています。")]
    moved = span(end=date(2026, 11, 2), et=time(9, 5))
    assert periods.contradictions(old, moved, "漏えい期間", "第二報") == [
        ("confirmed_figure_changed",
         "第二報で確定として公表した漏えい期間の終了が変わっています（2026年10月31日 → 2026年11月2日 9:05）。")]
    gone = span(end=None)
    assert periods.contradictions(old, gone, "「会員」の期間", "第一報") == [
        ("confirmed_figure_changed", "第一報で確定として公表した「会員」の期間の終了が変わっています（2026年10月31日 → 記載なし）。")]
    only_end = span(sc=P, ec=C)  # an estimated start may move; the confirmed end may not
    assert periods.contradictions(only_end, span(start=date(2026, 8, 1), sc=P, ec=C), "漏えい期間", "第一報") == []
    assert periods.contradictions(span(start=None, sc=C), span(start=date(2026, 8, 1)), "漏えい期間", "第一報") == []


def test_period_texts_name_each_end_as_firm_as_it_is():
    assert periods.text(span(st=time(10, 12))) == "2026年9月1日 10:12から2026年10月31日まで"
    assert periods.text(span(end=None)) == "2026年9月1日以降"
    assert periods.text(span(start=None)) == "2026年10月31日まで"
    assert periods.summary(span(start=None, end=None)) == "調査中"
    assert periods.summary(span(st=time(8, 0), et=time(17, 30))) == "2026年9月1日 8:00〜2026年10月31日 17:30（確定）"
    assert periods.summary(span(sc=C, ec=P)) == "2026年9月1日〜2026年10月31日（開始：確定／終了：調査中）"
    assert periods.sentence(span(start=None, end=None, sc=P, ec=P)) == "漏えいの可能性がある期間は、現在調査しております。"
    assert periods.sentence(span(sc=P, ec=C), then="続報") == (
        "漏えいの可能性がある期間は2026年9月1日から2026年10月31日までで、終了の日時は調査により確認しておりますが、"
        "開始の日時は現時点の推定でございます。今後の調査により変わる可能性がございます。続報")
    assert periods.sentence(span(sc=C, ec=P)).startswith(
        "漏えいの可能性がある期間は2026年9月1日から2026年10月31日までで、開始の日時は調査により確認しておりますが、終了の日時は")
    assert periods.sentence(span(end=None, sc=C, ec=P)) == (
        "現時点の調査では、漏えいの可能性がある期間を2026年9月1日以降と推定しておりますが、今後の調査により変わる可能性がございます。")


def test_count_findings_quote_both_figures_with_the_unit():
    first = mem_report(number=1, groups=[mem_group(name="会員", unit="名", count_min=300, count_max=300, count_certainty=C,
                                                   categories={"name": L.CONFIRMED})])
    back = mem_report(groups=[mem_group(name="会員", unit="名", count_min=300, count_max=400,
                                        categories={"name": L.CONFIRMED})])
    assert messages(check_report(back, [first]), "confirmed_became_provisional") == [
        "第一報で確定として公表した「会員」の数（300名）が、調査中に戻っています。公表するには訂正文（訂正の内容と理由）を記載してください。"]
    changed = mem_report(groups=[mem_group(name="会員", unit="名", count_min=320, count_max=320, count_certainty=C,
                                           categories={"name": L.CONFIRMED})])
    assert messages(check_report(changed, [first]), "confirmed_figure_changed") == [
        "第一報で確定として公表した「会員」の数（300名）が変わっています（320名）。公表するには訂正文（訂正の内容と理由）を記載してください。"]
    ranged = mem_report(number=1, count_min=100, count_max=500)
    above = check_report(mem_report(count_min=600, count_max=900), [ranged])
    assert messages(above, "min_exceeds_published_max") == [
        "「お客様」の数の新しい最小（600件）が、第一報で公表した最大（500件）を超えています。公表するには訂正文（訂正の内容と理由）を記載してください。"]
    unbounded = check_report(mem_report(count_min=100, count_max=None), [ranged])
    assert messages(unbounded, "max_exceeds_published_max") == [
        "第一報で「最大500件」と公表した「お客様」の数の上限が、上限なし（さらに増える可能性）に広がっています。"
        "公表するには訂正文（訂正の内容と理由）を記載してください。"]


def test_the_everyday_group_is_named_by_its_kind_not_by_okyakusama():
    assert group_subjects("お客様") == ("区分", "対象者", "対象となるお客様")
    assert group_subjects("会員") == ("会員",)


def test_a_final_report_explains_every_changed_number():
    first = mem_report(number=1, count_min=100, count_max=500)
    final = final_report()
    assert [code for code, _ in unreconciled(final, [first])] == ["final_unreconciled"]
    assert unreconciled(final, []) == [] and unreconciled(mem_report(count_min=300, count_max=300), [first]) == []
    final.groups.append(mem_group(name="お届け先", count_min=5, count_max=5, count_certainty=C,
                                  categories={"name": L.CONFIRMED}))
    assert len(unreconciled(final, [first])) == 2  # a new group unexplained counts too


def test_the_final_scope_hint_names_groups_whose_items_remain_possible():
    draft = final_report(groups=[
        mem_group(name="会員", count_min=10, count_max=10, count_certainty=C, categories={"card_number": L.POSSIBLE}),
        mem_group(name="お届け先", count_min=5, count_max=5, count_certainty=C, categories={"name": L.CONFIRMED})])
    assert open_items_hint(draft) == ("対象の範囲が確定し、一件ごとに漏えいの可能性が残る場合は、「会員」の"
                                      "「対象範囲の確定」を選んでください（「漏えいを確認」とは表示されません）。")
    draft.groups[0].final_scope = True
    assert open_items_hint(draft) == ""
    settled = final_report(groups=[mem_group(name="会員", count_min=10, count_max=10, count_certainty=C,
                                             categories={"name": L.CONFIRMED})])
    assert open_items_hint(settled) == ""


def test_settled_wording_is_told_from_hedged_unknown_and_denied_wording():
    from hotline.notices.wording import assertive_sentences

    settled = ["原因は攻撃です！", "原因は攻撃です?", "原因は攻撃だ", "特定した。", "特定された。", "原因が分かった。",
               "侵入経路を特定いたしました。"]
    for text in settled:
        assert assertive_sentences(text) == [text], text
    open_ = ["原因は不明です。", "原因は未定です。", "これが原因です。", "その原因", "原因は", "原因は、攻撃。",
             "判明したら連絡いたします。", "判明しておりません。", "侵入経路が判明しない。", "判明する予定です。",
             "分かりませんでした。", "原因は特定できておりません。", ""]
    for text in open_:
        assert assertive_sentences(text) == [], text
    assert assertive_sentences("調査中です。原因は攻撃です。\n被害は確認中です。") == ["原因は攻撃です。"]
