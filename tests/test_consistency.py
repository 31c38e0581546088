"""The consistency check, rule by rule (pure function, no database)."""

from datetime import date

import pytest

from hotline.models import LeakStatus
from hotline.notices.consistency import BLOCKING, CORRECTED, JUDGEMENT, WARNING, check_report, is_blocked, needs_judgement

from .memory_reports import C, P, final_report, mem_group, mem_report

L = LeakStatus


def codes(findings, severity=None):
    """Codes of findings, optionally of one severity."""
    return {f.code for f in findings if severity is None or f.severity == severity}


def test_consistent_second_report_has_no_blocking_findings():
    first = mem_report(number=1, count_min=100, count_max=500)
    draft = mem_report(groups=[mem_group(categories={"name": L.CONFIRMED}, count_min=200, count_max=500,
                                         reason="ログの解析が進みました。")])
    findings = check_report(draft, [first])
    assert not is_blocked(findings)
    assert codes(findings) == set()


def test_a_changed_number_without_a_reason_is_a_warning_and_blocks_a_final_report():
    first = mem_report(number=1, count_min=100, count_max=500)
    assert "change_unexplained" in codes(check_report(mem_report(count_min=200, count_max=500), [first]), WARNING)
    final = final_report()
    assert "final_unreconciled" in codes(check_report(final, [first]), BLOCKING)
    final.groups[0].reason = "調査が完了し、対象が300件に確定しました。"
    assert not is_blocked(check_report(final, [first]))


def test_changed_confirmed_count_is_blocked():
    first = mem_report(number=1, count_min=300, count_max=300, count_certainty=C)
    draft = mem_report(count_min=350, count_max=350, count_certainty=C)
    findings = check_report(draft, [first])
    assert "confirmed_figure_changed" in codes(findings, BLOCKING)
    assert any("300" in f.message and "350" in f.message for f in findings)


def test_changed_confirmed_period_is_blocked():
    first = mem_report(number=1, period_certainty=C)
    draft = mem_report(period_certainty=C, period_start=date(2026, 8, 15))
    assert "confirmed_figure_changed" in codes(check_report(draft, [first]), BLOCKING)


def test_new_minimum_above_published_maximum_is_blocked():
    first = mem_report(number=1, count_min=100, count_max=500)
    draft = mem_report(count_min=501, count_max=900)
    assert "min_exceeds_published_max" in codes(check_report(draft, [first]), BLOCKING)


def test_minimum_equal_to_published_maximum_is_allowed():
    first = mem_report(number=1, count_min=100, count_max=500)
    draft = mem_report(count_min=500, count_max=900)
    assert "min_exceeds_published_max" not in codes(check_report(draft, [first]))


def test_maximum_from_any_earlier_report_counts_not_only_the_latest():
    first = mem_report(number=1, count_min=100, count_max=400)
    second = mem_report(number=2, count_min=100, count_max=None)
    draft = mem_report(count_min=450, count_max=None)
    assert "min_exceeds_published_max" in codes(check_report(draft, [first, second]), BLOCKING)


def test_category_published_as_not_leaked_becoming_possible_is_blocked():
    first = mem_report(number=1, categories={"name": L.CONFIRMED, "password": L.NOT_LEAKED})
    draft = mem_report(categories={"name": L.CONFIRMED, "password": L.POSSIBLE})
    assert "not_leaked_became_leaked" in codes(check_report(draft, [first]), BLOCKING)


def test_category_published_as_not_leaked_becoming_confirmed_is_blocked():
    first = mem_report(number=1, categories={"password": L.NOT_LEAKED})
    draft = mem_report(categories={"password": L.CONFIRMED})
    assert "not_leaked_became_leaked" in codes(check_report(draft, [first]), BLOCKING)


def test_confirmed_count_becoming_provisional_is_blocked():
    first = mem_report(number=1, count_min=300, count_max=300, count_certainty=C)
    draft = mem_report(count_min=300, count_max=600, count_certainty=P)
    assert "confirmed_became_provisional" in codes(check_report(draft, [first]), BLOCKING)


def test_confirmed_cause_becoming_provisional_is_blocked():
    first = mem_report(number=1, cause_certainty=C)
    draft = mem_report(cause_certainty=P)
    assert "confirmed_became_provisional" in codes(check_report(draft, [first]), BLOCKING)


