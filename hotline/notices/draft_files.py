"""Report drafts as TOML files, so a 第一報 can be prepared before it is needed.

The format is documented in docs/draft-format.md; examples/ holds ready-made files.
The value normalizers here are also used by the admin form, so a file and the form
accept and refuse the same input.
"""

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from ..cleaning import clean_text
from ..extensions import db
from ..models import Certainty, DataCategory, Incident, LeakStatus, Report, ReportCategory, User
from . import phrasing
from . import workflow as notices
from .consistency import Finding, check_report

MAX_TEXT = 10_000
MAX_COUNT = 1_000_000_000
SHORT_LIMITS = {"contact_phone": 40, "contact_hours": 200, "contact_form_url": 300, "note": 300}
TEXT_KEYS = ("situation", "apology", "background", "investigation", "secondary_risks",
             "customer_actions", "next_steps", "prevention", "correction")
FACT_TABLES = {"cause": "cause", "damage": "damage"}
CONTACT_KEYS = {"phone": "contact_phone", "hours": "contact_hours", "form_url": "contact_form_url"}
TOP_KEYS = {"incident", "is_final", "report", "period", "count", "cause", "damage", "contact", "categories"}
# C0/C1 controls except tab and newline, bidi overrides (text spoofing), odd separators.
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")

LEAK_WORDS = {
    **{s.value: s for s in LeakStatus}, **{s.label: s for s in LeakStatus},
    "確認済み": LeakStatus.CONFIRMED, "漏えいあり": LeakStatus.CONFIRMED,
    "可能性あり": LeakStatus.POSSIBLE, "漏えいなし": LeakStatus.NOT_LEAKED,
    "漏えいしていない": LeakStatus.NOT_LEAKED,
}
CERTAINTY_WORDS = {
    **{c.value: c for c in Certainty}, **{c.label: c for c in Certainty},
    "確定": Certainty.CONFIRMED, "確認済み": Certainty.CONFIRMED,
    "暫定": Certainty.PROVISIONAL, "調査中": Certainty.PROVISIONAL,
}
CATEGORY_WORDS = {**{c.value: c for c in DataCategory}, **{c.label: c for c in DataCategory}}


class DraftFileError(ValueError):
    """A draft file cannot be used; the message is Japanese and names the place."""


@dataclass
class DraftSpec:
    """What a draft file says: the incident, and the report fields it sets."""

    incident_slug: str
    is_final: bool = False
    fields: dict = field(default_factory=dict)
    categories: dict | None = None


def parse_count(value) -> int | None:
    """A record count from an int or text ('１，２００' → 1200); ValueError in Japanese."""
    if isinstance(value, bool):
        raise ValueError("件数は数字で入力してください。")
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).replace(",", "").replace("件", "").strip()
        if not text:
            return None
        if not re.fullmatch(r"[+-]?\d{1,12}", text):
            raise ValueError("件数は数字で入力してください（例：1,200）。")
        value = int(text)
    if not isinstance(value, int):
        raise ValueError("件数は数字で入力してください。")
    if value < 0:
        raise ValueError("件数に負の数は使えません。")
    if value > MAX_COUNT:
        raise ValueError(f"件数が大きすぎます（{MAX_COUNT:,}件以下で入力してください）。")
    return value


