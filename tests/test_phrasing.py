"""Caveats are generated from certainty, in natural Japanese."""

from datetime import date

import pytest

from hotline.models import LeakStatus
from hotline.notices import phrasing

from .memory_reports import C, P, final_report, mem_report

L = LeakStatus


def test_provisional_range_says_at_least_and_possibly_up_to():
    text = phrasing.count_sentence(mem_report(count_min=12000, count_max=48000, count_certainty=P))
    assert "少なくとも12,000件" in text and "最大で48,000件に及ぶ可能性" in text
    assert "調査を継続" in text


def test_provisional_count_without_maximum_says_it_may_grow():
    text = phrasing.count_sentence(mem_report(count_min=50, count_max=None))
    assert "少なくとも50件" in text and "さらに増える可能性" in text


def test_provisional_single_figure_is_not_stated_as_final():
    text = phrasing.count_sentence(mem_report(count_min=70, count_max=70, count_certainty=P))
    assert "確定しておりません" in text
    assert "確認いたしました" not in text


def test_confirmed_count_has_no_caveat():
    text = phrasing.count_sentence(mem_report(count_min=300, count_max=300, count_certainty=C))
    assert text == "漏えいした件数は300件であることを確認いたしました。"


def test_unknown_count_is_under_investigation():
    assert "現在調査しております" in phrasing.count_sentence(mem_report(count_min=None, count_max=None))


def test_categories_grouped_with_their_caveats():
    report = mem_report(categories={
        "name": L.CONFIRMED, "address": L.CONFIRMED, "email": L.CONFIRMED,
        "card_number": L.POSSIBLE, "password": L.NOT_LEAKED, "security_code": L.INVESTIGATING,
    })
    sentences = phrasing.category_sentences(report)
    assert sentences[0] == "現時点で判明している限りでは、氏名、住所およびメールアドレスの漏えいを確認しております。"
    assert sentences[1].startswith("また、") and "クレジットカード番号が漏えいした可能性も否定できません" in sentences[1]
    assert "セキュリティコードについては、漏えいの有無を調査しております。" in sentences
    assert "パスワードについては、漏えいしていないことを確認しております。" in sentences


def test_no_dangling_also_when_nothing_comes_before():
    sentences = phrasing.category_sentences(mem_report(categories={"card_number": L.POSSIBLE}))
    assert sentences[0].startswith("現時点では確認されておりませんが、クレジットカード番号")


def test_the_page_wording_leaves_the_promise_to_the_caveat_summary():
    report = mem_report(count_min=10, count_max=20, count_certainty=P, categories={"card_number": L.POSSIBLE})
    assert phrasing.STILL_INVESTIGATING in phrasing.count_sentence(report)
    assert phrasing.STILL_INVESTIGATING not in phrasing.count_sentence(report, caveat=False)
    assert not any(phrasing.STILL_INVESTIGATING in s for s in phrasing.category_sentences(report, caveat=False))
    assert phrasing.provisional_items(report)[:2] == ["漏えいの可能性がある期間", "漏えいした件数"]
    assert "クレジットカード番号" in phrasing.provisional_items(report)


def test_settled_categories_drop_the_so_far_wording():
    sentences = phrasing.category_sentences(final_report(categories={"name": L.CONFIRMED}))
    assert sentences == ["調査の結果、氏名の漏えいを確認しております。"]


def test_period_caveat_follows_certainty():
    provisional = phrasing.period_sentence(mem_report(period_start=date(2026, 8, 1), period_end=date(2026, 10, 15)))
    assert "2026年8月1日から2026年10月15日まで" in provisional and "変わる可能性" in provisional
    confirmed = phrasing.period_sentence(mem_report(period_certainty=C))
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
