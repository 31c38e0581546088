"""Columns and rows of an affected list: which column is which field, and every cell checked.

`map_columns` matches the header to the fields (会員番号, 氏名, フリガナ, メールアドレス, 電話番号,
郵便番号, 住所, 生年月日, 区分) by the names systems commonly use, or by an explicit
mapping; `validate` turns every row into a `Listed` value or a `RowError` (row, column,
reason, in Japanese). Nothing is imported while any row has an error.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from ..mail.outbox import MailError, normalize_address
from .files import MAX_CELL, Table

FIELDS = {
    "member_id": "会員番号", "name": "氏名", "kana": "フリガナ", "email": "メールアドレス",
    "phone": "電話番号", "postal_code": "郵便番号", "address": "住所", "birth_date": "生年月日",
    "group": "区分",
}
IGNORE = "-"
_HEADER_NAMES = {
    "member_id": ("会員番号", "会員id", "会員コード", "顧客番号", "顧客id", "顧客コード", "memberid", "customerid"),
    "name": ("氏名", "お名前", "名前", "氏名漢字", "name", "fullname"),
    "kana": ("フリガナ", "ふりがな", "カナ", "氏名カナ", "セイメイ", "kana"),
    "email": ("メールアドレス", "メール", "email", "mail", "mailaddress"),
    "phone": ("電話番号", "電話", "携帯電話番号", "tel", "phone"),
    "postal_code": ("郵便番号", "〒", "postalcode", "zip", "zipcode"),
    "address": ("住所", "所在地", "address"),
    "birth_date": ("生年月日", "誕生日", "birthdate", "birthday", "dob"),
    "group": ("区分", "対象区分", "グループ", "group"),
}
LIMITS = {"member_id": 40, "name": 100, "kana": 100, "address": 200}
_FORMULA_START = tuple("=+-@")
FORMULA_CELL = "数式が入っています。数式の結果をコピーし「値として貼り付け」てから保存し直してください。"
_MARKUP = re.compile(r"[<>{}\\`]")
_MEMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")
_KANA = re.compile(r"[\u30a0-\u30ff\u3000 ・ー]+")
_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{4})(\d{2})(\d{2})")


class ColumnError(ValueError):
    """The header does not fit the fields; the text is Japanese."""


@dataclass
class RowError:
    """One problem in one cell: shown as 「3行目・電話番号: …」."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.row}行目" + (f"・{self.column}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass
class Listed:
    """One valid row, normalized."""

    row: int
    member_id: str = ""
    name: str = ""
    kana: str = ""
    email: str = ""
    phone: str = ""
    postal_code: str = ""
    address: str = ""
    birth_date: str = ""
    group: str = ""


def _header_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\s_\-()（）・/]", "", text)


def map_columns(header: list[str], explicit: dict[str, str] | None = None) -> dict[int, str]:
    """Column index → field; every column must be a field or explicitly ignored ('-')."""
    explicit = {_header_key(k): v for k, v in (explicit or {}).items()}
    known = {_header_key(n): field for field, names in _HEADER_NAMES.items() for n in names}
    mapping: dict[int, str] = {}
    unknown = []
    for index, title in enumerate(header):
        key = _header_key(title)
        field = explicit.get(key) or known.get(key)
        if field is None and title in FIELDS.values():
            field = next(f for f, label in FIELDS.items() if label == title)
        if field == IGNORE:
            continue
        if field is None or field not in FIELDS:
            unknown.append(title or f"{index + 1}列目（見出しなし）")
            continue
        if field in mapping.values():
            raise ColumnError(f"「{FIELDS[field]}」に当たる列が2つあります（{title}）。どちらかを「-」（無視）に指定してください。")
        mapping[index] = field
    if unknown:
        raise ColumnError(
            "取り込む項目に対応しない列があります: " + "、".join(f"「{u}」" for u in unknown)
            + "。列名を直すか、対応（例: 顧客コード=会員番号）または無視（例: 備考=-）を指定してください。")
    if "name" not in mapping.values():
        raise ColumnError("「氏名」の列がありません。")
    return mapping


