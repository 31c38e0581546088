"""The exact words of the findings an author reads: which report, which figure, from what to what."""

from datetime import date, time

import pytest

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
    both = final_report(groups=[
        mem_group(name="会員", count_min=10, count_max=10, count_certainty=C, categories={"card_number": L.POSSIBLE}),
        mem_group(name="お届け先", count_min=5, count_max=5, count_certainty=C, categories={"name": L.POSSIBLE})])
    assert open_items_hint(both).startswith("対象の範囲が確定し、一件ごとに漏えいの可能性が残る場合は、「会員」「お届け先」の「対象")
    draft.groups[0].final_scope = True
    assert open_items_hint(draft) == ""
    settled = final_report(groups=[mem_group(name="会員", count_min=10, count_max=10, count_certainty=C,
                                             categories={"name": L.CONFIRMED})])
    assert open_items_hint(settled) == ""


def test_settled_wording_is_told_from_hedged_unknown_and_denied_wording():
    from hotline.notices.wording import assertive_sentences

    settled = ["原因は攻撃です！", "原因は攻撃です?", "原因は攻撃だ", "特定した。", "特定された。", "原因が分かった。",
               "侵入経路を特定いたしました。", "これが原因です。", "原因は攻撃でございます。", "攻撃が原因でした。",
               "原因を解明いたしました。", "侵入経路を突き止めました。", "原因が明らかになりました。",
               "原因を明らかにいたしました。", "不正アクセスと判明しております。", "原因は攻撃である。",
               "不正アクセスと判明している。", "侵入経路は明らかだった。", "侵入経路は明らかです。", "明らかだ"]
    for text in settled:
        assert assertive_sentences(text) == [text], text
    open_ = ["原因は不明です。", "原因は未定です。", "原因は調査中でございます。", "原因は明らかになっておりません。",
             "原因を明らかにするため調査しております。", "原因であると考えております。", "原因と推定しております。",
             "お問い合わせ窓口を設置しております。", "原因が攻撃である可能性がございます。", "その原因",
             "お問い合わせが明らかに増えました。", "影響は明らかに限定的です。", "原因の究明を急いでいるところです。", "判明", "明らかではございません。", "原因は", "原因は、攻撃。",
             "判明したら連絡いたします。", "判明しておりません。", "侵入経路が判明しない。", "判明する予定です。",
             "分かりませんでした。", "原因は特定できておりません。", ""]
    for text in open_:
        assert assertive_sentences(text) == [], text
    assert assertive_sentences("調査中です。原因は攻撃です。\n被害は確認中です。") == ["原因は攻撃です。"]


def test_each_published_fact_is_held_even_when_the_one_before_it_never_was():
    from hotline.notices.consistency import BLOCKING

    first = mem_report(number=1, cause="", damage="不正利用の報告が1件ございます。")  # no cause, a damage text
    dropped = check_report(mem_report(cause="", damage=""), [first])
    assert [(f.code, f.severity) for f in dropped if f.code == "fact_dropped"] == [("fact_dropped", BLOCKING)]
    only_amount = mem_report(number=1, damage_amount=120000)
    assert messages(check_report(mem_report(), [only_amount]), "damage_figure_dropped") == [
        "第一報で公表した被害額（120,000円）が、今回の報にありません。記載をやめることで取り消すことはできません。"
        "公表するには訂正文（訂正の内容と理由）を記載してください。"]
    cases = mem_report(number=1, damage_cases=3)
    assert messages(check_report(mem_report(damage_cases=2), [cases]), "damage_figure_lowered") == [
        "第一報で被害の件数を3件と公表しましたが、今回は2件です。公表した数を減らすには、理由を訂正として示す必要があります。"
        "公表するには訂正文（訂正の内容と理由）を記載してください。"]
    assert messages(check_report(mem_report(damage_cases=3), [cases]), "damage_figure_lowered") == []
    half_period = mem_report(number=1, period_start=date(2026, 9, 1), period_end=None)
    assert "period_dropped" in {f.code for f in check_report(mem_report(period_start=None, period_end=None),
                                                             [half_period])}