def word_key(text: str) -> str:
    """Normalize a status or category word for lookup (width, case, spaces)."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


def _lookup(table: dict, raw, what: str):
    """Find a word in one of the vocabularies above."""
    folded = {word_key(k): v for k, v in table.items()}
    if isinstance(raw, str) and word_key(raw) in folded:
        return folded[word_key(raw)]
    raise ValueError(f"{what}として使えない値です: {raw!r}")


def parse_draft(text: str) -> DraftSpec:
    """Read a TOML draft file; DraftFileError names the bad key and line."""
    try:
        data = tomllib.loads(text.lstrip("\ufeff"))
    except tomllib.TOMLDecodeError as error:
        raise DraftFileError(_toml_message(error)) from error
    reader = _Reader(text)
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        reader.fail("", unknown[0], "不明なキーです（docs/draft-format.md を参照してください）。")
    slug = data.get("incident")
    if not isinstance(slug, str) or not slug.strip():
        reader.fail("", "incident", "事案のスラッグ（incident = \"…\"）を文字列で指定してください。")
    is_final = data.get("is_final", False)
    if not isinstance(is_final, bool):
        reader.fail("", "is_final", "true または false で指定してください。")
    spec = DraftSpec(incident_slug=slug.strip(), is_final=is_final, fields={"is_final": is_final})
    reader.read_texts(data, spec.fields)
    reader.read_facts(data, spec.fields)
    if "categories" in data:
        spec.categories = reader.read_categories(data["categories"])
    return spec


def _toml_message(error: tomllib.TOMLDecodeError) -> str:
    """Japanese message for a TOML syntax error, keeping the position."""
    match = _TOML_POSITION.search(str(error))
    where = f"{match.group(1)}行目{match.group(2)}文字目" if match else "位置不明"
    detail = _TOML_POSITION.sub("", str(error)).strip()
    return f"TOMLの書き方に誤りがあります（{where}）: {detail}。引用符や括弧の閉じ忘れがないか確認してください。"


class _Reader:
    """Walks the parsed TOML, converting values and reporting errors with line numbers."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def fail(self, table: str, key: str, message: str):
        """Raise DraftFileError naming `table.key` and its line when found."""
        name = f"{table}.{key}" if table else key
        line = self.line_of(table, key)
        where = f"（{line}行目）" if line else ""
        raise DraftFileError(f"{name}{where}: {message}")

    def line_of(self, table: str, key: str) -> int | None:
        """Line number of `key = …` inside `[table]` (best effort)."""
        current, pattern = "", re.compile(r'^\s*["\']?' + re.escape(key) + r'["\']?\s*=')
        for number, line in enumerate(self.lines, start=1):
            header = re.match(r"^\s*\[([^\]]+)\]", line)
            if header:
                current = header.group(1).strip()
            elif current == table and pattern.match(line):
                return number
        return None

    def table(self, data: dict, name: str, allowed) -> dict:
        """A sub-table, refusing keys it does not know."""
        value = data.get(name, {})
        if not isinstance(value, dict):
            self.fail("", name, "表（[見出し]）として書いてください。")
        for key in value:
            if key not in allowed:
                self.fail(name, key, "不明なキーです（docs/draft-format.md を参照してください）。")
        return value

    def text(self, table: str, key: str, value, limit: int = MAX_TEXT) -> str:
        """A text value, cleaned and length-checked."""
        if not isinstance(value, str):
            self.fail(table, key, "文字列（\"…\" または \"\"\"…\"\"\"）で書いてください。")
        value = clean_text(value).strip()
        if len(value) > limit:
            self.fail(table, key, f"長すぎます（{limit:,}文字以内、現在{len(value):,}文字）。")
        return value

    def convert(self, table: str, key: str, converter, value):
        """Run a converter, turning its ValueError into a located DraftFileError."""
        try:
            return converter(value)
        except ValueError as error:
            self.fail(table, key, str(error))

    def read_texts(self, data: dict, fields: dict) -> None:
        """[report] text items and [contact]."""
        for key, value in self.table(data, "report", TEXT_KEYS).items():
            fields[key] = self.text("report", key, value)
        for key, value in self.table(data, "contact", CONTACT_KEYS).items():
            name = CONTACT_KEYS[key]
            fields[name] = self.text("contact", key, value, SHORT_LIMITS[name])

    def read_facts(self, data: dict, fields: dict) -> None:
        """[period], [count], [cause], [damage]: values with a certainty."""
        period = self.table(data, "period", ("start", "end", "certainty"))
        for key in ("start", "end"):
            if key in period:
                fields[f"period_{key}"] = self.convert("period", key, parse_date, period[key])
        count = self.table(data, "count", ("min", "max", "certainty"))
        for key in ("min", "max"):
            if key in count:
                fields[f"count_{key}"] = self.convert("count", key, parse_count, count[key])
        for name, table in (("period", period), ("count", count)):
            if "certainty" in table:
                fields[f"{name}_certainty"] = self.convert(name, "certainty", parse_certainty, table["certainty"])
        for name in FACT_TABLES:
            fact = self.table(data, name, ("text", "certainty"))
            if "text" in fact:
                fields[name] = self.text(name, "text", fact["text"])
            if "certainty" in fact:
                fields[f"{name}_certainty"] = self.convert(name, "certainty", parse_certainty, fact["certainty"])

    def read_categories(self, raw) -> dict:
        """[categories]: category = "status" or { status = "…", note = "…" }."""
        if not isinstance(raw, dict):
            self.fail("", "categories", "表（[categories]）として書いてください。")
        out = {}
        for key, value in raw.items():
            category = self.convert("categories", key, lambda k: _lookup(CATEGORY_WORDS, k, "データの種類"), key)
            note = ""
            if isinstance(value, dict):
                extra = set(value) - {"status", "note"}
                if extra or "status" not in value:
                    self.fail("categories", key, "{ status = \"…\", note = \"…\" } の形で書いてください。")
                note = self.text("categories", key, value.get("note", ""), SHORT_LIMITS["note"])
                value = value["status"]
            if category in out:
                self.fail("categories", key, "同じ種類が二度書かれています。")
            out[category] = (self.convert("categories", key, parse_leak_status, value), note)
        return out


