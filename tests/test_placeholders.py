"""Placeholders are filled with hotline.phrasing sentences, caveats included; bad braces are refused."""

from datetime import date, datetime

import pytest

from hotline.answers import placeholders, review
from hotline.notices import phrasing
from hotline.models import Incident, LeakStatus

from .memory_reports import C, P, final_report, mem_group, mem_report

L = LeakStatus
INCIDENT = Incident(slug="2026-test-shop", title="テスト商店への不正アクセス", contact_phone="0120-999-000",
                    contact_hours="10:00〜17:00", contact_form_url="/inquiry")


def fill(text: str, **fields) -> str:
    """Render `text` against a provisional second report."""
    report = mem_report(number=2, published_at=datetime(2026, 11, 12, 23, 30), **fields)
    return placeholders.render(text, report, INCIDENT)


def test_every_registered_placeholder_renders_something():
    report = mem_report(number=1, published_at=datetime(2026, 11, 2, 1, 0))
    for name in placeholders.REGISTRY:
        assert placeholders.render(f"{{{name}}}", report, INCIDENT).strip(), name


def test_incident_name_latest_report_and_url():
    assert fill("{事案名}") == "テスト商店への不正アクセス"
    assert fill("{最新の報}") == "第二報（2026年11月13日公表）"  # published 23:30 UTC is the 13th in Japan
    assert fill("{お知らせURL}") == "/notices/2026-test-shop/"
    first = mem_report(number=1, published_at=datetime(2026, 11, 2, 1, 0))
    assert placeholders.render("{最新の報}", first, INCIDENT).startswith("第一報")
    assert placeholders.render("{最新の報}", final_report(number=3), INCIDENT) == "最終報告"


def test_provisional_count_keeps_at_least_and_possibly():
    text = fill("件数：{件数}", count_min=12000, count_max=48000, count_certainty=P)
    assert text.startswith("件数：現時点で、対象となるお客様は少なくとも12,000件")
    assert "最大で48,000件に及ぶ可能性" in text and "調査を継続" in text


def test_confirmed_count_is_stated_plainly():
    assert fill("{件数}", count_min=300, count_max=300, count_certainty=C) == "対象となるお客様は300件であることを確認いたしました。"


def test_several_groups_are_counted_one_by_one():
    report = mem_report(number=2, groups=[
        mem_group("会員のお客様", unit="名", count_min=300, count_max=300, count_certainty=C),
        mem_group("お届け先の方", unit="名", count_max=80, categories={"address": L.POSSIBLE}),
        mem_group("店頭でご購入のお客様", affected=False),
    ])
    text = placeholders.render("{件数}", report, INCIDENT)
    assert text.startswith("対象となる会員のお客様は300名であることを確認いたしました。対象となるお届け先の方の数は現在調査しておりますが、最大で80名")
    assert "店頭" not in text and text.endswith(phrasing.STILL_INVESTIGATING)


def test_period_caveat_follows_certainty():
    provisional = fill("{期間}", period_start=date(2026, 8, 1), period_end=date(2026, 10, 15))
    assert "2026年8月1日から2026年10月15日まで" in provisional and "変わる可能性" in provisional
    assert "変わる可能性" not in fill("{期間}", period_certainty=C)


def test_leaked_items_keep_their_possibility_wording():
    text = fill("{漏えい項目}", categories={"name": L.CONFIRMED, "card_number": L.POSSIBLE,
                                          "security_code": L.INVESTIGATING, "password": L.NOT_LEAKED})
    assert "現時点で判明している限りでは、氏名の漏えいを確認しております。" in text
    assert "クレジットカード番号は、漏えいした可能性を否定できません。" in text
    assert "セキュリティコードについては、漏えいの有無を調査しております。" in text
    assert "パスワードについては、漏えいしていないことを確認しております。" in text
    assert "現在調査しております" in fill("{漏えい項目}", categories={})


