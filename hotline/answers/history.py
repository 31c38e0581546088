"""What a version of a template changes: line diffs of its title, questions, keywords and body."""

import difflib
from dataclasses import dataclass

from ..models import AnswerTemplate, AnswerTemplateVersion

FIELD_LABELS = {"title": "件名", "questions": "想定される質問", "keywords": "キーワード", "body": "回答文"}


@dataclass(frozen=True)
class FieldDiff:
    """One field that changed, as lines marked 'same', 'added' or 'removed'."""

    label: str
    lines: list[tuple[str, str]]


def line_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Lines of `new` against `old`: ('same' | 'added' | 'removed', line)."""
    out = []
    for line in difflib.ndiff((old or "").splitlines(), (new or "").splitlines()):
        tag, text = line[:2], line[2:]
        if tag == "  ":
            out.append(("same", text))
        elif tag == "+ ":
            out.append(("added", text))
        elif tag == "- ":
            out.append(("removed", text))
    return out


def version_diff(old: AnswerTemplate | AnswerTemplateVersion | None,
                 new: AnswerTemplate | AnswerTemplateVersion) -> list[FieldDiff]:
    """The fields `new` changes against `old` (everything, when there is no `old`)."""
    out = []
    for name, label in FIELD_LABELS.items():
        before = getattr(old, name) if old is not None else ""
        after = getattr(new, name)
        if before != after:
            out.append(FieldDiff(label, line_diff(before, after)))
    return out


def pending_diff(template: AnswerTemplate) -> list[FieldDiff]:
    """What the edit waiting for approval would change in the text agents use now."""
    pending = template.pending_version
    return version_diff(template, pending) if pending else []


def previous_of(template: AnswerTemplate, version: AnswerTemplateVersion) -> AnswerTemplateVersion | None:
    """The version before `version` in the template's history."""
    earlier = [v for v in template.versions if v.version < version.version]
    return earlier[-1] if earlier else None