def test_a_provisional_damage_is_checked_for_settled_wording_even_when_the_cause_is_confirmed():
    draft = mem_report(cause="第三者による不正アクセスでした。", cause_certainty=C,
                       damage="不正利用が発生したことが判明いたしました。", damage_certainty=P)
    assert messages(check_report(draft, []), "provisional_reads_confirmed") == [
        "「現在発生している被害の状況」は調査中ですが、本文が確定したかのように書かれています（「不正利用が発生したことが判明いたしました。」）。"
        "「〜と推定しております」「〜の可能性がございます」などの表現にするか、確定として記載してください。"]


def test_a_contact_window_needs_a_phone_or_a_form_and_the_hours():
    assert messages(check_report(mem_report(contact_form_url=""), []), "missing_contact") == []
    assert messages(check_report(mem_report(contact_phone=""), []), "missing_contact") == []
    assert messages(check_report(mem_report(contact_phone="", contact_form_url=""), []), "missing_contact") == [
        "問い合わせ窓口（電話番号またはフォーム、受付時間）が記載されていません。"]
    assert messages(check_report(mem_report(contact_hours=" "), []), "missing_contact") != []


def test_the_words_of_blocking_corrected_and_warning_findings():
    assert messages(check_report(mem_report(situation=""), []), "missing_situation") == [
        "「事故発生の状況」が記載されていません。"]
    assert messages(check_report(final_report(prevention=""), []), "final_without_prevention") == [
        "最終報告には「再発防止策」が必要です。"]
    first = mem_report(number=1, groups=[mem_group(name="会員", count_min=100, count_max=500,
                                                   categories={"name": L.CONFIRMED})])
    wider = mem_report(groups=[mem_group(name="会員", count_min=100, count_max=900, categories={"name": L.CONFIRMED},
                                         reason="追加の調査で判明しました。")])
    wider.correction = "第一報の会員の数の上限を訂正いたします。"
    assert messages(check_report(wider, [first]), "max_exceeds_published_max") == [
        "第一報で「最大500件」と公表した「会員」の数の上限が、最大900件に広がっています。訂正文とともに公表されます。"]
    wider.correction = "お詫びして訂正いたします。"
    assert messages(check_report(wider, [first]), "max_exceeds_published_max") == [
        "第一報で「最大500件」と公表した「会員」の数の上限が、最大900件に広がっています。"
        "訂正文に、何を訂正するのか（「件数」「人数」など）が書かれていません。"]
    assert messages(check_report(mem_report(correction="訂正いたします。"), [mem_report(number=1)]),
                    "correction_without_change") == [
        "訂正文がありますが、訂正が必要な変更は見つかりませんでした。訂正の対象と理由が読む方に伝わるか、ご確認ください。"]
    assert messages(check_report(mem_report(count_min=200, count_max=500), [mem_report(number=1)]),
                    "change_unexplained") == [
        "「お客様」の数が第一報から変わっています。読む方のために「変更の理由」を書いてください。"]


def test_a_withdrawn_compensation_says_what_it_became():
    decided = mem_report(number=1, compensation_status="decided", compensation="500円分のポイントを付与いたします。")
    considering = check_report(mem_report(compensation_status="considering"), [decided])
    assert messages(considering, "compensation_withdrawn") == [
        "第一報で決定として公表した補償などの対応が、今回は「検討中」になっています。"
        "決定した対応を取りやめる・変える場合は、訂正として理由とともに示してください。公表するには訂正文（訂正の内容と理由）を記載してください。"]
    silent = check_report(mem_report(compensation_status=""), [decided])
    assert "今回は記載なしになっています" in messages(silent, "compensation_withdrawn")[0]
    same = mem_report(compensation_status="decided", compensation="500円分の ポイントを付与いたします。")
    assert messages(check_report(same, [decided]), "compensation_reworded") == []
    assert messages(check_report(mem_report(compensation_status="decided", compensation=None), [decided]),
                    "compensation_reworded") != []