def test_confirmed_category_going_back_to_investigating_is_blocked():
    first = mem_report(number=1, categories={"card_number": L.CONFIRMED})
    draft = mem_report(categories={"card_number": L.INVESTIGATING})
    assert "confirmed_became_provisional" in codes(check_report(draft, [first]), BLOCKING)


def test_correction_statement_turns_contradictions_into_corrections():
    first = mem_report(number=1, count_min=300, count_max=300, count_certainty=C,
                       categories={"password": L.NOT_LEAKED})
    draft = mem_report(count_min=320, count_max=320, count_certainty=C,
                       categories={"password": L.CONFIRMED},
                       correction="第1報でお知らせした件数とパスワードの状況を訂正いたします。")
    findings = check_report(draft, [first])
    assert not is_blocked(findings)
    assert {"confirmed_figure_changed", "not_leaked_became_leaked"} <= codes(findings, CORRECTED)


def test_whitespace_only_correction_does_not_count():
    first = mem_report(number=1, count_min=300, count_max=300, count_certainty=C)
    draft = mem_report(count_min=320, count_max=320, count_certainty=C, correction="　\n ")
    assert is_blocked(check_report(draft, [first]))


def test_final_report_with_provisional_count_is_blocked_even_with_correction():
    draft = final_report(count_min=300, count_max=400, count_certainty=P, correction="訂正します。")
    findings = check_report(draft, [])
    assert "final_has_provisional" in codes(findings, BLOCKING)


def test_final_report_with_category_under_investigation_is_blocked():
    draft = final_report(categories={"name": L.CONFIRMED, "card_number": L.INVESTIGATING})
    findings = check_report(draft, [])
    assert "final_has_provisional" in codes(findings, BLOCKING)
    assert any("クレジットカード番号" in f.message for f in findings)


def test_final_report_without_prevention_is_blocked():
    assert "final_without_prevention" in codes(check_report(final_report(prevention=" "), []), BLOCKING)


def test_complete_final_report_passes():
    first = mem_report(number=1, count_min=300, count_max=300, count_certainty=C)
    assert not is_blocked(check_report(final_report(), [first]))


def test_report_without_contact_window_is_blocked():
    draft = mem_report(contact_phone="", contact_form_url="")
    assert "missing_contact" in codes(check_report(draft, []), BLOCKING)


def test_report_without_contact_hours_is_blocked():
    assert "missing_contact" in codes(check_report(mem_report(contact_hours=""), []), BLOCKING)


def test_provisional_text_that_claims_certainty_is_blocked():
    draft = mem_report(cause="原因はSQLインジェクションと確定しました。", cause_certainty=P)
    assert "provisional_reads_confirmed" in codes(check_report(draft, []), BLOCKING)


def test_inverted_range_and_inexact_confirmed_count_are_blocked():
    assert "count_range_inverted" in codes(check_report(mem_report(count_min=600, count_max=500), []))
    assert "confirmed_count_not_exact" in codes(
        check_report(mem_report(count_min=100, count_max=500, count_certainty=C), []), BLOCKING)


def test_emptied_item_is_a_warning():
    first = mem_report(number=1, investigation="外部の調査会社に依頼しました。")
    findings = check_report(mem_report(investigation=""), [first])
    assert "item_emptied" in codes(findings, WARNING)
    assert not is_blocked(findings)
    facts = mem_report(number=1, cause="調査中です。", damage="不正利用の報告が2件ございます。")
    emptied = check_report(mem_report(cause="", damage=""), [facts])  # a published fact emptied blocks instead
    assert [f.code for f in emptied if f.code in ("fact_dropped", "item_emptied")] == ["fact_dropped", "fact_dropped"]


def test_unknown_maximum_is_a_warning():
    findings = check_report(mem_report(count_min=100, count_max=None), [])
    assert "max_unknown" in codes(findings, WARNING)
    assert not is_blocked(findings)


