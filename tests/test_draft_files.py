"""Draft files: the TOML format, its Japanese errors, and the shipped examples."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hotline import notices
from hotline.extensions import db
from hotline.models import Certainty, IncidentStatus, LeakStatus, Report, ReportState
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


CASES = {
    "card-skimming": ("2026-hanamizuki-gift", ["1-first.toml", "2-second.toml", "3-final.toml"]),
    "ransomware": ("2026-kawasemi-unyu", ["1-first.toml", "2-second.toml"]),
}
G = "[[groups]]\nname = \"会員のお客様\"\n"


def items_of(spec, group=0) -> dict:
    """{item name: status} of one group of a parsed file."""
    return {item.name: item.status for item in spec.groups[group].items}


@pytest.mark.parametrize("name", ["first-report.toml", "final-report.toml"])
def test_examples_parse(name):
    spec = example(name)
    assert spec.incident_slug == EXAMPLE_SLUG and spec.fields["situation"]
    assert items_of(spec)["パスワード"] is LeakStatus.NOT_LEAKED
    assert [g.affected for g in spec.groups] == [True, False]


def test_first_example_is_a_first_report_with_provisional_facts():
    spec = example("first-report.toml")
    assert spec.is_final is False
    assert spec.groups[0].count_certainty is Certainty.PROVISIONAL
    assert spec.fields["cause_certainty"] is Certainty.PROVISIONAL
    assert items_of(spec)["クレジットカード番号"] is LeakStatus.POSSIBLE


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


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_case_loads_checks_and_publishes_in_order(staff, case):
    slug, files = CASES[case]
    make_incident(slug=slug)
    for file in files:
        report = load_draft(example(f"{case}/{file}"), staff["sup1"])
        findings = notices.findings_for(report)
        assert not is_blocked(findings), (file, [f.message for f in findings])
        assert not [f for f in findings if f.severity == "warning"], (file, [f.message for f in findings])
        publish(report, staff["sup1"], staff["sup2"])


def test_the_ransomware_correction_is_needed_and_named(staff):
    make_incident(slug="2026-kawasemi-unyu")
    publish(load_draft(example("ransomware/1-first.toml"), staff["sup1"]), staff["sup1"], staff["sup2"])
    second = example("ransomware/2-second.toml")
    second.fields["correction"] = ""
    _label, findings = check_spec(second)
    blocking = {f.code for f in findings if f.blocks}
    assert "not_leaked_became_leaked" in blocking
    second.fields["correction"] = "第一報の内容を訂正いたします。"
    _label, findings = check_spec(second)
    assert any("何を訂正するのか" in f.message for f in findings if f.blocks)


def test_final_example_alone_is_checked_against_earlier_reports(staff):
    make_incident(slug=EXAMPLE_SLUG)
    label, findings = check_spec(example("final-report.toml"))
    assert label == "最終報告" and not is_blocked(findings)


def test_japanese_and_english_words_mean_the_same():
    english = parse_draft(MINIMAL + G + 'count = { certainty = "confirmed" }\nunit = "件"\n[groups.items]\nname = "confirmed"\n'
                          'card_number = "possible"\npassword = "not_leaked"\nphone = "investigating"\n'
                          'bank_account = "not_held"\ncard_expiry = "likely"\n')
    japanese = parse_draft(MINIMAL + G + 'count = { certainty = "確定" }\nunit = "件"\n[groups.items]\n"氏名" = "確認済み"\n'
                           '"クレジットカード番号" = "可能性あり"\n"パスワード" = "漏えいなし"\n"電話番号" = "調査中"\n'
                           '"銀行口座情報" = "保有していない"\n"クレジットカード有効期限" = "可能性が高い"\n')
    assert [(i.category, i.status) for i in english.groups[0].items] == [(i.category, i.status) for i in japanese.groups[0].items]
    assert english.groups[0].count_certainty is japanese.groups[0].count_certainty is Certainty.CONFIRMED


def test_a_name_outside_the_fixed_list_is_a_free_item():
    spec = parse_draft(MINIMAL + G + '[groups.items]\n"ポイント番号" = "可能性あり"\n"氏名" = "確認済み"\n')
    free = [i for i in spec.groups[0].items if i.category is None]
    assert [(i.label, i.status) for i in free] == [("ポイント番号", LeakStatus.POSSIBLE)]


def test_the_old_count_and_categories_tables_say_where_they_went():
    assert "[[groups]] の count" in error_of(MINIMAL + "[count]\nmin = 5\n")
    assert "[[groups]] の items" in error_of(MINIMAL + '[categories]\nname = "確認済み"\n')


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
    assert parse_draft(MINIMAL + G + f"count = {{ min = {value} }}\n").groups[0].count_min == expected


@pytest.mark.parametrize("value, message", [
    ("-5", "負の数"), ("2000000000", "大きすぎます"), ("true", "数字で"), ('"たくさん"', "数字で"), ("1.5", "数字で"),
])
def test_bad_count_names_key_and_line(value, message):
    error = error_of(MINIMAL + G + f"count = {{ min = {value} }}\n")
    assert error.startswith("groups[1].count") and message in error


def test_unknown_key_is_named_with_its_line():
    assert error_of(MINIMAL + "[report]\nsituation = \"x\"\nsituaton = \"typo\"\n").startswith("report.situaton（4行目）")
    assert "不明なキー" in error_of(MINIMAL + "title = \"x\"\n")


def test_bad_status_unit_and_duplicates_are_named():
    assert "groups[1].name" in error_of(MINIMAL + G + '[groups.items]\nname = "leaked?"\n')
    assert "漏えいの状況" in error_of(MINIMAL + G + '[groups.items]\nname = "leaked?"\n')
    assert "status" in error_of(MINIMAL + G + '[groups.items]\nname = { note = "x" }\n')
    assert "単位" in error_of(MINIMAL + G + 'unit = "個"\n')
    assert "不明なキー" in error_of(MINIMAL + G + 'count_min = 5\n')


def test_toml_syntax_error_gives_line_in_japanese():
    error = error_of(MINIMAL + '[report]\nsituation = "閉じていない\n')
    assert "TOMLの書き方に誤りがあります（3行目" in error


def test_missing_incident_and_bad_types_are_refused():
    assert "incident" in error_of('is_final = false\n')
    assert "is_final" in error_of(MINIMAL + 'is_final = "yes"\n')
    assert "文字列" in error_of(MINIMAL + "[report]\nsituation = 5\n")
    assert "日付だけ" in error_of(MINIMAL + "[response]\nreopening = { on = 2026-09-01T10:00:00 }\n")
    assert "24時間制" in error_of(MINIMAL + '[period]\nstart = "2026-09-01 25:00"\n')
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
    report = load_draft(parse_draft(MINIMAL + '[cause]\ncertainty = "暫定"\n'), staff["sup2"])
    group = report.groups[0]
    assert (group.count_min, group.count_max) == (100, 500) and report.cause == "不正アクセスと見ています。"
    assert group.item_status("氏名") is LeakStatus.CONFIRMED


def test_check_spec_saves_nothing_and_agrees_with_a_loaded_draft(staff):
    incident = make_incident()
    publish(make_draft(incident, staff["sup1"], count_min=300, count_max=300,
                       count_certainty=Certainty.CONFIRMED), staff["sup1"], staff["sup2"])
    spec = parse_draft(MINIMAL + '[[groups]]\nname = "お客様"\nunit = "件"\ncount = { min = 400, max = 400, certainty = "確定" }\n'
                       '[groups.items]\nname = "漏えいなし"\n')
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


def test_title_is_one_line_and_the_signature_keeps_its_lines():
    spec = parse_draft(MINIMAL + '[report]\ntitle = """【第二報】\nお詫びとご報告"""\nsignatory = "株式会社テスト\\n代表取締役 試験 太郎"\n')
    assert spec.fields["title"] == "【第二報】 お詫びとご報告"
    assert spec.fields["signatory"] == "株式会社テスト\n代表取締役 試験 太郎"
    assert "200文字以内" in error_of(MINIMAL + f'[report]\ntitle = "{"あ" * 201}"\n')


def test_the_response_table_reads_figures_dates_and_a_compensation_status():
    spec = parse_draft(MINIMAL + '[response]\ndamage_cases = "４２件"\ndamage_amount = 1234000\n'
                       'compensation = { status = "検討中" }\nservice = "カード決済を停止しております。"\n'
                       'reopening = { on = 2027-01-15, note = "新しい決済方式の導入後" }\n'
                       'notices = { mail_from = 2026-12-05, letters_by = "2026/12/20" }\nnext_update = { on = 2026-12-20 }\n')
    assert (spec.fields["damage_cases"], spec.fields["damage_amount"], spec.fields["compensation_status"]) == (42, 1234000, "considering")
    assert spec.fields["reopening_on"] == date(2027, 1, 15) and spec.fields["notice_letters_by"] == date(2026, 12, 20)
    assert "「検討中」か「決定」" in error_of(MINIMAL + '[response]\ncompensation = { status = "たぶん" }\n')
    assert "response.notices" in error_of(MINIMAL + '[response]\nnotices = { mail = 2026-12-05 }\n')


def test_the_section_a_correction_covers_is_marked_as_corrected_not_updated(staff):
    from hotline.notices.page import article

    make_incident(slug="2026-kawasemi-unyu")
    first = load_draft(example("ransomware/1-first.toml"), staff["sup1"])
    publish(first, staff["sup1"], staff["sup2"])
    second = load_draft(example("ransomware/2-second.toml"), staff["sup1"])
    publish(second, staff["sup1"], staff["sup2"])
    marks = article(second)["marks"]
    assert marks["leaked"] == "訂正", marks  # 漏えいは確認されていない → confirmed, with the 訂正 naming it
    assert "訂正" not in {mark for key, mark in marks.items() if key != "leaked"}, marks
    assert "訂正" not in article(first)["marks"].values()