def test_a_reworded_compensation_is_told_in_full_and_spacing_on_either_side_is_not_rewording():
    decided = mem_report(number=1, compensation_status="decided", compensation="500円分の ポイントを\n付与いたします。")
    same = mem_report(compensation_status="decided", compensation="500円分のポイントを付与いたします。")
    assert messages(check_report(same, [decided]), "compensation_reworded") == []
    less = mem_report(compensation_status="decided", compensation="300円分のポイントを付与いたします。")
    assert messages(check_report(less, [decided]), "compensation_reworded") == [
        "第一報で決定として公表した補償などの対応の内容が変わっています。"
        "内容を変える場合は、何が変わったのかを読む方に分かるように書いてください（取りやめや縮小は訂正として）。"]


def test_damage_figures_left_out_read_as_none_given():
    first = mem_report(number=1, damage_cases=31)
    assert messages(check_report(mem_report(), [first]), "damage_change_unexplained") == [
        "被害の件数・金額が第一報から変わっています（31件 → 記載なし）。読む方のために「被害の件数・金額が変わった理由」を書いてください。"]


def test_every_group_after_one_with_a_reason_is_still_asked_for_its_own():
    first = mem_report(number=1, groups=[mem_group(name="会員", count_max=100, categories={"name": L.POSSIBLE}),
                                         mem_group(name="お届け先", count_max=50,
                                                   categories={"name": L.POSSIBLE, "email": L.POSSIBLE})])
    draft = mem_report(groups=[
        mem_group(name="会員", count_max=120, categories={"name": L.POSSIBLE}, reason="調査で対象が広がりました。"),
        mem_group(name="お届け先", count_max=50, categories={"name": L.CONFIRMED, "email": L.CONFIRMED}),
        mem_group(name="ギフトの贈り主", count_max=10, categories={"name": L.POSSIBLE})])
    assert messages(check_report(draft, [first]), "change_unexplained") == [
        "「お届け先」の氏名、メールアドレスの状況が第一報から変わっています。読む方のために「変更の理由」か項目の補足を書いてください。"]
    assert messages(check_report(draft, [first]), "new_group_unexplained") == [
        "「ギフトの贈り主」は今回新たに加わる区分です。経緯を「変更の理由」に書いてください（【新たに判明】と表示されます）。"]


def test_a_group_missing_from_the_previous_report_does_not_end_the_check_of_the_next():
    first = mem_report(number=1, groups=[mem_group(name="会員", count_max=100, categories={"name": L.POSSIBLE}),
                                         mem_group(name="お届け先", count_max=50, categories={"name": L.POSSIBLE})])
    second = mem_report(number=2, groups=[mem_group(name="お届け先", count_max=50, categories={"name": L.POSSIBLE})])
    draft = mem_report(groups=[mem_group(name="会員", count_max=100, categories={"name": L.POSSIBLE}),
                               mem_group(name="お届け先", count_max=60, categories={"name": L.POSSIBLE})])
    assert messages(check_report(draft, [first, second]), "change_unexplained") == [
        "「お届け先」の数が第二報から変わっています。読む方のために「変更の理由」を書いてください。"]


