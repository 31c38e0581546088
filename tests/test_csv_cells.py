"""Every cell of the CSV export that starts like a formula is shown as text, whatever its column and length."""

import csv
import io

import pytest
from sqlalchemy import update

from hotline import inquiries
from hotline.extensions import db
from hotline.inquiries.export import HEADER, export_csv
from hotline.models import Inquiry, User

from .factories import receive_inquiry

# Written out here, not imported: a start dropped from the code must fail.
STARTS = ["=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20"]
pytestmark = pytest.mark.one_backend  # cell text, whatever stored it
TEXT_COLUMNS = {"name": "お名前", "email": "メール", "phone": "電話", "notice_number": "お知らせ番号",
                "message": "お問い合わせ内容"}


def exported_rows(staff) -> list[dict]:
    """The export read back as a spreadsheet would read it."""
    text = export_csv(staff["sup1"])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert tuple(rows[0]) == HEADER
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def stored(**fields) -> Inquiry:
    """An inquiry whose columns are then overwritten as raw data (an import, a phone log, SQL)."""
    item = receive_inquiry()
    db.session.execute(update(Inquiry).where(Inquiry.id == item.id).values(**fields))
    db.session.commit()
    return item


@pytest.mark.parametrize("start", STARTS, ids=[f"U+{ord(s):04X}" for s in STARTS])
@pytest.mark.parametrize("column", list(TEXT_COLUMNS))
def test_a_cell_starting_like_a_formula_is_prefixed_with_a_quote(app, staff, column, start):
    value = f"{start}HYPERLINK(\"http://evil.example\",\"開く\")"
    stored(**{column: value})
    [row] = exported_rows(staff)
    assert row[TEXT_COLUMNS[column]] == "'" + value


@pytest.mark.parametrize("length", [2, 300, 5000])
def test_long_cells_are_neutralized_like_short_ones(app, staff, length):
    value = "=1+" + "1" * (length - 3)
    stored(message=value, name="@" + "x" * length)
    [row] = exported_rows(staff)
    assert row["お問い合わせ内容"] == "'" + value and row["お名前"] == "'@" + "x" * length


def test_the_agents_name_is_a_cell_like_any_other(app, staff):
    item = stored()
    db.session.execute(update(User).where(User.id == staff["agent"].id).values(display_name="=cmd|' /C calc'!A0"))
    db.session.execute(update(Inquiry).where(Inquiry.id == item.id).values(assigned_to_id=staff["agent"].id))
    db.session.commit()
    [row] = exported_rows(staff)
    assert row["担当"] == "'=cmd|' /C calc'!A0"


@pytest.mark.parametrize("value", ["1-2", "a=b", "taro@example.jp", " =1+1", "'=1", "", "０９０−１２３４"])
def test_cells_that_do_not_start_like_a_formula_are_left_as_they_are(app, staff, value):
    stored(message=value)
    [row] = exported_rows(staff)
    assert row["お問い合わせ内容"] == value


def test_a_whole_row_reads_as_the_supervisor_sees_it(app, staff):
    from datetime import datetime

    from sqlalchemy import select

    from hotline.models import AuditEvent

    waiting = stored(message="未回答です。")
    answered = stored(message="回答済みです。", phone="090-1234-5678", notice_number="N-1", urgent=True,
                      created_at=datetime(2026, 11, 2, 15, 30))  # UTC: 3 November 00:30 in Japan
    assert inquiries.claim(answered.id, staff["agent"])
    db.session.commit()
    inquiries.record_answer(db.session.get(Inquiry, answered.id), staff["agent"],
                            inquiries.AnswerChoice("ご回答いたします。", "phone", None, None, suggested_text="別の文"))
    db.session.execute(update(Inquiry).where(Inquiry.id == answered.id).values(
        answered_at=datetime(2026, 11, 3, 1, 5), template_edited=True))
    db.session.commit()
    text = export_csv(staff["sup1"])
    assert text.count("\r\n") == 3 and "\n" not in text.replace("\r\n", "")
    rows = {row["受付番号"]: row for row in exported_rows(staff)}
    assert rows[answered.receipt] == {
        "受付番号": answered.receipt, "受付日時": "2026年11月3日 00:30", "経路": "フォーム", "種類": "その他",
        "至急": "至急", "状況": "回答済み", "お名前": "山田 太郎", "メール": "taro@example.jp", "電話": "090-1234-5678",
        "回答方法": "メールで回答を希望", "お知らせ番号": "N-1", "お問い合わせ内容": "回答済みです。", "担当": "AGENT1",
        "回答日時": "2026年11月3日 10:05", "回答方法（実績）": "電話", "テンプレートID": "", "版": "",
        "編集あり": "はい"}
    row = rows[waiting.receipt]
    assert (row["至急"], row["担当"], row["回答日時"], row["回答方法（実績）"], row["編集あり"]) == ("", "", "", "", "")
    assert row["状況"] == "未対応"
    exports = db.session.scalars(select(AuditEvent).filter_by(action="export")).all()
    assert [(e.user_id, e.target_type, e.target_id, e.detail) for e in exports][-1] == (
        staff["sup1"].id, "inquiry", "*", "rows=2")


def test_an_empty_value_is_an_empty_cell_and_numbers_are_text():
    from hotline.inquiries.export import neutralize

    assert neutralize(None) == "" and neutralize(0) == "0" and neutralize(-3) == "'-3"


def test_rows_come_oldest_first_and_ties_in_arrival_order(app, staff):
    from datetime import datetime

    late = stored(message="後から届いた", created_at=datetime(2026, 11, 5, 0, 0))
    early = stored(message="先に届いた", created_at=datetime(2026, 11, 1, 0, 0))
    tie_a = stored(message="同時刻A", created_at=datetime(2026, 11, 3, 0, 0))
    tie_b = stored(message="同時刻B", created_at=datetime(2026, 11, 3, 0, 0))
    assert tie_a.id < tie_b.id
    assert [row["お問い合わせ内容"] for row in exported_rows(staff)] == ["先に届いた", "同時刻A", "同時刻B", "後から届いた"]
    assert early.id > late.id  # the order is not simply the ids'