def validate(table: Table, mapping: dict[int, str], default_group: str = "") -> tuple[list[Listed], list[RowError]]:
    """Every row checked; row numbers count the header as row 1, as a spreadsheet shows them."""
    good: list[Listed] = []
    errors: list[RowError] = []
    width = len(table.header)
    for index, cells in enumerate(table.rows):
        number = index + 2
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            errors.append(RowError(number, "", f"列の数が見出し（{width}列）より多くなっています。"))
            continue
        if len(cells) < width and not table.short_rows_blank:
            errors.append(RowError(number, "", f"列が足りません（見出しは{width}列、この行は{len(cells)}列）。"
                                               "区切りの「,」が抜けていないか確認してください。"))
            continue
        listed = Listed(row=number, group=default_group)
        row_errors = []
        for column, field in mapping.items():
            raw = cells[column] if column < len(cells) else ""
            if (index, column) in table.formulas:
                row_errors.append(RowError(number, table.header[column], FORMULA_CELL))
                continue
            try:
                value = _clean(field, raw, (index, column) in table.numeric)
            except ValueError as error:
                row_errors.append(RowError(number, table.header[column], str(error)))
                continue
            if value or field != "group":
                setattr(listed, field, value)
        if not listed.name and not row_errors:
            row_errors.append(RowError(number, FIELDS["name"], "氏名が空欄です。"))
        if not listed.group and not row_errors:
            row_errors.append(RowError(number, FIELDS["group"], "区分が空欄です（列か取り込み時の指定で区分を決めてください）。"))
        errors += row_errors
        if not row_errors:
            good.append(listed)
    return good, errors


def _clean(field: str, raw: str, was_number: bool) -> str:
    if len(raw) > MAX_CELL:
        raise ValueError("長すぎます。")
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} and ch != "\u200d" for ch in raw):
        raise ValueError("改行・タブ・制御文字が含まれています。")
    value = " ".join(unicodedata.normalize("NFKC", raw).split())
    if not value:
        return ""
    if field in LIMITS and len(value) > LIMITS[field]:
        raise ValueError(f"{LIMITS[field]}文字以内にしてください。")
    # Every column is exported or shown; a phone number's "+81" is read as digits before it is kept.
    if field != "phone" and value.startswith(_FORMULA_START):
        raise ValueError("「=」「+」「-」「@」で始まる値は、表計算ソフトで数式として実行されるおそれがあるため取り込めません。")
    if field in ("name", "kana", "address", "group") and _MARKUP.search(value):
        raise ValueError("使用できない記号（< > { } \\ `）が含まれています。")
    return _CLEANERS.get(field, lambda v, _n: v)(value, was_number)


def _member(value: str, _n: bool) -> str:
    if not _MEMBER.fullmatch(value):
        raise ValueError("英数字と - _ . だけで入力してください。")
    return value


def _kana(value: str, _n: bool) -> str:
    katakana = "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in value)
    if not _KANA.fullmatch(katakana):
        raise ValueError("カタカナで入力してください。")
    return katakana


def _email(value: str, _n: bool) -> str:
    try:
        return normalize_address(value).lower()
    except MailError as error:
        raise ValueError(str(error)) from None


def phone_digits(value: str) -> str:
    """The digits of a Japanese phone number (+81 read as 0); '' when it is not one."""
    value = unicodedata.normalize("NFKC", value or "").strip()
    digits = "".join(c for c in value if c.isdigit())
    if value.startswith("+81"):
        digits = "0" + digits[2:].lstrip("0")
    return digits if re.fullmatch(r"0\d{9,10}", digits) else ""


def _phone(value: str, was_number: bool) -> str:
    digits = phone_digits(value)
    if not digits:
        if was_number and re.fullmatch(r"[1-9]\d{8,9}", value):
            raise ValueError("数値として保存され先頭の0が失われています。列を文字列にして保存し直してください。")
        raise ValueError("電話番号として読めません（0から始まる10桁または11桁）。")
    return digits


def _postal(value: str, was_number: bool) -> str:
    digits = "".join(c for c in value.replace("〒", "") if c.isdigit())
    if len(digits) != 7:
        if was_number and len(digits) == 6:
            raise ValueError("数値として保存され先頭の0が失われています。列を文字列にして保存し直してください。")
        raise ValueError("郵便番号は7桁で入力してください（例: 100-0001）。")
    return f"{digits[:3]}-{digits[3:]}"


def _birth(value: str, _n: bool) -> str:
    match = _DATE.fullmatch(value)
    if not match:
        raise ValueError("日付として読めません（例: 1980-04-01、1980/4/1）。")
    parts = [int(p) for p in match.groups() if p is not None]
    try:
        day = date(*parts)
    except ValueError:
        raise ValueError("存在しない日付です。") from None
    if not date(1900, 1, 1) <= day <= date.today():
        raise ValueError("生年月日の範囲外です。")
    return day.isoformat()


_CLEANERS = {
    "member_id": _member, "kana": _kana, "email": _email, "phone": _phone,
    "postal_code": _postal, "birth_date": _birth,
}


def normalize_birth(text: str) -> str:
    """A birth date as typed, in ISO form; '' when it is not a date."""
    try:
        return _birth(" ".join(unicodedata.normalize("NFKC", text or "").split()), False)
    except ValueError:
        return ""
