"""Reading an affected list as real systems export it: CSV (UTF-8, BOM or not, Shift_JIS/CP932, EUC-JP) or XLSX.

`read_table` returns the header and the rows as text, or raises `ListFileError` with
a Japanese reason. It reads the whole file before anything is imported: a file that
cannot be read imports nothing. The number of rows is capped while reading (a small
.xlsx can hold millions of rows), and spreadsheet cells holding a formula are marked,
to be refused cell by cell (their cached result may be missing or stale).
"""

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from .encodings import ListFileError, decode  # noqa: F401  (ListFileError is this module's error)

MAX_COLUMNS = 40
MAX_CELL = 1000
MAX_ROWS = 300_000
"""Data rows one file may hold by default (see importing.max_rows)."""


@dataclass
class Table:
    """The header and the data rows of a file, every cell as text."""

    header: list[str]
    rows: list[list[str]]
    encoding: str
    # Cells that a spreadsheet stored as numbers: (row index, column index) → the number.
    numeric: dict[tuple[int, int], int | float]
    # Cells that held a formula (read as empty): (row index, column index).
    formulas: frozenset[tuple[int, int]] = frozenset()
    # A row shorter than the header ends in empty cells (a spreadsheet), rather than lacks cells (CSV).
    short_rows_blank: bool = False


def read_table(data: bytes, filename: str = "", max_bytes: int | None = None, max_rows: int = MAX_ROWS) -> Table:
    """Read a CSV or XLSX file into a Table."""
    if max_bytes is not None and len(data) > max_bytes:
        raise ListFileError(
            f"ファイルが大きすぎます（{len(data) / 1024 / 1024:.1f} MB）。"
            f"{max_bytes // 1024 // 1024} MB 以下に分けて取り込んでください。")
    if not data.strip():
        raise ListFileError("ファイルが空です。")
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        return _read_xlsx(data, max_rows)
    text, encoding = decode(data)
    return _read_csv(text, encoding, max_rows)


class TooManyRows(ListFileError):
    """A file with more rows than may be read at once."""


def _too_many(max_rows: int) -> ListFileError:
    return TooManyRows(f"行が多すぎます（見出しを除いて{max_rows:,}行まで取り込めます）。"
                       f"{max_rows:,}行以下のファイルに分けて取り込んでください。")


def _read_csv(text: str, encoding: str, max_rows: int) -> Table:
    if "\x00" in text:
        raise ListFileError("ファイルに NUL 文字が含まれています。CSV として保存し直してください。")
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                if len(records) > max_rows:  # the header and max_rows rows are in already
                    raise _too_many(max_rows)
                records.append(row)
    except csv.Error as error:
        raise ListFileError(
            f"CSV の形式が正しくありません（{reader.line_num}行目: 引用符の閉じ忘れなど）。") from error
    if not records:
        raise ListFileError("ファイルにデータがありません。")
    return _table(records[0], records[1:], encoding, {})


def _read_xlsx(data: bytes, max_rows: int) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ListFileError("Excel ファイル（.xlsx）として読めません。ファイルが壊れていないか確認してください。") from error
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # the stated size may be wrong either way: read the rows that are there
        records: list[list[str]] = []
        numeric: dict[tuple[int, int], int | float] = {}
        formulas: set[tuple[int, int]] = set()
        # Every row counts here, empty ones too: a few hundred kilobytes can hold millions of them.
        for read, row in enumerate(sheet.iter_rows()):
            if read > max_rows:
                raise _too_many(max_rows)
            cells, formula = [], False
            for column, cell in enumerate(row):
                value = cell.value
                if cell.data_type == "f":
                    formulas.add((len(records) - 1, column))
                    value, formula = None, True
                elif isinstance(value, bool):
                    value = str(value)
                if isinstance(value, (int, float)):
                    numeric[(len(records) - 1, column)] = value
                    value = str(int(value)) if float(value).is_integer() else str(value)
                elif isinstance(value, datetime):
                    value = value.date().isoformat()
                elif isinstance(value, date):
                    value = value.isoformat()
                cells.append("" if value is None else str(value))
            if formula or any(cell.strip() for cell in cells):
                records.append(cells)
    finally:
        book.close()
    if not records:
        raise ListFileError("シートにデータがありません（最初のシートを読みます）。")
    table = _table(records[0], records[1:], "Excel（.xlsx）", numeric)
    table.formulas, table.short_rows_blank = frozenset(formulas), True
    return table


def _table(header: list[str], rows: list[list[str]], encoding: str, numeric: dict) -> Table:
    header = [cell.strip().lstrip("\ufeff") for cell in header]
    while header and not header[-1]:
        header.pop()
    if len(header) > MAX_COLUMNS:
        raise ListFileError(f"列が多すぎます（{len(header)}列、最大{MAX_COLUMNS}列）。")
    if not any(header):
        raise ListFileError("1行目に列名（見出し）がありません。")
    return Table(header=header, rows=rows, encoding=encoding, numeric=numeric)