def test_each_group_period_is_held_on_its_own_and_told_in_full():
    own = dict(period_start=date(2026, 9, 1), period_start_certainty=C, period_end=date(2026, 9, 2))
    first = mem_report(number=1, groups=[mem_group(name="会員", count_max=100, categories={"name": L.POSSIBLE}, **own),
                                         mem_group(name="お届け先", count_max=50, categories={"name": L.POSSIBLE}, **own)])
    moved = dict(own, period_start=date(2026, 8, 25))

    def groups():
        return [mem_group(name="会員", count_max=100, categories={"name": L.POSSIBLE}),
                mem_group(name="お届け先", count_max=50, categories={"name": L.POSSIBLE}, **moved)]

    found = check_report(mem_report(groups=groups()), [first])
    assert messages(found, "period_dropped") == [
        "第一報で公表した「会員」の期間が、今回の報にありません。記載をやめることで取り消すことはできません。"
        "公表するには訂正文（訂正の内容と理由）を記載してください。"]
    assert messages(found, "confirmed_figure_changed") == [
        "第一報で確定として公表した「お届け先」の期間の開始が変わっています（2026年9月1日 → 2026年8月25日）。"
        "公表するには訂正文（訂正の内容と理由）を記載してください。"]
    only_second = mem_report(groups=[mem_group(name="お届け先", count_max=50, categories={"name": L.POSSIBLE}, **moved)])
    assert "confirmed_figure_changed" in {f.code for f in check_report(only_second, [first])}  # after a dropped group
    by_period = check_report(mem_report(groups=groups(), correction="漏えいの期間を訂正いたします。"), [first])
    assert {f.code: f.severity for f in by_period if f.code in ("period_dropped", "confirmed_figure_changed")} == {
        "period_dropped": "corrected", "confirmed_figure_changed": "corrected"}
    other = check_report(mem_report(groups=groups(), correction="被害額を訂正いたします。"), [first])
    assert {f.code: f.severity for f in other if f.code in ("period_dropped", "confirmed_figure_changed")} == {
        "period_dropped": "blocking", "confirmed_figure_changed": "blocking"}


def test_items_of_a_dropped_group_do_not_end_the_check_of_the_next_groups_items():
    first = mem_report(number=1, groups=[mem_group(name="会員", count_max=100, categories={"name": L.POSSIBLE}),
                                         mem_group(name="お届け先", count_max=50,
                                                   categories={"name": L.CONFIRMED, "email": L.POSSIBLE})])
    draft = mem_report(groups=[mem_group(name="お届け先", count_max=50, categories={"name": L.POSSIBLE})])
    found = check_report(draft, [first])
    assert messages(found, "confirmed_became_provisional") == [
        "第一報で「漏えいを確認」と公表した「お届け先」の氏名が「漏えいの可能性を否定できない」に戻っています。"
        "公表するには訂正文（訂正の内容と理由）を記載してください。"]
    assert messages(found, "item_dropped") == [
        "第一報で「漏えいの可能性を否定できない」と公表した「お届け先」のメールアドレスが、今回の報にありません。記載をやめることで取り消すことはできません。"
        "公表するには訂正文（訂正の内容と理由）を記載してください。"]


def test_a_number_a_correction_left_out_is_withdrawn_and_one_it_kept_is_held():
    first = mem_report(number=1, groups=[mem_group(name="会員", count_min=100, count_max=200, categories={"name": L.POSSIBLE})])
    withdrawn = mem_report(number=2, correction="対象となる数を訂正いたします。",
                           groups=[mem_group(name="会員", categories={"name": L.POSSIBLE})])
    draft = mem_report(groups=[mem_group(name="会員", categories={"name": L.POSSIBLE})])
    assert "count_dropped" not in {f.code for f in check_report(draft, [first, withdrawn])}
    kept = mem_report(number=2, correction="対象となる数を訂正いたします。",
                      groups=[mem_group(name="会員", count_min=100, categories={"name": L.POSSIBLE})])
    assert "count_dropped" in {f.code for f in check_report(draft, [first, kept])}
    higher = mem_report(groups=[mem_group(name="会員", count_min=300, categories={"name": L.POSSIBLE})])
    assert "min_exceeds_published_max" not in {f.code for f in check_report(higher, [first, kept])}  # 最大 withdrawn
    assert "min_exceeds_published_max" in {f.code for f in check_report(higher, [first])}


def test_reopening_dates_name_both_days():
    first = mem_report(number=1, reopening_on=date(2026, 12, 10))
    assert messages(check_report(mem_report(reopening_on=date(2027, 1, 15)), [first]), "reopening_postponed") == [
        "再開予定日が2026年12月10日から2027年1月15日に延びています。延期の理由をサービスの状況に記載してください。"]
    assert messages(check_report(mem_report(reopening_on=None), [first]), "reopening_dropped") == [
        "第一報でお知らせした再開予定日（2026年12月10日）の記載がなくなっています。"
        "再開した場合はサービスの状況にその旨を、延期した場合は新しい予定日と理由を記載してください。"]