def test_leaving_out_a_published_category_does_not_retract_it():
    first = mem_report(number=1, categories={"name": L.CONFIRMED, "email": L.NOT_LEAKED})
    second = mem_report(number=2, categories={"name": L.CONFIRMED, "email": L.NOT_LEAKED, "phone": L.POSSIBLE})
    findings = check_report(mem_report(categories={"name": L.CONFIRMED}), [first, second])
    dropped = [f for f in findings if f.code == "item_dropped"]
    assert [f.severity for f in dropped] == [BLOCKING, BLOCKING]
    assert "メールアドレス" in dropped[0].message and "漏えいしていないことを確認" in dropped[0].message
    assert "電話番号" in dropped[1].message and "第二報" in dropped[1].message
    vague = check_report(mem_report(categories={"name": L.CONFIRMED}, correction="項目を訂正いたします。"), [first])
    assert "item_dropped" in codes(vague, BLOCKING)
    assert "何を訂正するのか" in next(f.message for f in vague if f.code == "item_dropped")
    named = check_report(mem_report(categories={"name": L.CONFIRMED},
                                    correction="第一報で記載したメールアドレスは、調査の結果対象外でした。"), [first])
    assert "item_dropped" in codes(named, CORRECTED)


@pytest.mark.parametrize("new_max, words", [(900, "最大900件"), (None, "上限なし")])
def test_a_wider_upper_bound_needs_a_correction(new_max, words):
    first = mem_report(number=1, count_min=100, count_max=500)
    findings = check_report(mem_report(count_min=100, count_max=new_max), [first])
    assert "max_exceeds_published_max" in codes(findings, BLOCKING)
    assert words in next(f.message for f in findings if f.code == "max_exceeds_published_max")
    narrower = check_report(mem_report(count_min=200, count_max=400), [first])
    assert "max_exceeds_published_max" not in codes(narrower)
    corrected = check_report(mem_report(count_min=100, count_max=new_max, correction="件数を訂正いたします。"), [first])
    assert "max_exceeds_published_max" in codes(corrected, CORRECTED)


@pytest.mark.parametrize("text", [
    "原因が判明しました。", "原因が判明いたしました。", "侵入経路を特定いたしました。",
    "原因は第三者による不正アクセスです。", "決済画面が改ざんされていたことが分かりました。",
    "不正アクセスと断定いたしました。", "原因は、第三者による不正アクセスであることが判明いたしました。",
    "原因は第三者による不正アクセスでございます。", "第三者による不正アクセスと判明しております。",
    "原因が明らかになりました。", "侵入経路を突き止めました。", "原因は第三者の攻撃によるものでした。",
    "第三者による不正アクセスが原因です。",
])
def test_provisional_cause_worded_as_settled_is_blocked(text):
    findings = check_report(mem_report(cause=text, cause_certainty=P), [])
    assert "provisional_reads_confirmed" in codes(findings, BLOCKING)
    assert text.rstrip("。")[:20] in next(f.message for f in findings if f.code == "provisional_reads_confirmed")
    assert "provisional_reads_confirmed" not in codes(check_report(mem_report(cause=text, cause_certainty=C), []))


@pytest.mark.parametrize("text", [
    "詳細が判明し次第お知らせいたします。", "原因は特定できておりません。", "原因は現在調査中です。",
    "第三者による不正アクセスと推定しております。", "不正アクセスの可能性がございます。",
    "原因の特定には至っておりません。", "原因が判明しましたら、あらためてお知らせいたします。",
    "決済画面の改ざんを確認いたしました。侵入経路は調査中です。",
])
def test_hedged_or_denied_wording_passes(text):
    assert "provisional_reads_confirmed" not in codes(check_report(mem_report(cause=text, cause_certainty=P), []))


def test_a_published_correction_becomes_the_new_baseline():
    first = mem_report(number=1, period_certainty=C)
    second = mem_report(number=2, period_certainty=C, period_start=date(2026, 8, 15), correction="期間を訂正します。")
    third = mem_report(period_certainty=C, period_start=date(2026, 8, 15))
    assert not is_blocked(check_report(third, [first, second]))
    changed_again = mem_report(period_certainty=C, period_start=date(2026, 8, 1))
    assert "confirmed_figure_changed" in codes(check_report(changed_again, [first, second]), BLOCKING)


def test_a_corrected_maximum_replaces_the_earlier_one():
    first = mem_report(number=1, count_min=100, count_max=400)
    second = mem_report(number=2, count_min=100, count_max=900, correction="最大件数を訂正します。")
    assert not is_blocked(check_report(mem_report(count_min=450, count_max=900), [first, second]))


def test_category_not_leaked_long_ago_still_binds_when_later_reports_omit_it():
    first = mem_report(number=1, categories={"name": L.CONFIRMED, "password": L.NOT_LEAKED})
    second = mem_report(number=2, categories={"name": L.CONFIRMED})
    draft = mem_report(categories={"name": L.CONFIRMED, "password": L.POSSIBLE})
    assert "not_leaked_became_leaked" in codes(check_report(draft, [first, second]), BLOCKING)


