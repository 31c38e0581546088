"""Periods with times and a certainty for each end, per report and per group."""

from datetime import date, time

from hotline.models import LeakStatus
from hotline.notices import periods, phrasing
from hotline.notices.changes import changes_between
from hotline.notices.consistency import BLOCKING, CORRECTED, check_report
from hotline.notices.draft_files import parse_draft
from hotline.notices.report_view import group_views

from .memory_reports import C, P, final_report, mem_group, mem_report

L = LeakStatus


def test_a_period_reads_as_firm_as_each_end():
    firm = periods.of_report(mem_report(period_certainty=C, period_start_time=time(10, 12)))
    assert periods.sentence(firm) == "漏えいした期間は2026年9月1日 10:12から2026年10月31日までであることを確認いたしました。"
    mixed = periods.of_report(mem_report(period_certainty=C, period_end_certainty=P))
    text = periods.sentence(mixed)
    assert "開始の日時は調査により確認しておりますが、終了の日時は現時点の推定でございます" in text
    assert periods.summary(mixed) == "2026年9月1日〜2026年10月31日（開始：確定／終了：調査中）"
    assert periods.summary(periods.of_report(mem_report(period_certainty=P))) == "2026年9月1日〜2026年10月31日（調査中）"
    assert "期間" in " ".join(phrasing.provisional_items(mem_report(period_certainty=C, period_end_certainty=P)))


def test_a_settled_period_is_called_leaked_only_when_a_leak_is_confirmed():
    from hotline.notices.report_view import period_heading, report_sections

    def period_section(report):
        section = next(s for s in report_sections(report) if s.key == "period")
        section.title = section.title.split(". ", 1)[1]  # without its number
        return section

    skimming = final_report(groups=[mem_group(name="カード決済をご利用のお客様", count_min=300, count_max=300,
                                              count_certainty=C, final_scope=True,
                                              categories={"card_number": L.POSSIBLE})])
    section = period_section(skimming)
    assert (section.title, section.paragraphs) == ("漏えいの可能性がある期間", [
        "漏えいの可能性がある期間は2026年9月1日から2026年10月31日までであることを確認いたしました。"])
    leaked = final_report(categories={"name": L.CONFIRMED})
    assert period_heading(leaked) == period_section(leaked).title == "漏えいした期間"
    assert period_section(leaked).paragraphs == ["漏えいした期間は2026年9月1日から2026年10月31日までであることを確認いたしました。"]
    assert period_heading(mem_report(categories={"name": L.CONFIRMED})) == "漏えいの可能性がある期間"  # still open


def test_a_confirmed_end_cannot_move_or_go_back_without_a_correction():
    first = mem_report(number=1, period_certainty=C, period_end_certainty=P)
    moved_end = mem_report(period_certainty=C, period_end_certainty=P, period_end=date(2026, 11, 15))
    assert not [f for f in check_report(moved_end, [first]) if f.code.startswith("confirmed")]  # the end was an estimate
    moved_start = mem_report(period_certainty=C, period_end_certainty=P, period_start=date(2026, 8, 20))
    found = [f for f in check_report(moved_start, [first]) if f.code == "confirmed_figure_changed"]
    assert found and found[0].severity == BLOCKING and "開始" in found[0].message
    timed = mem_report(period_certainty=C, period_end_certainty=P, period_start_time=time(9, 0))
    assert "confirmed_figure_changed" in {f.code for f in check_report(timed, [first])}  # a time is part of the fact
    corrected = mem_report(period_certainty=C, period_end_certainty=P, period_start=date(2026, 8, 20),
                           correction="第一報でお知らせした期間の開始日を8月20日に訂正いたします。")
    assert "confirmed_figure_changed" in {f.code for f in check_report(corrected, [first]) if f.severity == CORRECTED}


def test_a_confirmed_end_after_an_estimated_start_cannot_move_or_go_back_either():
    first = mem_report(number=1, period_certainty=P, period_end_certainty=C)
    moved = mem_report(period_certainty=P, period_end_certainty=C, period_end=date(2026, 11, 15))
    found = [f for f in check_report(moved, [first]) if f.code.startswith("confirmed")]
    assert [(f.code, f.severity) for f in found] == [("confirmed_figure_changed", BLOCKING)]
    assert found[0].message.startswith(
        "第一報で確定として公表した漏えい期間の終了が変わっています（2026年10月31日 → 2026年11月15日）。")
    back = mem_report(period_certainty=P, period_end_certainty=P)
    assert [f.code for f in check_report(back, [first]) if f.code.startswith("confirmed")] == [
        "confirmed_became_provisional"]