@pytest.mark.parametrize("sign", ["決済画面", "決済ページ", "決済フォーム", "支払い画面", "支払画面", "お支払いページ",
                                  "カード情報の入力", "カード情報入力", "スキミング"])
def test_each_sign_of_an_altered_checkout_is_read(sign):
    from hotline.notices.group_rules import _checkout_altered

    assert _checkout_altered(f"調査の結果、{sign}に不審な点がございました。")


def test_an_alteration_counts_for_card_data_only_beside_the_card():
    from hotline.notices.group_rules import _checkout_altered

    assert _checkout_altered("カードの入力欄が改ざんされておりました。")
    assert not _checkout_altered("当社サイトの一部が改ざんされておりました。")
    assert not _checkout_altered("カード会社と連携しております。")


@pytest.mark.parametrize("sign", ["不正ログイン", "なりすましログイン", "リスト型攻撃", "パスワードリスト攻撃"])
def test_each_sign_of_logins_by_others_is_read(sign):
    from hotline.notices.group_rules import _logins_abused

    assert _logins_abused(f"{sign}が確認されました。") and not _logins_abused("ログインできない状態です。")


@pytest.mark.parametrize("store", ["データベース", "顧客情報を保管", "会員情報を保管"])
@pytest.mark.parametrize("act", ["不正アクセス", "侵入", "窃取", "持ち出", "外部に送信", "外部へ送信"])
def test_a_database_entered_needs_both_the_store_and_the_act(store, act):
    from hotline.notices.group_rules import _database_entered

    assert _database_entered(f"{store}するサーバーへの{act}が判明いたしました。")
    assert not _database_entered(f"{store}するサーバーを点検いたしました。")
    assert not _database_entered(f"ウェブサイトへの{act}が判明いたしました。")


@pytest.mark.parametrize("sign", ["なりすましメール", "フィッシングメール", "当社を装ったメール", "当社を名乗るメール"])
def test_each_sign_of_look_alike_mail_is_read(sign):
    from hotline.notices.group_rules import _lookalike_mail

    assert _lookalike_mail(f"{sign}が届いているとのご連絡がございました。") and not _lookalike_mail("メールでご案内いたします。")


def test_a_group_changing_sides_is_described_from_what_to_what():
    L = LeakStatus
    affected = mem_report(number=1, groups=[mem_group(count_min=10, count_max=20, categories={"name": L.CONFIRMED}),
                                            mem_group(name="お届け先", count_min=5, count_max=9, categories={"name": L.POSSIBLE})])
    not_affected = mem_report(groups=[mem_group(count_min=10, count_max=20, categories={"name": L.CONFIRMED}),
                                      mem_group(name="お届け先", affected=False, reason="調査の結果、対象外と判明しました。")])

    def message(draft, earlier):
        return next(f.message for f in check_report(draft, [earlier]) if f.code == "group_scope_changed")

    then = "公表するには訂正文（訂正の内容と理由）を記載してください。"
    assert message(not_affected, affected) == "第一報で対象と公表した「お届け先」が、対象外になっています。" + then
    not_affected.number, affected.number = 1, None
    assert message(affected, not_affected) == "第一報で対象外と公表した「お届け先」が、対象になっています。" + then


@pytest.mark.parametrize("sentence, settled", [
    ("不正アクセスを特定した事実はない。", False),          # a denial by the adjective ない
    ("記録を読んだら、原因が判明いたします。", False),      # 〜だら: a condition, not a past finding
    ("原因は不正アクセスです！", True), ("原因は不正アクセスです？", True),  # the mark after です changes nothing
])
def test_a_sentence_is_read_as_settled_by_its_grammar(sentence, settled):
    from hotline.notices.wording import assertive_sentences

    assert assertive_sentences(sentence) == ([sentence] if settled else [])
