"""Report drafts as TOML files, so a 第一報 can be prepared before it is needed.

The format is documented in docs/draft-format.md; examples/ holds ready-made files.
Values are read by draft_values (shared with the admin form, so a file and the form
accept and refuse the same input) and groups of people by draft_groups.
"""

import re
import tomllib
from dataclasses import dataclass, field

from sqlalchemy import select

from ..cleaning import clean_text
from ..extensions import db
from ..models import Incident, Report, User
from . import phrasing
from .draft_groups import RESPONSE_KEYS, read_groups, read_response
from .draft_values import MAX_TEXT, SHORT_LIMITS, parse_certainty, parse_moment
from .groups import GroupError, GroupSpec, replace_groups
from . import workflow as notices
from .consistency import Finding, check_report

TOP_KEYS = {"incident", "is_final", "report", "period", "groups", "cause", "damage", "contact", "response"}
MOVED_KEYS = {"count": "件数は [[groups]] の count に", "categories": "情報の項目は [[groups]] の items に"}
TEXT_KEYS = ("title", "signatory", "situation", "apology", "background", "investigation", "secondary_risks",
             "customer_actions", "next_steps", "prevention", "correction")
FACT_TABLES = {"cause": "cause", "damage": "damage"}
CONTACT_KEYS = {"phone": "contact_phone", "hours": "contact_hours", "form_url": "contact_form_url"}
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


class DraftFileError(ValueError):
    """A draft file cannot be used; the message is Japanese and names the place."""


@dataclass
class DraftSpec:
    """What a draft file says: the incident, and the report fields it sets."""

    incident_slug: str
    is_final: bool = False
    fields: dict = field(default_factory=dict)
    groups: list[GroupSpec] | None = None


def parse_draft(text: str) -> DraftSpec:
    """Read a TOML draft file; DraftFileError names the bad key and line."""
    try:
        data = tomllib.loads(text.lstrip("\ufeff"))
    except tomllib.TOMLDecodeError as error:
        raise DraftFileError(_toml_message(error)) from error
    reader = _Reader(text)
    moved = sorted(set(data) & set(MOVED_KEYS))
    if moved:
        reader.fail("", moved[0], f"{MOVED_KEYS[moved[0]]}移りました（docs/draft-format.md の「対象者の区分」を参照してください）。")
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
    read_response(reader, reader.table(data, "response", RESPONSE_KEYS), spec.fields)
    if "groups" in data:
        spec.groups = read_groups(reader, data["groups"])
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
        """Line number of `key = …` inside `[table]`, or inside the Nth `[[groups]]` for 'groups[N]'."""
        array = re.fullmatch(r"(\w+)\[(\d+)\]", table)
        current, seen, pattern = "", 0, re.compile(r'^\s*["\']?' + re.escape(key) + r'["\']?\s*=')
        for number, line in enumerate(self.lines, start=1):
            header = re.match(r"^\s*\[\[\s*([^\]]+?)\s*\]\]|^\s*\[([^\]]+)\]", line)
            if header and header.group(1):
                seen += header.group(1) == (array.group(1) if array else None)
                current = f"{header.group(1)}[{seen}]"
            elif header:
                name = header.group(2).strip()
                current = current if array and name.startswith(array.group(1) + ".") else name
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
            text = self.text("report", key, value, SHORT_LIMITS.get(key, MAX_TEXT))
            fields[key] = " ".join(text.split()) if key == "title" else text
        for key, value in self.table(data, "contact", CONTACT_KEYS).items():
            name = CONTACT_KEYS[key]
            fields[name] = self.text("contact", key, value, SHORT_LIMITS[name])

    def read_facts(self, data: dict, fields: dict) -> None:
        """[period], [count], [cause], [damage]: values with a certainty."""
        period = self.table(data, "period", ("start", "end", "certainty", "start_certainty", "end_certainty", "reason"))
        if "reason" in period:
            fields["period_reason"] = self.text("period", "reason", period["reason"])
        for key in ("start", "end"):
            if key in period:
                fields[f"period_{key}"], fields[f"period_{key}_time"] = self.convert(
                    "period", key, parse_moment, period[key])
        for key, name in (("certainty", "period_certainty"), ("start_certainty", "period_certainty"),
                          ("end_certainty", "period_end_certainty")):
            if key in period:
                fields[name] = self.convert("period", key, parse_certainty, period[key])
        for name in FACT_TABLES:
            fact = self.table(data, name, ("text", "certainty"))
            if "text" in fact:
                fields[name] = self.text(name, "text", fact["text"])
            if "certainty" in fact:
                fields[f"{name}_certainty"] = self.convert(name, "certainty", parse_certainty, fact["certainty"])


def find_incident(slug: str) -> Incident:
    """The incident a draft file names."""
    incident = db.session.scalar(select(Incident).filter_by(slug=slug))
    if incident is None:
        raise DraftFileError(f"incident: 事案が見つかりません: {slug}（管理画面で先に事案を登録してください）")
    return incident


def load_draft(spec: DraftSpec, author: User) -> Report:
    """Create a draft from a parsed file (start_draft, then update_draft)."""
    report = notices.start_draft(find_incident(spec.incident_slug), author)
    notices.update_draft(report, spec.fields, spec.groups, editor=author)
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
    if spec.groups is not None:
        try:
            replace_groups(report, spec.groups)
        except GroupError as error:
            raise DraftFileError(f"groups: {error}") from error
    return report