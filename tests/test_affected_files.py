"""Files that look fine and are not: too many rows, formulas, short rows, EUC-JP read as Shift_JIS."""

import io
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from hotline import affected
from hotline.affected.files import ListFileError, read_table
from hotline.affected.rows import map_columns, validate
from hotline.extensions import db
from hotline.models import AffectedPerson

from .affected_helpers import HEADER, MEMBER_ROWS, MEMBERS, csv_bytes, incident_with_groups

ASCII_HEADER = ["member_id", "name", "kana", "email", "phone", "postal_code", "address", "birth_date"]
NAMES = ["山田 太郎", "佐藤 花子", "高橋 次郎", "渡辺 健太", "木村 彩", "加藤 恵美", "吉田 茂"]


def xlsx_bytes(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def errors_of(data: bytes, filename: str) -> list[str]:
    table = read_table(data, filename)
    return [str(e) for e in validate(table, map_columns(table.header), MEMBERS)[1]]


# Row limit ---------------------------------------------------------------------------


def test_rows_beyond_the_limit_are_refused_while_reading():
    rows = [[f"M{i}", f"利用者 {i}", "", "", "", "", "", ""] for i in range(4)]
    assert len(read_table(csv_bytes(rows[:3]), "x.csv", max_rows=3).rows) == 3
    with pytest.raises(ListFileError, match="行が多すぎます（見出しを除いて3行まで取り込めます）"):
        read_table(csv_bytes(rows), "x.csv", max_rows=3)
    with pytest.raises(ListFileError, match="3行以下のファイルに分けて取り込んでください"):
        read_table(xlsx_bytes([HEADER] + rows), "x.xlsx", max_rows=3)


def test_a_small_xlsx_holding_a_huge_sheet_stops_at_the_limit():
    # 200,000 empty rows compress to a few kilobytes (the sheet still says it is A1:H2); reading
    # stops after the limit, not at the end.
    book = io.BytesIO(xlsx_bytes([HEADER, MEMBER_ROWS[0]]))
    out = io.BytesIO()
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"<row/>" * 200_000 + b"</sheetData>")
            target.writestr(item, data)
    assert len(out.getvalue()) < 100_000
    with pytest.raises(ListFileError, match="行が多すぎます（見出しを除いて1,000行まで"):
        read_table(out.getvalue(), "bomb.xlsx", max_rows=1000)


def test_an_import_over_the_configured_limit_imports_nothing(app, staff):
    incident = incident_with_groups(staff)
    app.config["AFFECTED_IMPORT_MAX_ROWS"] = 2
    with pytest.raises(affected.ImportRefused, match="行が多すぎます（見出しを除いて2行まで"):
        affected.import_list(incident, csv_bytes(MEMBER_ROWS), "m.csv", group=MEMBERS, user=staff["sup1"])
    db.session.rollback()
    assert db.session.scalar(select(func.count(AffectedPerson.id))) == 0


# Formulas ----------------------------------------------------------------------------


def test_xlsx_formula_cells_are_refused_by_row_and_column():
    data = xlsx_bytes([HEADER + ["備考"],
                       ["M1", "山田 太郎", "", '=LOWER("TARO")&"@example.jp"', "", "", "", "", "=1+1"],
                       ["M2", "=B2", "", "", "", "", "", ""],
                       ["M3", "鈴木 一郎", "", "ichiro@example.jp", "", "", "", ""]])
    table = read_table(data, "list.xlsx")
    rows, errors = validate(table, map_columns(table.header, {"備考": "-"}), MEMBERS)
    formula = "数式が入っています。数式の結果をコピーし「値として貼り付け」てから保存し直してください。"
    assert [str(e) for e in errors] == [f"2行目・メールアドレス: {formula}", f"3行目・氏名: {formula}"]
    assert [r.name for r in rows] == ["鈴木 一郎"]  # a formula in an ignored column is no error


def test_values_a_spreadsheet_would_run_are_refused_in_every_column():
    rows = [["M1", "山田 太郎", "", "=1+2@example.jp", "", "", "", ""],
            ["M2", "佐藤 花子", "", "+cmd@example.jp", "", "", "", ""],
            ["M3", "鈴木 一郎", "", "-x@example.jp", "+81 90-1111-2222", "", "", ""]]
    messages = errors_of(csv_bytes(rows), "x.csv")
    assert [m.split(":")[0] for m in messages] == ["2行目・メールアドレス", "3行目・メールアドレス", "4行目・メールアドレス"]
    assert all("数式として実行されるおそれ" in m for m in messages)


# Short rows --------------------------------------------------------------------------


def test_a_csv_row_with_fewer_cells_than_the_header_is_an_error():
    data = csv_bytes([MEMBER_ROWS[0], ["M0002", "佐藤 花子", "サトウ ハナコ"], MEMBER_ROWS[2] + ["x"]])
    assert errors_of(data, "x.csv") == [
        "3行目: 列が足りません（見出しは8列、この行は3列）。区切りの「,」が抜けていないか確認してください。",
        "4行目: 列の数が見出し（8列）より多くなっています。"]
    # A spreadsheet row simply ends where its last filled cell is.
    assert errors_of(xlsx_bytes([HEADER, ["M0002", "佐藤 花子"]]), "x.xlsx") == []


# EUC-JP ------------------------------------------------------------------------------


def test_euc_jp_with_an_ascii_header_is_read_as_euc_jp():
    rows = [[f"M{i}", name, "", "", "", "", "", ""] for i, name in enumerate(NAMES)]
    data = csv_bytes(rows, header=ASCII_HEADER, encoding="euc_jp")
    data.decode("cp932")  # the bytes are valid Shift_JIS too (half-width katakana): the trap
    table = read_table(data, "list.csv")
    assert table.encoding == "EUC-JP"
    assert [row[1] for row in table.rows] == NAMES
    # Shift_JIS with the same names stays Shift_JIS.
    assert read_table(csv_bytes(rows, header=ASCII_HEADER, encoding="cp932"), "x.csv").encoding == "Shift_JIS（CP932）"


def test_a_file_that_reads_equally_well_both_ways_is_refused():
    data = csv_bytes([["M1", "", "ﾔﾏﾀﾞ", "", "", "", "", ""]], header=ASCII_HEADER, encoding="cp932")
    with pytest.raises(ListFileError, match="Shift_JIS と EUC-JP のどちらとしても読めます）。UTF-8 の CSV で保存し直してください"):
        read_table(data, "x.csv")