def parse_date(value) -> date:
    """A TOML date or 'YYYY-MM-DD' text (full-width digits allowed)."""
    if isinstance(value, datetime):
        raise ValueError("日付だけを書いてください（時刻は不要です）。")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().replace("/", "-")
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError("日付は YYYY-MM-DD の形で書いてください（例：2026-11-01）。")


def parse_certainty(value) -> Certainty:
    """確定/confirmed or 暫定/調査中/provisional."""
    return _lookup(CERTAINTY_WORDS, value, "確度（確定／暫定）")


def parse_leak_status(value) -> LeakStatus:
    """確認済み/可能性あり/漏えいなし/調査中 or their English names."""
    return _lookup(LEAK_WORDS, value, "漏えいの状況（確認済み／可能性あり／漏えいなし／調査中）")


def find_incident(slug: str) -> Incident:
    """The incident a draft file names."""
    incident = db.session.scalar(select(Incident).filter_by(slug=slug))
    if incident is None:
        raise DraftFileError(f"incident: 事案が見つかりません: {slug}（管理画面で先に事案を登録してください）")
    return incident


def load_draft(spec: DraftSpec, author: User) -> Report:
    """Create a draft from a parsed file (start_draft, then update_draft)."""
    report = notices.start_draft(find_incident(spec.incident_slug), author)
    notices.update_draft(report, spec.fields, spec.categories, editor=author)
    db.session.flush()
    return report


def check_spec(spec: DraftSpec) -> tuple[str, list[Finding]]:
    """Label and findings the draft would have, without saving anything."""
    incident = find_incident(spec.incident_slug)
    published = notices.published_reports(incident)
    report = _unsaved_draft(incident, spec)
    label = phrasing.report_name(len(published) + 1, spec.is_final)
    return label, check_report(report, published)


def _unsaved_draft(incident: Incident, spec: DraftSpec) -> Report:
    """The draft the file would create, kept out of the session."""
    report = notices.unsaved_draft(incident)
    for name, value in spec.fields.items():
        setattr(report, name, value)
    if spec.categories is not None:
        report.categories = [ReportCategory(category=c, status=st, note=n) for c, (st, n) in spec.categories.items()]
    return report