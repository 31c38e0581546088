"""What a version of a template changes: line diffs of its title, questions, keywords and body."""

from ..models import AnswerTemplate, AnswerTemplateVersion
from ..textdiff import FieldDiff, field_diffs

FIELD_LABELS = {"title": "件名", "questions": "想定される質問", "keywords": "キーワード", "body": "回答文"}


def _text(item) -> dict:
    """The text fields of a template or one of its versions (empty for None)."""
    return {name: getattr(item, name) for name in FIELD_LABELS} if item is not None else {}


def version_diff(old: AnswerTemplate | AnswerTemplateVersion | None,
                 new: AnswerTemplate | AnswerTemplateVersion) -> list[FieldDiff]:
    """The fields `new` changes against `old` (everything, when there is no `old`)."""
    return field_diffs(FIELD_LABELS, _text(old), _text(new))


def pending_diff(template: AnswerTemplate) -> list[FieldDiff]:
    """What the edit waiting for approval would change in the text agents use now."""
    pending = template.pending_version
    return version_diff(template, pending) if pending else []


def previous_of(template: AnswerTemplate, version: AnswerTemplateVersion) -> AnswerTemplateVersion | None:
    """The version before `version` in the template's history."""
    earlier = [v for v in template.versions if v.version < version.version]
    return earlier[-1] if earlier else None