@pytest.mark.parametrize("published, draft, code", [
    (dict(count_min=100, count_max=500), dict(count_min=None, count_max=None), "count_dropped"),
    (dict(count_min=100, count_max=None), dict(count_min=None, count_max=None), "count_dropped"),
    (dict(count_min=100, count_max=500), dict(count_min=None, count_max=900), "max_exceeds_published_max"),
    (dict(period_start=date(2026, 9, 1), period_end=date(2026, 10, 1)), dict(period_start=None, period_end=None),
     "period_dropped"),
])
def test_leaving_out_a_published_figure_does_not_retract_it(published, draft, code):
    first = mem_report(number=1, **published)
    assert code in codes(check_report(mem_report(**draft), [first]), BLOCKING)
    corrected = check_report(mem_report(**draft, correction="件数と期間の記載を訂正いたします。"), [first])
    assert code in codes(corrected, CORRECTED)


def test_card_data_not_leaked_beside_an_altered_checkout_page_needs_the_approvers_judgement():
    cards = {"name": L.CONFIRMED, "card_number": L.NOT_LEAKED, "security_code": L.NOT_LEAKED}
    draft = mem_report(categories=cards, cause="決済画面のプログラムが改ざんされた可能性がございます。")
    findings = check_report(draft, [])
    judged = [f for f in findings if f.code == "not_leaked_implausible"]
    assert [f.severity for f in judged] == [JUDGEMENT] and not is_blocked(findings) and needs_judgement(findings)
    assert judged[0].message == (
        "「お客様」のクレジットカード番号、セキュリティコードを「漏えいしていないことを確認」としていますが、本文には決済画面の改ざんなど、"
        "これらが漏えいしうる事実が書かれています。調査で否定できた根拠を承認者が確かめ、判断の理由を"
        "記入して承認してください。お預かりしていない情報なら「当社では保有していない」を、否定できていなければ"
        "「可能性」や「調査中」を選んでください。")
    held = mem_report(categories={**cards, "card_number": L.NOT_HELD, "security_code": L.POSSIBLE}, cause=draft.cause)
    assert not needs_judgement(check_report(held, []))  # 当社では保有していない is the honest word
    unrelated = mem_report(categories=cards, cause="社内サーバーがランサムウェアに感染いたしました。")
    assert not needs_judgement(check_report(unrelated, []))
    assert not needs_judgement(check_report(final_report(categories=cards, cause=draft.cause), []))


@pytest.mark.parametrize("text", [
    "ペイメントアプリケーションの改ざんが行われた可能性がございます。",
    "ご注文手続き画面が第三者により改ざんされておりました。",
    "購入画面に不正なプログラムが設置されておりました。",
    "チェックアウトページが改ざんされておりました。",
])
def test_the_ways_real_notices_describe_a_skimmed_checkout_make_card_data_leakable(text):
    judged = [f for f in check_report(mem_report(categories={"card_number": L.NOT_LEAKED}, situation=text), [])
              if f.code == "not_leaked_implausible"]
    assert [f.severity for f in judged] == [JUDGEMENT], text
    free = [f for f in check_report(mem_report(categories={"name": L.CONFIRMED, "カード番号": L.NOT_LEAKED}, situation=text), [])
            if f.code == "not_leaked_implausible"]
    assert len(free) == 1 and "「お客様」のカード番号を" in free[0].message  # an item written freely counts too
    other = check_report(mem_report(categories={"name": L.CONFIRMED, "購入履歴": L.NOT_LEAKED}, situation=text), [])
    assert "not_leaked_implausible" not in {f.code for f in other}  # a free item the fact does not concern


