"""Publishing an approved template as a public FAQ entry, facts filled in."""

import os
from datetime import date

from .. import audit, faq, search
from ..extensions import db
from ..faq import search as faq_search
from ..models import AnswerTemplate, AnswerTemplateVersion, FaqEntry, Role, TemplateStatus, User
from ..models._types import today_in_japan
from ..search.sync import after_commit
from . import placeholders
from .filling import answer_context, fill
from .templates import FAQ_KEY_PREFIX, LIMITS, AnswerError, require_role


def publish_as_faq(template: AnswerTemplate, supervisor: User) -> FaqEntry:
    """Create or update the template's FAQ entry with the facts filled in; the FAQ search follows."""
    require_role(supervisor, Role.SUPERVISOR, "FAQとしての公開には責任者以上の権限が必要です。")
    if template.status is not TemplateStatus.APPROVED:
        raise AnswerError("承認済みのテンプレートだけをFAQとして公開できます。"
                          + ("先に内容を確認し、再承認してください。" if template.status is TemplateStatus.NEEDS_REVIEW else ""))
    if template.expired:
        raise AnswerError("掲載期限を過ぎたテンプレートはFAQとして公開できません。")
    inputs = placeholders.input_slots(template.body)
    if inputs:
        raise AnswerError("お客様ごとに担当者が入力する箇所（" + "、".join(inputs) + "）があるため、FAQとしては公開できません。"
                          "FAQ用に、入力欄のない回答文のテンプレートを作成してください。")
    report, incident = answer_context(template)
    if report is None and placeholders.names_used(template.body):
        raise AnswerError("公開済みの報がないため、差し込み項目（{件数}など）を埋められません。"
                          "報を公開してから、もう一度FAQとして公開してください。")
    version = approved_version(template)
    if version.approved_category is None:
        raise AnswerError("この版の承認時のカテゴリーの記録がないため、FAQとして公開できません。"
                          "回答文を編集し、承認を受けてください。")
    entry = template.faq_entry
    until = public_until(entry.expires_on if entry else version.approved_expires_on, template)
    if until is not None and until < today_in_japan():
        raise AnswerError(f"{'FAQ' if entry else '承認時'}の掲載期限（{until:%Y年%m月%d日}）を過ぎているため、FAQとして公開できません。"
                          + ("掲載期限はFAQの編集画面で変更し、別の責任者の承認を受けてください。" if entry else
                             "掲載期限を延ばすには、回答文を編集して承認を受け直してください。"))
    answer = fill(template, keep_blocks=True)
    questions = template.question_list or [template.title]
    values = dict(
        key=entry.key if entry else (FAQ_KEY_PREFIX + template.key)[:LIMITS["key"]],
        category=entry.category if entry else version.approved_category.label, question=questions[0][:300],
        alternatives="\n".join(q for q in questions[1:] + [template.title] if q != questions[0]),
        keywords=template.keywords, answer=answer, incident_id=incident.id if incident else None,
        published=True, expires_on=until,
    )
    try:
        entry = publish_template_text(template, entry, values, supervisor, f"テンプレートv{template.version}をFAQとして公開")
    except faq.FaqFileError as error:
        raise AnswerError(f"FAQ「{values['key']}」として公開できません：{error}") from error
    template.faq_entry = entry
    db.session.flush()
    audit.record("publish_faq", "answer_template", template.id, detail=f"faq:{entry.key} v{template.version}",
                 user=supervisor)
    schedule_faq_index(entry)
    return entry


def publish_template_text(template: AnswerTemplate, entry: FaqEntry | None, values: dict, author: User | None,
                          note: str) -> FaqEntry:
    """Write the template's approved words (facts filled in) to its FAQ entry, recorded as approved
    by the person who approved that version of the template, never by one of its writers."""
    version = approved_version(template)
    return faq.publish_approved(entry, values, writers={version.edited_by_id} - {None}, approver=version.approved_by,
                                author=author, note=note)


def approved_version(template: AnswerTemplate) -> AnswerTemplateVersion:
    """The version in use, refused when no approver is recorded for it."""
    version = template.current_version
    if version is None or version.approved_by is None:
        raise AnswerError("この版の承認者の記録がないため、FAQとして公開できません。回答文を編集し、承認を受けてください。")
    return version


def public_until(approved: date | None, template: AnswerTemplate) -> date | None:
    """The FAQ's display limit: the approved one (the entry's own, or for a new entry the one
    the template's approver saw), brought forward, never pushed back, by the template's limit."""
    limits = [day for day in (approved, template.expires_on) if day is not None]
    return min(limits) if limits else None


def schedule_faq_index(entry: FaqEntry) -> None:
    """Update the public FAQ search after the commit, as the FAQ admin pages do."""
    directory = faq_search.index_dir()
    if not os.path.exists(directory):
        faq_search.rebuild()
    doc = faq.search_document(entry)
    after_commit(lambda: search.upsert_document(directory, doc))
