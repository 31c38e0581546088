"""Draft files: the TOML format, its Japanese errors, and the shipped examples."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hotline import notices
from hotline.extensions import db
from hotline.models import Certainty, DataCategory, IncidentStatus, LeakStatus, Report, ReportState
from hotline.notices.consistency import is_blocked
from hotline.notices.draft_files import DraftFileError, check_spec, load_draft, parse_draft

from .factories import make_draft, make_incident, publish

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXAMPLE_SLUG = "2026-sakura-books"
MINIMAL = 'incident = "test-incident"\n'


def example(name: str):
    """A parsed example file."""
    return parse_draft((EXAMPLES / name).read_text(encoding="utf-8"))


def error_of(text: str) -> str:
    """The message parse_draft raises for `text`."""
    with pytest.raises(DraftFileError) as caught:
        parse_draft(text)
    return str(caught.value)


@pytest.mark.parametrize("name", ["first-report.toml", "final-report.toml"])
def test_examples_parse(name):
    spec = example(name)
    assert spec.incident_slug == EXAMPLE_SLUG and spec.fields["situation"]
    assert spec.categories[DataCategory.PASSWORD][0] is LeakStatus.NOT_LEAKED


def test_first_example_is_a_first_report_with_provisional_facts():
    spec = example("first-report.toml")
    assert spec.is_final is False
    assert spec.fields["count_certainty"] is Certainty.PROVISIONAL
    assert spec.fields["cause_certainty"] is Certainty.PROVISIONAL
    assert spec.categories[DataCategory.CARD_NUMBER][0] is LeakStatus.POSSIBLE


def test_examples_load_and_final_report_publishes_after_first(staff):
    incident = make_incident(slug=EXAMPLE_SLUG)
    first = load_draft(example("first-report.toml"), staff["sup1"])
    assert notices.report_label(first) == "第一報" and not is_blocked(notices.findings_for(first))
    publish(first, staff["sup1"], staff["sup2"])
    final = load_draft(example("final-report.toml"), staff["sup1"])
    findings = notices.findings_for(final)
    assert not is_blocked(findings), [f.message for f in findings]
    publish(final, staff["sup1"], staff["sup2"])
    assert final.state is ReportState.PUBLISHED and notices.report_label(final) == "最終報告"
    assert incident.status is IncidentStatus.ACTIVE  # closing (収束) is a step of its own


def test_final_example_alone_is_checked_against_earlier_reports(staff):
    make_incident(slug=EXAMPLE_SLUG)
    label, findings = check_spec(example("final-report.toml"))
    assert label == "最終報告" and not is_blocked(findings)


def test_japanese_and_english_words_mean_the_same():
    english = parse_draft(MINIMAL + '[count]\ncertainty = "confirmed"\n[categories]\nname = "confirmed"\n'
                          'card_number = "possible"\npassword = "not_leaked"\nphone = "investigating"\n')
    japanese = parse_draft(MINIMAL + '[count]\ncertainty = "確定"\n[categories]\n"氏名" = "確認済み"\n'
                           '"クレジットカード番号" = "可能性あり"\n"パスワード" = "漏えいなし"\n"電話番号" = "調査中"\n')
    assert english.categories == japanese.categories and english.fields == japanese.fields


@pytest.mark.parametrize("word, expected", [
    ("暫定", Certainty.PROVISIONAL), ("調査中", Certainty.PROVISIONAL), ("provisional", Certainty.PROVISIONAL),
    ("ＣＯＮＦＩＲＭＥＤ", Certainty.CONFIRMED), ("確定", Certainty.CONFIRMED),
])
def test_certainty_words(word, expected):
    assert parse_draft(MINIMAL + f'[cause]\ncertainty = "{word}"\n').fields["cause_certainty"] is expected


@pytest.mark.parametrize("value", ["2026-09-01", '"2026-09-01"', '"２０２６/０９/０１"'])
def test_dates_as_toml_dates_or_text(value):
    assert parse_draft(MINIMAL + f"[period]\nstart = {value}\n").fields["period_start"] == date(2026, 9, 1)


@pytest.mark.parametrize("value, expected", [("1200", 1200), ('"1,200"', 1200), ('"１，２００件"', 1200)])
def test_counts_as_numbers_or_text(value, expected):
    assert parse_draft(MINIMAL + f"[count]\nmin = {value}\n").fields["count_min"] == expected


@pytest.mark.parametrize("value, message", [
    ("-5", "負の数"), ("2000000000", "大きすぎます"), ("true", "数字で"), ('"たくさん"', "数字で"), ("1.5", "数字で"),
])
def test_bad_count_names_key_and_line(value, message):
    error = error_of(MINIMAL + f"[count]\nmin = {value}\n")
    assert error.startswith("count.min（3行目）") and message in error


def test_unknown_key_is_named_with_its_line():
    assert error_of(MINIMAL + "[report]\nsituation = \"x\"\nsituaton = \"typo\"\n").startswith("report.situaton（4行目）")
    assert "不明なキー" in error_of(MINIMAL + "title = \"x\"\n")


def test_bad_status_and_category_are_named():
    assert "categories.name（3行目）" in error_of(MINIMAL + '[categories]\nname = "leaked?"\n')
    assert "データの種類" in error_of(MINIMAL + '[categories]\n"猫" = "確認済み"\n')
    assert "status" in error_of(MINIMAL + '[categories]\nname = { note = "x" }\n')


def test_toml_syntax_error_gives_line_in_japanese():
    error = error_of(MINIMAL + '[report]\nsituation = "閉じていない\n')
    assert "TOMLの書き方に誤りがあります（3行目" in error


def test_missing_incident_and_bad_types_are_refused():
    assert "incident" in error_of('is_final = false\n')
    assert "is_final" in error_of(MINIMAL + 'is_final = "yes"\n')
    assert "文字列" in error_of(MINIMAL + "[report]\nsituation = 5\n")
    assert "日付だけ" in error_of(MINIMAL + "[period]\nstart = 2026-09-01T10:00:00\n")
    assert "YYYY-MM-DD" in error_of(MINIMAL + '[period]\nstart = "9月1日"\n')


def test_text_is_cleaned_and_length_limited():
    spec = parse_draft(MINIMAL + '[report]\nsituation = "一行目\\u0000\\u0007\\r\\n二行目"\n')
    assert spec.fields["situation"] == "一行目\n二行目"
    assert "10,000文字以内" in error_of(MINIMAL + f'[report]\napology = "{"あ" * 10_001}"\n')


def test_byte_order_mark_is_accepted():
    assert parse_draft("\ufeff" + MINIMAL).incident_slug == "test-incident"


def test_unknown_incident_is_refused_when_loading(staff):
    with pytest.raises(DraftFileError, match="事案が見つかりません"):
        load_draft(parse_draft('incident = "nope"\n'), staff["sup1"])


def test_keys_left_out_keep_the_values_carried_over_from_the_last_report(staff):
    incident = make_incident()
    publish(make_draft(incident, staff["sup1"], cause="不正アクセスと見ています。"), staff["sup1"], staff["sup2"])
    report = load_draft(parse_draft(MINIMAL + "[count]\nmin = 150\n"), staff["sup2"])
    assert report.count_min == 150 and report.count_max == 500 and report.cause == "不正アクセスと見ています。"
    assert report.category_status(DataCategory.NAME) is LeakStatus.CONFIRMED


def test_check_spec_saves_nothing_and_agrees_with_a_loaded_draft(staff):
    incident = make_incident()
    publish(make_draft(incident, staff["sup1"], count_min=300, count_max=300,
                       count_certainty=Certainty.CONFIRMED), staff["sup1"], staff["sup2"])
    spec = parse_draft(MINIMAL + '[count]\nmin = 400\nmax = 400\ncertainty = "確定"\n[categories]\nname = "漏えいなし"\n')
    before = db.session.scalar(select(func.count(Report.id)))
    label, findings = check_spec(spec)
    assert db.session.scalar(select(func.count(Report.id))) == before and label == "第二報"
    loaded = notices.findings_for(load_draft(spec, staff["sup1"]))
    assert {(f.code, f.severity) for f in findings} == {(f.code, f.severity) for f in loaded}
    assert is_blocked(findings)


def test_agent_cannot_load_a_draft(staff):
    make_incident()
    with pytest.raises(notices.NoticeError):
        load_draft(parse_draft(MINIMAL), staff["agent"])
