"""Reading an affected list as real systems export it: CSV (UTF-8, BOM or not, Shift_JIS/CP932, EUC-JP) or XLSX.

`read_table` returns the header and the rows as text, or raises `ListFileError` with
a Japanese reason. It reads the whole file before anything is imported: a file that
cannot be read imports nothing.
"""

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from .encodings import ListFileError, decode  # noqa: F401  (ListFileError is this module's error)

MAX_COLUMNS = 40
MAX_CELL = 1000


@dataclass
class Table:
    """The header and the data rows of a file, every cell as text."""

    header: list[str]
    rows: list[list[str]]
    encoding: str
    # Cells that a spreadsheet stored as numbers: (row index, column index) → the number.
    numeric: dict[tuple[int, int], int | float]


def read_table(data: bytes, filename: str = "", max_bytes: int | None = None) -> Table:
    """Read a CSV or XLSX file into a Table."""
    if max_bytes is not None and len(data) > max_bytes:
        raise ListFileError(
            f"ファイルが大きすぎます（{len(data) / 1024 / 1024:.1f} MB）。"
            f"{max_bytes // 1024 // 1024} MB 以下に分けて取り込んでください。")
    if not data.strip():
        raise ListFileError("ファイルが空です。")
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        return _read_xlsx(data)
    text, encoding = decode(data)
    return _read_csv(text, encoding)


def _read_csv(text: str, encoding: str) -> Table:
    if "\x00" in text:
        raise ListFileError("ファイルに NUL 文字が含まれています。CSV として保存し直してください。")
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        records = [row for row in reader]
    except csv.Error as error:
        raise ListFileError(
            f"CSV の形式が正しくありません（{reader.line_num}行目: 引用符の閉じ忘れなど）。") from error
    records = [row for row in records if any(cell.strip() for cell in row)]
    if not records:
        raise ListFileError("ファイルにデータがありません。")
    return _table(records[0], records[1:], encoding, {})


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ListFileError("Excel ファイル（.xlsx）として読めません。ファイルが壊れていないか確認してください。") from error
    try:
        sheet = book.worksheets[0]
        records: list[list[str]] = []
        numeric: dict[tuple[int, int], int | float] = {}
        for values in sheet.iter_rows(values_only=True):
            cells = []
            for column, value in enumerate(values):
                if isinstance(value, bool):
                    value = str(value)
                if isinstance(value, (int, float)):
                    numeric[(len(records) - 1, column)] = value
                    value = str(int(value)) if float(value).is_integer() else str(value)
                elif isinstance(value, datetime):
                    value = value.date().isoformat()
                elif isinstance(value, date):
                    value = value.isoformat()
                cells.append("" if value is None else str(value))
            if any(cell.strip() for cell in cells):
                records.append(cells)
    finally:
        book.close()
    if not records:
        raise ListFileError("シートにデータがありません（最初のシートを読みます）。")
    return _table(records[0], records[1:], "Excel（.xlsx）", numeric)


def _table(header: list[str], rows: list[list[str]], encoding: str, numeric: dict) -> Table:
    header = [cell.strip().lstrip("\ufeff") for cell in header]
    while header and not header[-1]:
        header.pop()
    if len(header) > MAX_COLUMNS:
        raise ListFileError(f"列が多すぎます（{len(header)}列、最大{MAX_COLUMNS}列）。")
    if not any(header):
        raise ListFileError("1行目に列名（見出し）がありません。")
    return Table(header=header, rows=rows, encoding=encoding, numeric=numeric)