def test_provisional_cause_and_damage_carry_the_caveat():
    text = fill("{原因}", cause="決済画面が改ざんされたものと見ています。", cause_certainty=P)
    assert text.startswith("決済画面が改ざんされたものと見ています。") and "変わる可能性" in text
    assert "変わる可能性" not in fill("{原因}", cause="改ざんによるものでした。", cause_certainty=C)
    assert "現在調査しております" in fill("{被害状況}", damage="", damage_certainty=P)
    assert "変わる可能性" in fill("{被害状況}", damage="不正利用の連絡を受けています。", damage_certainty=P)


def test_free_text_items_and_contact_window():
    assert fill("{お客様へのお願い}", customer_actions="明細をご確認ください。") == "明細をご確認ください。"
    assert fill("{今後の対応}", next_steps="") == "今後の対応は、決まり次第お知らせでご案内いたします。"
    assert fill("{二次被害}", secondary_risks="フィッシングのおそれがあります。") == "フィッシングのおそれがあります。"
    assert fill("{再発防止策}", prevention="改ざん検知を導入します。") == "改ざん検知を導入します。"
    assert fill("{窓口電話}／{受付時間}") == "0120-111-222／9:00〜18:00"
    window = fill("{お問い合わせ窓口}")
    assert "電話 0120-111-222" in window and "受付時間 9:00〜18:00" in window and "/inquiry" in window


def test_contact_falls_back_to_the_incident():
    assert fill("{窓口電話}", contact_phone="") == "0120-999-000"


def test_full_width_braces_and_spaces_inside_are_accepted():
    assert fill("｛件数｝", count_min=300, count_max=300, count_certainty=C).endswith("確認いたしました。")
    assert fill("{ 窓口電話 }") == "0120-111-222"
    assert placeholders.check_text("お電話は｛窓口電話｝へ") == []


@pytest.mark.parametrize("text, expected", [
    ("{人数}をお知らせします", ["1文字目", "{人数}", "使えない差し込み項目", "{件数}", "{お問い合わせ窓口}"]),
    ("件数は{件数です", ["4文字目", "閉じられていません"]),
    ("件数は件数}です", ["6文字目", "対応する"]),
    ("{件数{期間}}", ["4文字目", "1文字目", "入れ子", "8文字目"]),
    ("ここに{}を", ["4文字目", "空の"]),
    ("ここに｛　｝を", ["4文字目", "空の"]),
    ("｛窓口電話}と{受付時間｝", []),
    ("件数は｛件数", ["4文字目", "閉じられていません"]),
])
def test_check_text_refuses_bad_braces_in_japanese(text, expected):
    problems = placeholders.check_text(text)
    if not expected:
        assert problems == []
        return
    message = " ".join(problems)
    for part in expected:
        assert part in message, (part, message)


def test_render_refuses_bad_text_and_missing_report():
    with pytest.raises(placeholders.PlaceholderError, match="使えない差し込み項目"):
        placeholders.render("{不明}", mem_report(number=1), INCIDENT)
    with pytest.raises(placeholders.PlaceholderError, match="公開済みの報がない"):
        placeholders.render("{件数}", None, INCIDENT)
    assert placeholders.render("差し込みなし", None, INCIDENT) == "差し込みなし"


def test_brace_problems_are_told_at_their_position_in_full():
    assert placeholders.check_text("件数は{件数{期間}}") == [
        "4文字目の「{」が閉じられる前に、7文字目に次の「{」があります。閉じ忘れか入れ子です（差し込み項目の中に差し込み項目は書けません）。",
        "11文字目の「}」に対応する「{」がありません。"]
    assert placeholders.check_text("件数}です{人数}") == [  # scanning goes on after a stray brace
        "3文字目の「}」に対応する「{」がありません。",
        f"6文字目の「{{人数}}」は使えない差し込み項目です。使える項目：{placeholders.valid_names()}"]
    assert placeholders.check_text("お名前：{入力:}") == [
        "5文字目の「{入力:}」：入力欄には30文字以内の名前を付けてください（例：{入力:折り返し日時}）。"]


