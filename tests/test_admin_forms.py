"""The report edit form: Japanese errors next to fields, nothing typed lost, hostile input."""

from html import escape

import pytest
from sqlalchemy import func, select

from hotline.extensions import db
from hotline.models import DataCategory, LeakStatus, Report

from .factories import make_draft, make_incident
from .test_admin_reports import VALID, as_form, fresh, text


@pytest.fixture
def draft_id(staff):
    """A draft by sup1, with sup1 about to log in."""
    report = make_draft(make_incident(), staff["sup1"])
    db.session.commit()
    return report.id


def post(client, report_id, **fields):
    """Submit the edit form with VALID data overridden by `fields`."""
    return client.post(f"/admin/reports/{report_id}/edit", data={**VALID, **as_form(fields)})


def test_form_keeps_submitted_data_and_shows_japanese_error_next_to_field(client, login, draft_id):
    login("sup1")
    before = fresh(draft_id).situation
    response = post(client, draft_id, situation="新しく書いた本文です。", count_min="-5",
                    background="経緯も書きました。", cat_card_number="possible", note_card_number="補足メモ")
    html = text(response)
    assert response.status_code == 422
    assert "人数・件数に負の数は使えません。" in html and "入力内容を確認してください" in html
    assert "新しく書いた本文です。" in html and "経緯も書きました。" in html and "補足メモ" in html
    assert 'value="-5"' in html
    assert '<option selected value="possible">' in html
    assert fresh(draft_id).situation == before


@pytest.mark.parametrize("typed, stored", [("１２，３４５", 12345), ("12,345", 12345), (" 7 ", 7), ("", None)])
def test_count_accepts_full_width_digits_and_commas(client, login, draft_id, typed, stored):
    login("sup1")
    assert post(client, draft_id, count_min=typed, count_max="").status_code == 302
    assert fresh(draft_id).groups[0].count_min == stored


@pytest.mark.parametrize("typed, message", [
    ("-1", "負の数"), ("1000000001", "大きすぎます"), ("99999999999999999999", "数字で入力"),
    ("百", "数字で入力"), ("1e5", "数字で入力"), ("0x10", "数字で入力"),
])
def test_count_refuses_bad_numbers_with_japanese_message(client, login, draft_id, typed, message):
    login("sup1")
    response = post(client, draft_id, count_max=typed)
    assert response.status_code == 422 and message in text(response)
    assert fresh(draft_id).groups[0].count_max == 500


def test_script_tags_are_stored_as_text_and_escaped_on_every_page(client, login, draft_id):
    login("sup1")
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    assert post(client, draft_id, situation=hostile, note_name=hostile[:40]).status_code == 302
    assert fresh(draft_id).situation == hostile
    for url in (f"/admin/reports/{draft_id}", f"/admin/reports/{draft_id}/edit"):
        html = text(client.get(url))
        assert "<script>alert" not in html and "<img src=x" not in html
        assert escape(hostile, quote=False).split("&lt;img")[0] in html.replace("&#34;", '"')


def test_sql_in_text_is_stored_literally(client, login, draft_id):
    login("sup1")
    sql = "'; DROP TABLE report; -- \" OR 1=1"
    assert post(client, draft_id, cause=sql).status_code == 302
    assert fresh(draft_id).cause == sql
    assert db.session.scalar(select(func.count(Report.id))) == 1


def test_control_and_bidi_characters_are_removed_but_newlines_and_tabs_kept(client, login, draft_id):
    login("sup1")
    assert post(client, draft_id, situation="一行目\x00\x07\x1b\r\n二行目\tタブ\u202e", contact_hours="9時\x0b〜18時").status_code == 302
    stored = fresh(draft_id)
    assert stored.situation == "一行目\n二行目\tタブ"
    assert stored.contact_hours == "9時〜18時"


def test_very_long_text_is_refused_and_kept_in_the_form(client, login, draft_id):
    login("sup1")
    long_text = "あ" * 10_001
    response = post(client, draft_id, investigation=long_text)
    assert response.status_code == 422
    assert "10,000文字以内で入力してください。" in text(response) and long_text in text(response)
    assert fresh(draft_id).investigation == ""


def test_text_at_the_limit_is_accepted(client, login, draft_id):
    login("sup1")
    assert post(client, draft_id, investigation="い" * 10_000).status_code == 302
    assert len(fresh(draft_id).investigation) == 10_000


def test_bad_date_gets_japanese_message_and_full_width_date_is_accepted(client, login, draft_id):
    login("sup1")
    bad = post(client, draft_id, period_start="2026-13-45")
    assert bad.status_code == 422 and "YYYY-MM-DD" in text(bad) and 'value="2026-13-45"' in text(bad)
    assert post(client, draft_id, period_start="２０２６/０９/０１").status_code == 302
    assert str(fresh(draft_id).period_start) == "2026-09-01"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "//evil.example/", "data:text/html,x", "ftp://x"])
def test_contact_form_url_must_be_a_site_path_or_http_address(client, login, draft_id, url):
    login("sup1")
    response = post(client, draft_id, contact_form_url=url)
    assert response.status_code == 422 and "「/」で始まるサイト内のパス" in text(response)


def test_unknown_choice_is_refused_in_japanese(client, login, draft_id):
    login("sup1")
    response = post(client, draft_id, cat_name="hacked", count_certainty="certain")
    assert response.status_code == 422 and "選択肢が正しくありません" in text(response)
    assert fresh(draft_id).groups[0].item_status("氏名") is LeakStatus.CONFIRMED


def test_choosing_not_mentioned_removes_a_category(client, login, draft_id):
    login("sup1")
    assert post(client, draft_id, cat_name="", cat_email="not_leaked").status_code == 302
    stored = fresh(draft_id)
    assert [i.category for i in stored.groups[0].items] == [DataCategory.EMAIL]


def test_unchecked_final_box_saves_a_non_final_report(client, login, draft_id):
    login("sup1")
    post(client, draft_id, is_final="y")
    assert fresh(draft_id).is_final is True
    post(client, draft_id)
    assert db.session.scalar(select(Report.is_final).where(Report.id == draft_id)) is False
