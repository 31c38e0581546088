"""Answer templates as files (answers/*.md), in the same shape as the FAQ files.

A file is TOML front matter between +++ lines, then the answer body:

    +++
    id = "card-replace"
    title = "カードの再発行"
    category = "カードと不正利用"          # a label or value of InquiryCategory
    questions = ["カードは再発行したほうがいいですか？"]
    keywords = ["再発行"]
    incident = "2026-midori-store"        # optional: the incident's slug
    +++
    回答文 … {お問い合わせ窓口} …

An import is an edit like any other: the file's text comes in as written by the supervisor
named for the import and is used only once another supervisor approves it in the back office
(a new id is a proposal, a changed file a version waiting for approval while agents keep the
approved text). Re-importing is idempotent; a template with another edit waiting, or retired,
is left as it is.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from ..extensions import db
from ..models import AnswerTemplate, Incident, Role, TemplateStatus, User
from . import templates as answers

FRONT_MATTER = "+++"
KNOWN_KEYS = {"id", "title", "category", "questions", "keywords", "incident"}


class AnswerFileError(ValueError):
    """A template file could not be read; the message (Japanese) names the file and the problem."""


@dataclass
class ImportResult:
    """What an import did."""

    changed: list[AnswerTemplate] = field(default_factory=list)
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)


def parse_answer_file(text: str, name: str = "") -> dict:
    """Header and body of one file as raw values (id → key, incident slug kept as `incident`)."""
    lines = text.lstrip("\ufeff").splitlines()
    stripped = [line.strip() for line in lines]
    if not lines or stripped[0] != FRONT_MATTER or FRONT_MATTER not in stripped[1:]:
        raise AnswerFileError(f"{name}: 先頭に「+++」で囲んだヘッダーが必要です。")
    end = 1 + stripped[1:].index(FRONT_MATTER)
    try:
        header = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as error:
        raise AnswerFileError(f"{name}: ヘッダーを読み取れません（{error}）。") from error
    unknown = set(header) - KNOWN_KEYS
    if unknown:
        raise AnswerFileError(f"{name}: 不明な項目があります：{', '.join(sorted(unknown))}")
    for list_key in ("questions", "keywords"):
        value = header.get(list_key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise AnswerFileError(f"{name}: {list_key} は文字列の配列で指定してください。")
    missing = [k for k in ("id", "title", "category") if not str(header.get(k, "")).strip()]
    if missing:
        raise AnswerFileError(f"{name}: 必須の項目がありません：{', '.join(missing)}")
    return {"key": str(header["id"]), "title": str(header["title"]), "category": str(header["category"]),
            "questions": header.get("questions", []), "keywords": header.get("keywords", []),
            "body": "\n".join(lines[end + 1:]).strip(), "incident": header.get("incident")}


def read_answer_dir(directory: Path) -> list[dict]:
    """Parse every *.md file; errors name the file. Duplicate ids are refused."""
    specs, seen = [], {}
    for path in sorted(Path(directory).glob("*.md")):
        spec = parse_answer_file(path.read_text(encoding="utf-8"), path.name)
        if spec["key"] in seen:
            raise AnswerFileError(f"{path.name}: id「{spec['key']}」は {seen[spec['key']]} でも使われています。")
        seen[spec["key"]] = path.name
        spec["file"] = path.name
        specs.append(spec)
    return specs


def _values(spec: dict) -> dict:
    """Cleaned template values of a parsed file; errors name the file."""
    name = spec.get("file", "")
    incident_id = None
    if spec.get("incident"):
        incident = db.session.scalar(select(Incident).filter_by(slug=str(spec["incident"])))
        incident_id = incident.id if incident else None
    raw = {k: spec[k] for k in ("key", "title", "category", "questions", "keywords", "body")}
    try:
        return answers.clean_values({**raw, "incident_id": incident_id})
    except answers.AnswerError as error:
        raise AnswerFileError(f"{name}: {error}") from error


def import_specs(specs: list[dict], author: User) -> ImportResult:
    """Bring template files in as text written by `author`, each waiting for a second supervisor."""
    answers.require_role(author, Role.SUPERVISOR, "取り込みには責任者以上のアカウントを指定してください。")
    result = ImportResult()
    for spec in specs:
        values = _values(spec)
        template = db.session.scalar(select(AnswerTemplate).filter_by(key=values["key"]))
        try:
            if template is None:
                result.changed.append(answers.create(values, author))
            elif _says(template, values):
                result.unchanged += 1
            elif template.status is TemplateStatus.RETIRED or template.pending_version is not None:
                result.kept.append(template.key)
            else:
                result.changed.append(answers.save_template(template, values, author))
        except answers.AnswerError as error:
            raise AnswerFileError(f"{spec.get('file', '')}: {error}") from error
    return result


def _says(template: AnswerTemplate, values: dict) -> bool:
    """True when the template (its text waiting for approval, if any) already says what the file says."""
    text = template.pending_version or template
    return all(getattr(text if name in answers.CONTENT_FIELDS else template, name) == value
               for name, value in values.items())
