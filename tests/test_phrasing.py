"""Caveats are generated from certainty, in natural Japanese."""

from datetime import date

import pytest

from hotline.models import LeakStatus
from hotline.notices import phrasing

from .memory_reports import C, P, final_report, mem_group, mem_report

L = LeakStatus


def group(**fields):
    """The one group of an in-memory report."""
    categories = fields.pop("categories", None)
    return mem_report(categories=categories, **fields).groups[0]


def test_provisional_range_says_at_least_and_possibly_up_to():
    text = phrasing.count_sentence(group(count_min=12000, count_max=48000, count_certainty=P))
    assert text.startswith("現時点で、対象となるお客様は少なくとも12,000件でございますが、最大で48,000件に及ぶ可能性がございます。")
    assert "調査を継続" in text


def test_provisional_count_without_maximum_says_it_may_grow():
    text = phrasing.count_sentence(group(count_min=50, count_max=None))
    assert "少なくとも50件" in text and "さらに増える可能性" in text


def test_provisional_single_figure_is_not_stated_as_final():
    text = phrasing.count_sentence(group(count_min=70, count_max=70, count_certainty=P))
    assert "確定しておりません" in text
    assert "確認いたしました" not in text


def test_confirmed_count_has_no_caveat():
    text = phrasing.count_sentence(group(count_min=300, count_max=300, count_certainty=C))
    assert text == "対象となるお客様は300件であることを確認いたしました。"


def test_unit_approximation_and_the_part_cleared():
    members = mem_group("会員のお客様", unit="名", count_min=None, count_max=48000, count_approx=True, cleared=1200)
    assert "最大で約48,000名に及ぶ可能性" in phrasing.count_sentence(members)
    assert phrasing.cleared_sentence(members) == "なお、このうち約1,200名については、対象外であることを確認しております。"


def test_unknown_count_is_under_investigation():
    assert "現在調査しております" in phrasing.count_sentence(group(count_min=None, count_max=None))


def test_items_grouped_by_status_with_their_own_words():
    members = group(categories={
        "name": L.CONFIRMED, "address": L.CONFIRMED, "email": L.CONFIRMED, "phone": L.LIKELY,
        "card_number": L.POSSIBLE, "password": L.NOT_LEAKED, "security_code": L.INVESTIGATING,
        "bank_account": L.NOT_HELD,
    })
    sentences = phrasing.item_sentences(members, caveat=False)
    assert sentences == [
        "現時点で判明している限りでは、氏名、住所およびメールアドレスの漏えいを確認しております。",
        "電話番号は、漏えいした可能性が高いと考えております。",
        "クレジットカード番号は、漏えいした可能性を否定できません。",
        "セキュリティコードについては、漏えいの有無を調査しております。",
        "パスワードについては、漏えいしていないことを確認しております。",
        "銀行口座情報は、当社ではお預かりしておりません。",
    ]
    assert not any(s.startswith("また、") for s in sentences)


def test_a_final_scope_keeps_possibility_without_saying_confirmed():
    cards = mem_group("カード決済をご利用のお客様", categories={"card_number": L.POSSIBLE, "security_code": L.POSSIBLE},
                      count_min=3412, count_max=3412, count_certainty=C, final_scope=True)
    text = phrasing.count_sentence(cards) + "".join(phrasing.item_sentences(cards))
    assert "3,412件で確定いたしました" in text
    assert "漏えいした可能性を否定できません" in text and "漏えいの事実を確認したものではございません" in text
    assert "漏えいを確認" not in text and phrasing.STILL_INVESTIGATING not in text
    report = final_report(groups=[cards])
    assert phrasing.provisional_items(report) == []


def test_a_group_not_concerned_says_so_and_nothing_else():
    phone = mem_group("お電話でご注文のお客様", affected=False, note="別のシステムで受け付けております。")
    assert phrasing.group_sentences(phone) == ["お電話でご注文のお客様は、本件の対象ではございません。別のシステムで受け付けております。"]


def test_several_groups_are_named_in_the_caveat_summary():
    report = mem_report(groups=[
        mem_group("会員のお客様", categories={"name": L.CONFIRMED, "card_number": L.POSSIBLE}, count_min=10, count_max=20),
        mem_group("お届け先の方", categories={"name": L.CONFIRMED}, count_min=5, count_max=5, count_certainty=C),
    ])
    assert phrasing.provisional_items(report)[1:] == ["会員のお客様の数と情報の項目の一部", "現在発生している被害の状況",
                                                      "漏えいの原因"]
    assert "お届け先の方" not in "".join(phrasing.provisional_items(report))
    assert phrasing.items_sentence(report).startswith("【会員のお客様】")


def test_the_page_wording_leaves_the_promise_to_the_caveat_summary():
    report = mem_report(count_min=10, count_max=20, count_certainty=P, categories={"card_number": L.POSSIBLE})
    only = report.groups[0]
    assert phrasing.STILL_INVESTIGATING in phrasing.count_sentence(only)
    assert phrasing.STILL_INVESTIGATING not in phrasing.count_sentence(only, caveat=False)
    assert not any(phrasing.STILL_INVESTIGATING in s for s in phrasing.item_sentences(only, caveat=False))
    assert phrasing.provisional_items(report)[:2] == ["漏えいの可能性がある期間", "対象となるお客様の数"]
    assert "クレジットカード番号" in phrasing.provisional_items(report)


def test_settled_categories_drop_the_so_far_wording():
    sentences = phrasing.item_sentences(final_report(categories={"name": L.CONFIRMED}).groups[0])
    assert sentences == ["調査の結果、氏名の漏えいを確認しております。"]


def test_period_caveat_follows_certainty():
    from hotline.notices import periods

    provisional = periods.sentence(periods.of_report(mem_report(period_start=date(2026, 8, 1), period_end=date(2026, 10, 15))))
    assert "2026年8月1日から2026年10月15日まで" in provisional and "変わる可能性" in provisional
    confirmed = periods.sentence(periods.of_report(mem_report(period_certainty=C)))
    assert "変わる可能性" not in confirmed and "確認いたしました" in confirmed


def test_fact_caveat_only_for_provisional_facts():
    assert phrasing.fact_caveat(P) and phrasing.fact_caveat(C) == ""


def test_has_provisional_facts():
    assert phrasing.has_provisional_facts(mem_report())
    assert not phrasing.has_provisional_facts(final_report())


def test_join_ja():
    assert phrasing.join_ja(["A"]) == "A"
    assert phrasing.join_ja(["A", "B", "C"]) == "A、BおよびC"


@pytest.mark.parametrize("number,label", [(1, "第一報"), (2, "第二報"), (10, "第十報"), (12, "第十二報"),
                                          (20, "第二十報"), (111, "第百十一報")])
def test_report_names_use_kanji_numerals(number, label):
    assert phrasing.report_name(number) == label
    assert phrasing.report_name(number, is_final=True) == "最終報告"
