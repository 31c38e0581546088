"""Each placeholder's exact wording: from the report, from the incident when the report is silent, and the
polite sentence when neither says anything. An answer is read by the customer word for word."""

from datetime import datetime

import pytest

from hotline.answers import placeholders
from hotline.models import Incident

from .memory_reports import C, final_report, mem_report

INCIDENT = Incident(slug="2026-test-shop", title="テスト商店への不正アクセス", contact_phone="0120-999-000",
                    contact_hours="10:00〜17:00", contact_form_url="/inquiry")
BARE = Incident(slug="bare", title="事案", contact_phone="", contact_hours="", contact_form_url="")
STILL = "調査を継続しており、新たな事実が判明しましたら速やかにお知らせいたします。"


def full():
    return mem_report(number=2, published_at=datetime(2026, 11, 12, 23, 30),
                      secondary_risks="  \n不審なメールにご注意ください。  \n  二行目です。\n\n",
                      customer_actions="カード明細をご確認ください。", next_steps="調査を続けてまいります。",
                      prevention="監視を強化いたします。", contact_phone="03-1111-2222", contact_hours="9:00〜18:00",
                      contact_form_url="https://example.jp/form", damage="不正利用の報告はございません。",
                      damage_certainty=C)


def empty():
    return mem_report(number=None, contact_phone="", contact_hours="", contact_form_url="", cause="", damage="",
                      damage_certainty=C, groups=[])


FULL = {
    "事案名": "テスト商店への不正アクセス",
    "最新の報": "第二報（2026年11月13日公表）",
    "漏えい項目": "調査の結果、氏名の漏えいを確認しております。",
    "原因": "調査中です。これは現時点での調査結果であり、今後の調査により変わる可能性がございます。" + STILL,
    "被害状況": "不正利用の報告はございません。",
    "二次被害": "不審なメールにご注意ください。\n  二行目です。",
    "お客様へのお願い": "カード明細をご確認ください。",
    "今後の対応": "調査を続けてまいります。",
    "再発防止策": "監視を強化いたします。",
    "窓口電話": "03-1111-2222",
    "受付時間": "9:00〜18:00",
    "お問い合わせ窓口": "専用窓口：電話 03-1111-2222、受付時間 9:00〜18:00、お問い合わせフォーム https://example.jp/form",
    "お知らせURL": "/notices/2026-test-shop/",
}
FROM_INCIDENT = {
    "最新の報": "最新の報",
    "漏えい項目": "漏えいした情報の項目は、現在調査しております。" + STILL,
    "原因": "漏えいの原因は、現在調査しております。" + STILL,
    "被害状況": "被害の状況は、お知らせでご案内いたします。",  # confirmed, but nothing written: never an empty answer
    "二次被害": "予想される二次被害については、お知らせでご案内いたします。",
    "お客様へのお願い": "お客様にお願いしたいことは、お知らせでご案内いたします。",
    "今後の対応": "今後の対応は、決まり次第お知らせでご案内いたします。",
    "再発防止策": "再発防止策は、調査の結果を踏まえてお知らせでご報告いたします。",
    "窓口電話": "0120-999-000",
    "受付時間": "10:00〜17:00",
    "お問い合わせ窓口": "専用窓口：電話 0120-999-000、受付時間 10:00〜17:00、お問い合わせフォーム /inquiry",
}
NOTHING = {
    "窓口電話": "（電話窓口は設けていません）",
    "受付時間": "（受付時間は未定です）",
    "お問い合わせ窓口": "専用窓口の連絡先は、お知らせでご案内いたします。",
    "お知らせURL": "/notices/bare/",
}


@pytest.mark.parametrize("name", list(FULL))
def test_a_complete_report_is_quoted(name):
    assert placeholders.render("{" + name + "}", full(), INCIDENT) == FULL[name]


@pytest.mark.parametrize("name", list(FROM_INCIDENT))
def test_a_silent_report_falls_back_to_the_incident_or_a_polite_sentence(name):
    assert placeholders.render("{" + name + "}", empty(), INCIDENT) == FROM_INCIDENT[name]


@pytest.mark.parametrize("name", list(NOTHING))
def test_with_no_contact_anywhere_the_answer_says_so(name):
    assert placeholders.render("{" + name + "}", empty(), BARE) == NOTHING[name]


def test_each_contact_part_falls_back_on_its_own():
    report = mem_report(contact_phone="", contact_hours="8:00〜20:00", contact_form_url="")
    assert placeholders.render("{お問い合わせ窓口}", report, INCIDENT) == (
        "専用窓口：電話 0120-999-000、受付時間 8:00〜20:00、お問い合わせフォーム /inquiry")
    only_form = Incident(slug="f", title="t", contact_phone="", contact_hours="", contact_form_url="/inquiry")
    assert placeholders.render("{お問い合わせ窓口}", empty(), only_form) == "専用窓口：お問い合わせフォーム /inquiry"
    only_hours = Incident(slug="h", title="t", contact_phone="", contact_hours="9:00〜17:00", contact_form_url="")
    assert placeholders.render("{受付時間}", empty(), only_hours) == "9:00〜17:00"


def test_links_become_absolute_only_for_link_placeholders_and_only_with_a_base():
    text = "{お知らせURL} {事案名}"
    base = "https://support.example.jp"
    named = Incident(slug="s", title="/notices/not-a-link", contact_phone="", contact_hours="", contact_form_url="")
    assert placeholders.render(text, empty(), named, base_url=base) == f"{base}/notices/s/ /notices/not-a-link"
    assert placeholders.render(text, empty(), named) == "/notices/s/ /notices/not-a-link"
    window = placeholders.render("{お問い合わせ窓口}", empty(), INCIDENT, base_url=base)
    assert window.endswith(f"お問い合わせフォーム {base}/inquiry")


def test_report_labels():
    assert placeholders.report_label(mem_report(number=None)) == "最新の報"
    assert placeholders.report_label(final_report(number=None)) == "最終報告"
    assert placeholders.report_label(mem_report(number=3)) == "第三報"


def test_unfilled_input_slots_are_listed_once_each_in_order():
    answer = "【入力してください：日時】と【入力してください：担当】、【入力してください：日時】"
    assert placeholders.missing_inputs(answer) == ["日時", "担当"]
    assert placeholders.missing_inputs("") == [] and placeholders.missing_inputs(None) == []
    assert placeholders.valid_names().startswith("{事案名}、{最新の報}、{件数}")