@pytest.mark.parametrize("text, items, fact, listed", [
    ("第三者による不正ログインが確認されております。", {"login_id": L.NOT_LEAKED, "password": L.NOT_LEAKED},
     "不正ログイン", "ログインID、パスワード"),
    ("会員情報を保管するデータベースに外部から不正アクセスがございました。",
     {"name": L.NOT_LEAKED, "email": L.NOT_LEAKED, "card_number": L.NOT_LEAKED},
     "お客様の情報を保管するデータベースへの不正アクセス", "氏名、メールアドレス"),
    ("当社を装ったメールがお客様に届いているとのご報告を受けております。", {"email": L.NOT_LEAKED},
     "当社を装ったメールが届いていること", "メールアドレス"),
])
def test_other_items_not_leaked_beside_a_fact_that_makes_them_leakable_need_judgement(text, items, fact, listed):
    findings = check_report(mem_report(categories=items, situation=text), [])
    judged = [f for f in findings if f.code == "not_leaked_implausible"]
    assert [f.severity for f in judged] == [JUDGEMENT]
    assert f"「お客様」の{listed}を「漏えいしていないことを確認」" in judged[0].message and f"本文には{fact}など" in judged[0].message
    possible = {label: L.POSSIBLE for label in items}
    assert not needs_judgement(check_report(mem_report(categories=possible, situation=text), []))
    assert not needs_judgement(check_report(mem_report(categories=items, situation="社内の端末がウイルスに感染いたしました。"), []))


def test_an_apology_that_mentions_the_customers_does_not_count_as_naming_what_is_corrected():
    first = mem_report(number=1, count_min=300, count_max=300, count_certainty=C)
    apology = mem_report(count_min=400, count_max=400, count_certainty=C, correction="お客様に深くお詫び申し上げます。")
    assert "confirmed_figure_changed" in codes(check_report(apology, [first]), BLOCKING)
    named = mem_report(count_min=400, count_max=400, count_certainty=C,
                       correction="第一報でお知らせした件数300件を400件に訂正いたします。")
    assert "confirmed_figure_changed" in codes(check_report(named, [first]), CORRECTED)
    members = [mem_group("会員のお客様", count_min=300, count_max=300, count_certainty=C)]
    by_name = mem_report(groups=[mem_group("会員のお客様", count_min=400, count_max=400, count_certainty=C)],
                         correction="会員のお客様を400名に訂正いたします。")
    assert "confirmed_figure_changed" in codes(check_report(by_name, [mem_report(number=1, groups=members)]), CORRECTED)


def test_published_damage_figures_and_decided_compensation_cannot_vanish_silently():
    first = mem_report(1, damage="不正利用の疑い。", damage_cases=31, damage_amount=1200000,
                       compensation_status="decided", compensation="500円分のお詫びの品をお送りします。")
    silent = mem_report(damage="不正利用の疑い。", damage_cases=None, damage_amount=900000, compensation_status="considering")
    found = codes(check_report(silent, [first]), BLOCKING)
    assert {"damage_figure_dropped", "damage_figure_lowered", "compensation_withdrawn"} <= set(found)
    vague = mem_report(damage="不正利用の疑い。", damage_cases=None, damage_amount=900000, compensation_status="considering",
                       correction="第一報の内容に誤りがありました。")
    assert {"damage_figure_dropped", "compensation_withdrawn"} <= set(codes(check_report(vague, [first]), BLOCKING))
    named = mem_report(damage="不正利用の疑い。", damage_cases=20, damage_amount=900000, compensation_status="considering",
                       correction="第一報でお知らせした被害の件数と金額に、不正利用ではない取引が含まれていました。"
                                  "また、お詫びの品による補償は、対象の確定後に改めてお知らせいたします。")
    findings = check_report(named, [first])
    assert not is_blocked(findings)
    assert {"damage_figure_lowered", "compensation_withdrawn"} <= set(codes(findings, CORRECTED))


def test_a_vanished_or_later_reopening_date_is_worth_a_second_look():
    first = mem_report(1, reopening_on=date(2026, 12, 10))
    assert "reopening_dropped" in codes(check_report(mem_report(), [first]), WARNING)
    later = codes(check_report(mem_report(reopening_on=date(2027, 1, 15)), [first]), WARNING)
    assert "reopening_postponed" in later
    assert not codes(check_report(mem_report(reopening_on=date(2026, 12, 10)), [first]), WARNING)


def test_a_decided_compensation_reworded_is_worth_a_second_look():
    first = mem_report(1, compensation_status="decided", compensation="500円分のお詫びの品をお送りします。")
    kept = mem_report(compensation_status="decided", compensation="500円分のお詫びの品をお送りします。")
    assert "compensation_withdrawn" not in codes(check_report(kept, [first]))
    same = mem_report(compensation_status="decided", compensation="500円分の お詫びの品をお送りします。 ")
    other = mem_report(compensation_status="decided", compensation="お詫びの品はお送りいたしません。")
    assert "compensation_reworded" not in codes(check_report(same, [first]), WARNING)
    assert "compensation_reworded" in codes(check_report(other, [first]), WARNING)