def test_a_period_ending_before_it_starts_is_refused_to_the_minute():
    same_day = mem_report(period_start=date(2026, 9, 1), period_end=date(2026, 9, 1),
                          period_start_time=time(15, 0), period_end_time=time(9, 0))
    assert "period_inverted" in {f.code for f in check_report(same_day, [])}
    morning = mem_report(period_start=date(2026, 9, 1), period_end=date(2026, 9, 1), period_end_time=time(9, 0))
    assert "period_inverted" not in {f.code for f in check_report(morning, [])}  # a start without a time is 0:00
    for start_time, end_time in ((None, time(0, 30)), (time(15, 0), None), (time(23, 59, 30), None),
                                 (time(10, 0), time(10, 0))):
        one_day = mem_report(period_start=date(2026, 9, 1), period_end=date(2026, 9, 1), period_start_time=start_time,
                             period_end_time=end_time)  # an end without a time is the end of its day
        assert "period_inverted" not in {f.code for f in check_report(one_day, [])}, (start_time, end_time)
    assert "confirmed_period_open" in {f.code for f in check_report(mem_report(period_certainty=C, period_end=None), [])}


def test_a_group_with_its_own_period_is_shown_checked_and_compared():
    gifts = mem_group("ギフトのお届け先の方", categories={"address": L.POSSIBLE}, count_max=80,
                      period_start=date(2026, 10, 1), period_start_certainty=C, period_end=date(2026, 10, 2),
                      period_end_time=time(15, 40), period_end_certainty=C, reason="")
    first = mem_report(number=1, groups=[mem_group(categories={"name": L.CONFIRMED}, count_max=100), gifts])
    views = {v.name: v for v in group_views(first)}
    assert views["ギフトのお届け先の方"].paragraphs[0] == (
        "ギフトのお届け先の方について、漏えいの可能性がある期間は2026年10月1日から2026年10月2日 15:40までであることを確認いたしました。")
    moved = mem_group("ギフトのお届け先の方", categories={"address": L.POSSIBLE}, count_max=80,
                      period_start=date(2026, 9, 28), period_start_certainty=C, period_end=date(2026, 10, 2),
                      period_end_time=time(15, 40), period_end_certainty=C)
    draft = mem_report(groups=[mem_group(categories={"name": L.CONFIRMED}, count_max=100), moved])
    assert "confirmed_figure_changed" in {f.code for f in check_report(draft, [first]) if f.severity == BLOCKING}
    dropped = mem_report(groups=[mem_group(categories={"name": L.CONFIRMED}, count_max=100),
                                 mem_group("ギフトのお届け先の方", categories={"address": L.POSSIBLE}, count_max=80)])
    assert "period_dropped" in {f.code for f in check_report(dropped, [first])}
    rows = {c.item: (c.before, c.after) for c in changes_between(first, draft)}
    assert rows["ギフトのお届け先の方：期間"][1] == "2026年9月28日〜2026年10月2日 15:40（確定）"


def test_a_group_period_with_one_end_or_a_start_time_is_its_own():
    since = periods.of_group(mem_group(period_start=date(2026, 10, 1), period_start_time=time(8, 30)))
    assert since is not None and periods.text(since) == "2026年10月1日 8:30以降"
    until = periods.of_group(mem_group(period_end=date(2026, 10, 2)))
    assert until is not None and periods.text(until) == "2026年10月2日まで"
    assert periods.of_group(mem_group()) is None


def test_draft_files_take_dates_with_times_and_each_ends_certainty():
    spec = parse_draft('incident = "x"\n[period]\nstart = 2026-07-14T10:12:00\nend = "2026-10-02 15:40"\n'
                       'start_certainty = "確定"\nend_certainty = "暫定"\n'
                       '[[groups]]\nname = "お届け先の方"\nperiod = { start = 2026-10-01, end_certainty = "確定", end = 2026-10-02 }\n')
    f = spec.fields
    assert (f["period_start"], f["period_start_time"], f["period_end"], f["period_end_time"]) == (
        date(2026, 7, 14), time(10, 12), date(2026, 10, 2), time(15, 40))
    assert (f["period_certainty"], f["period_end_certainty"]) == (C, P)
    group = spec.groups[0]
    assert (group.period_start, group.period_end, group.period_end_certainty) == (date(2026, 10, 1), date(2026, 10, 2), C)


def test_a_final_report_may_not_keep_an_estimated_end():
    findings = check_report(final_report(period_end_certainty=P), [])
    assert any(f.code == "final_has_provisional" and "期間" in f.message for f in findings)
