"""Files that look fine and are not: EUC-JP read as Shift_JIS."""

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
