"""Approving a template: the version waiting is put in use by someone who did not write it.

Also bringing back an earlier version, which is an edit like any other and waits the same way.
"""

from .. import audit
from ..extensions import db
from ..models import AnswerTemplate, Role, TemplateStatus, User
from ..models._types import utcnow
from . import placeholders
from . import search as answer_search
from .templates import CONTENT_FIELDS, AnswerError, _snapshot, record_approval, require_role, save_template


def approve(template: AnswerTemplate, supervisor: User, version: int | None = None) -> AnswerTemplate:
    """Put the text waiting for approval in use as the shared answer; clears a review flag.

    Nobody who wrote that text may approve it. With `version`, the approval is of the
    version the approver was shown, and is refused when another one has come since.
    """
    require_role(supervisor, Role.SUPERVISOR, "テンプレートの承認には責任者以上の権限が必要です。")
    pending = template.pending_version
    if template.status is TemplateStatus.APPROVED and pending is None:
        raise AnswerError("このテンプレートは既に承認済みです。")
    shown = pending.version if pending else template.version
    if version is not None and version != shown:
        raise AnswerError("表示した後に内容が変わりました。新しい内容を確認してから承認してください。")
    if supervisor.id in template.writers_awaiting_approval():
        raise AnswerError("この回答文を書いた（編集した）方は承認できません。別の責任者に承認を依頼してください。")
    problems = placeholders.check_text(pending.body if pending else template.body)
    if problems:
        raise AnswerError(" ".join(problems), "body")
    # The version row is approved (and written) first: the database accepts a template's text
    # in use only when it is that of an approved version (migration f0a1b2c30026).
    chosen = pending or template.current_version
    if chosen is None:
        _snapshot(template, None, supervisor)
    elif chosen.approved_by_id is None:
        record_approval(chosen, template, supervisor)
    db.session.flush()
    if pending is not None:
        for name in CONTENT_FIELDS:
            setattr(template, name, getattr(pending, name))
        template.version = pending.version
    template.status = TemplateStatus.APPROVED
    template.approved_by, template.approved_at = supervisor, utcnow()
    template.review_reason = ""
    db.session.flush()
    audit.record("approve", "answer_template", template.id, detail=f"v{template.version}", user=supervisor)
    answer_search.schedule(template)
    return template


def revert(template: AnswerTemplate, version: int, editor: User) -> AnswerTemplate:
    """Bring back the text of an earlier version, as an edit (it waits for approval like any)."""
    row = next((v for v in template.versions if v.version == version), None)
    if row is None:
        raise AnswerError("その版はありません。")
    if all(getattr(row, name) == getattr(template.pending_version or template, name) for name in CONTENT_FIELDS):
        raise AnswerError("その版は、いまの内容と同じです。")
    return save_template(template, {name: getattr(row, name) for name in CONTENT_FIELDS}, editor)