def test_an_input_slot_may_have_a_name_of_thirty_characters_in_any_letters():
    thirty = "あ" * 30
    assert placeholders.check_text(f"{{入力:{thirty}}}") == []
    assert placeholders.input_slots(f"{{入力:{thirty}}}") == [thirty]
    assert placeholders.check_text("{入力:旧Twitter（X）の投稿日時}") == []


def test_render_gives_every_problem_and_the_missing_report_in_full():
    with pytest.raises(placeholders.PlaceholderError) as raised:
        placeholders.render("件数}です{人数}", mem_report(number=1), INCIDENT)
    assert str(raised.value) == " ".join(placeholders.check_text("件数}です{人数}"))
    assert str(raised.value).startswith("3文字目の「}」に対応する「{」がありません。 6文字目の「{人数}」")
    with pytest.raises(placeholders.PlaceholderError) as raised:
        placeholders.render("{件数}", None, INCIDENT)
    assert str(raised.value) == "公開済みの報がないため、差し込み項目を埋められません。報を公開してからお使いください。"


def test_an_override_words_a_placeholder_for_one_person_and_an_empty_one_falls_back():
    report = mem_report(number=1, categories={"name": L.CONFIRMED})
    general = placeholders.render("{漏えい項目}", report, INCIDENT)
    own = "お客様について漏えいした情報は、氏名です。"
    assert placeholders.render("{対象の情報}", report, INCIDENT, overrides={"対象の情報": own}) == own
    assert placeholders.render("{対象の情報}{件数}", report, INCIDENT, overrides={"対象の情報": own}).startswith(own)
    assert placeholders.render("{対象の情報}", report, INCIDENT, overrides={"対象の情報": ""}) == general
    assert placeholders.render("{漏えい項目}", report, INCIDENT, overrides={"対象の情報": own}) == general


def test_fields_used_and_changed_fields():
    assert placeholders.fields_used("{件数}と{窓口電話}") == {"counts", "contact_phone"}
    assert placeholders.fields_used("{最新の報}{事案名}{不明}") == set()
    old, new = mem_report(number=1), mem_report(number=2, count_min=150)
    assert review.changed_fields(old, new) == {"counts"}
    assert review.describe_fields({"counts", "items"}) == ["対象となる方の数", "漏えいした情報の項目"]
    assert "items" in review.changed_fields(old, mem_report(number=2, categories={"email": L.CONFIRMED}))
    assert review.changed_fields(None, new) == set(placeholders.FIELD_LABELS)


def test_links_become_absolute_only_when_a_base_url_is_given():
    report, incident = mem_report(number=1, published_at=datetime(2026, 11, 2, 1, 0)), INCIDENT
    text = "{お問い合わせ窓口} {お知らせURL}"
    relative = placeholders.render(text, report, incident)
    assert "フォーム /inquiry" in relative and f"/notices/{incident.slug}/" in relative
    absolute = placeholders.render(text, report, incident, "https://example.jp")
    assert "フォーム https://example.jp/inquiry" in absolute
    assert f"https://example.jp/notices/{incident.slug}/" in absolute


def test_agent_input_slots_stay_marked_until_the_agent_writes_them():
    body = "{入力:折り返し日時}にお電話いたします。｛入力：担当者名｝が承ります。"
    assert placeholders.check_text(body) == []
    assert placeholders.input_slots(body) == ["折り返し日時", "担当者名"]
    assert placeholders.names_used(body) == []
    filled = placeholders.render(body, None, Incident(title="x"))  # no report needed for inputs alone
    assert filled == "【入力してください：折り返し日時】にお電話いたします。【入力してください：担当者名】が承ります。"
    assert placeholders.missing_inputs(filled) == ["折り返し日時", "担当者名"]
    assert placeholders.missing_inputs(filled.replace("【入力してください：折り返し日時】", "12月3日10時")) == ["担当者名"]


@pytest.mark.parametrize("body", ["{入力:}", "{入力:" + "あ" * 31 + "}", "{入力:【日時】}"])
def test_an_input_slot_needs_a_short_plain_name(body):
    assert any("入力欄" in m for m in placeholders.check_text(body))
