"""Answer templates (想定Q&A): proposals, approval, versions, review flags, FAQ publishing.

Plain functions over models; callers commit. Search indexes follow each change once
the transaction commits (hotline.index_sync). Messages of AnswerError are Japanese and
shown to staff.
"""

import os
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import or_, select

from . import answer_search, audit, draft_files, faq, faq_search, notices, placeholders, search
from .extensions import db
from .index_sync import after_commit
from .models import (
    AnswerTemplate, AnswerTemplateVersion, FaqEntry, Incident, InquiryCategory, Report, Role,
    TemplateStatus, User,
)
from .models._types import utcnow

CONTENT_FIELDS = ("title", "questions", "keywords", "body")
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
LIMITS = {"key": 80, "title": 200, "questions": 5000, "keywords": 2000, "body": 20000}
FAQ_KEY_PREFIX = "qa-"


class AnswerError(Exception):
    """A rule about templates was broken. `errors` maps form field names to messages."""

    def __init__(self, message: str, field: str | None = None, errors: dict[str, list[str]] | None = None):
        """`field` names the form field the message belongs to, if any."""
        super().__init__(message)
        self.field = field
        self.errors = errors if errors is not None else ({field: [message]} if field else {})


@dataclass(frozen=True)
class Suggestion:
    """A template proposed for a question; `warning` is set while it waits for review."""

    template: AnswerTemplate
    title_html: str
    snippet_html: str
    warning: str


@dataclass(frozen=True)
class Preview:
    """A template body filled from a report, or the reason it cannot be."""

    text: str | None
    error: str | None
    source: str


# ---------------------------------------------------------------- roles


def _require(user: User | None, role: Role, message: str) -> None:
    """Refuse users below `role`."""
    if user is None or not user.has_role(role):
        raise AnswerError(message)


def can_edit(template: AnswerTemplate, user: User) -> bool:
    """Supervisors edit any template that is not retired; agents only their own proposals."""
    if template.status is TemplateStatus.RETIRED:
        return False
    if user.has_role(Role.SUPERVISOR):
        return True
    return template.status is TemplateStatus.PROPOSAL and template.created_by_id == user.id


# ---------------------------------------------------------------- values


def _clean(text: str) -> str:
    """Text without control characters (the same cleaning as every staff form)."""
    return draft_files.clean_text(text)


def _lines(value) -> str:
    """One item per line from a list or a text, cleaned, blank lines dropped."""
    items = value if isinstance(value, (list, tuple)) else _clean(value or "").splitlines()
    return "\n".join(_clean(str(item)).replace("\n", " ").strip() for item in items if str(item).strip())


def _category(value) -> InquiryCategory:
    """An InquiryCategory from itself, its value or its label."""
    if isinstance(value, InquiryCategory):
        return value
    try:
        return InquiryCategory.from_text(str(value or ""))
    except ValueError as error:
        raise AnswerError("カテゴリーを選んでください。", "category") from error


def clean_values(values: dict) -> dict:
    """Normalized column values from user input; unknown names are refused."""
    allowed = {"key", "title", "category", "questions", "keywords", "body", "incident_id"}
    unknown = set(values) - allowed
    if unknown:
        raise AnswerError(f"不明な項目です：{', '.join(sorted(unknown))}")
    out = {}
    for name, value in values.items():
        if name == "key":
            out[name] = _clean(value or "").strip().lower()
        elif name == "title":
            out[name] = _clean(value or "").replace("\n", " ").strip()
        elif name in ("questions", "keywords"):
            out[name] = _lines(value)
        elif name == "body":
            out[name] = _clean(value or "").strip()
        elif name == "category":
            out[name] = _category(value)
        else:
            out[name] = value or None
    return out


def _validate(values: dict, template: AnswerTemplate | None) -> None:
    """Every problem at once, keyed by field; raises AnswerError when there is one."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        """Note one problem of one field."""
        errors.setdefault(field, []).append(message)

    for field, limit in LIMITS.items():
        if len(values.get(field) or "") > limit:
            add(field, f"{limit:,}文字以内で入力してください。")
    if not values.get("title"):
        add("title", "件名を入力してください。")
    if not values.get("questions"):
        add("questions", "想定される質問を1行以上入力してください。")
    if not values.get("body"):
        add("body", "回答文を入力してください。")
    for message in placeholders.check_text(values.get("body") or ""):
        add("body", message)
    key = values.get("key", "")
    if not KEY_PATTERN.match(key):
        add("key", "IDは半角英小文字・数字・ハイフンで入力してください。")
    else:
        other = db.session.scalar(select(AnswerTemplate).filter_by(key=key))
        if other is not None and other is not template:
            add("key", "そのIDは既に使われています。")
    if values.get("incident_id") is not None and db.session.get(Incident, values["incident_id"]) is None:
        add("incident_id", "事案が見つかりません。")
    if errors:
        field = next(iter(errors))
        raise AnswerError(" ".join(m for ms in errors.values() for m in ms), field, errors)


def new_key() -> str:
    """A fresh key for a template written in the console."""
    return f"q-{secrets.token_hex(5)}"


# ---------------------------------------------------------------- writing


def _snapshot(template: AnswerTemplate, editor: User | None, approver: User | None = None) -> None:
    """Record the template's current text as its version row."""
    template.versions.append(AnswerTemplateVersion(
        version=template.version, title=template.title, questions=template.questions,
        keywords=template.keywords, body=template.body, edited_by=editor, approved_by=approver))


def create(values: dict, editor: User | None, status: TemplateStatus = TemplateStatus.PROPOSAL) -> AnswerTemplate:
    """A new template (version 1) from cleaned values; only file imports start approved."""
    values = {"key": new_key(), **values}
    _validate(values, None)
    template = AnswerTemplate(created_by=editor, version=1, status=status, review_reason="", times_used=0, **values)
    if status is TemplateStatus.APPROVED:
        template.approved_at = utcnow()
    _snapshot(template, editor)
    db.session.add(template)
    db.session.flush()
    audit.record("propose" if status is TemplateStatus.PROPOSAL else "import", "answer_template", template.id,
                 detail=f"v{template.version}", user=editor)
    answer_search.schedule(template)
    return template


def propose(author: User, title: str, questions, body: str, category, keywords, incident: Incident | None):
    """An agent's (or anyone's) new answer, waiting for a supervisor: status proposal."""
    _require(author, Role.AGENT, "提案にはログインが必要です。")
    values = clean_values({"title": title, "questions": questions, "body": body, "category": category,
                           "keywords": keywords, "incident_id": incident.id if incident else None})
    return create(values, author)


def save_template(template: AnswerTemplate | None, values: dict, editor: User) -> AnswerTemplate:
    """Create (as a proposal) or change a template; a change of text makes a new version.

    A supervisor's edit of an approved template goes live at once and records the
    supervisor as its approver; agents may only edit their own proposals.
    """
    _require(editor, Role.AGENT, "編集にはログインが必要です。")
    values = clean_values(values)
    if template is None:
        return create(values, editor)
    if not can_edit(template, editor):
        if template.status is TemplateStatus.RETIRED:
            raise AnswerError("廃止したテンプレートは編集できません。使う場合は責任者が承認し直してください。")
        raise AnswerError("このテンプレートを編集できるのは責任者以上です（オペレーターは自分の提案だけを編集できます）。")
    merged = {name: getattr(template, name) for name in ("key", "title", "category", "questions", "keywords",
                                                         "body", "incident_id")} | values
    _validate(merged, template)
    old_key = template.key
    text_changed = any(merged[name] != getattr(template, name) for name in CONTENT_FIELDS)
    other_changed = any(merged[name] != getattr(template, name) for name in ("key", "category", "incident_id"))
    if not (text_changed or other_changed):
        return template
    for name, value in merged.items():
        setattr(template, name, value)
    if text_changed:
        template.version += 1
        live = template.status is TemplateStatus.APPROVED
        if live:
            template.approved_by, template.approved_at = editor, utcnow()
        _snapshot(template, editor, editor if live else None)
    db.session.flush()
    audit.record("update", "answer_template", template.id, detail=f"v{template.version}", user=editor)
    answer_search.schedule(template, old_key)
    return template


def revise_from_file(template: AnswerTemplate, values: dict) -> AnswerTemplate:
    """Replace the text of a file-managed template with its file's: a new approved version."""
    merged = {name: getattr(template, name) for name in ("key", "category", "incident_id", *CONTENT_FIELDS)} | values
    _validate(merged, template)
    for name, value in merged.items():
        setattr(template, name, value)
    template.version += 1
    template.status, template.review_reason = TemplateStatus.APPROVED, ""
    template.approved_by, template.approved_at = None, utcnow()
    _snapshot(template, None)
    db.session.flush()
    audit.record("import", "answer_template", template.id, detail=f"v{template.version}")
    answer_search.schedule(template)
    return template


def approve(template: AnswerTemplate, supervisor: User) -> AnswerTemplate:
    """Make the current version the shared answer every agent sees; clears a review flag."""
    _require(supervisor, Role.SUPERVISOR, "テンプレートの承認には責任者以上の権限が必要です。")
    if template.status is TemplateStatus.APPROVED:
        raise AnswerError("このテンプレートは既に承認済みです。")
    problems = placeholders.check_text(template.body)
    if problems:
        raise AnswerError(" ".join(problems), "body")
    template.status = TemplateStatus.APPROVED
    template.approved_by, template.approved_at = supervisor, utcnow()
    template.review_reason = ""
    version = template.current_version
    if version is None:
        _snapshot(template, None, supervisor)
    else:
        version.approved_by = supervisor
    db.session.flush()
    audit.record("approve", "answer_template", template.id, detail=f"v{template.version}", user=supervisor)
    answer_search.schedule(template)
    return template


def retire(template: AnswerTemplate, supervisor: User) -> AnswerTemplate:
    """Stop offering a template to agents (its history stays)."""
    _require(supervisor, Role.SUPERVISOR, "テンプレートの廃止には責任者以上の権限が必要です。")
    if template.status is TemplateStatus.RETIRED:
        raise AnswerError("このテンプレートは既に廃止されています。")
    template.status = TemplateStatus.RETIRED
    db.session.flush()
    audit.record("retire", "answer_template", template.id, user=supervisor)
    answer_search.schedule(template)
    return template


def record_use(template: AnswerTemplate, user: User | None = None) -> None:
    """Count one answer given with the template (atomic in SQL, safe across workers)."""
    if not template.status.usable:
        raise AnswerError(f"このテンプレートは現在使えません（{template.status.label}）。")
    template.times_used = AnswerTemplate.times_used + 1
    db.session.flush()
    audit.record("use", "answer_template", template.id, user=user)


# ---------------------------------------------------------------- filling in


def answer_context(template: AnswerTemplate, incident: Incident | None = None) -> tuple[Report | None, Incident | None]:
    """(latest published report, incident) whose facts fill the template's placeholders."""
    incident = incident or template.incident
    if incident is None:
        candidates = notices.active_incidents() or notices.public_incidents()
        incident = candidates[0] if candidates else None
    return (notices.latest_published(incident) if incident else None), incident


def fill(template: AnswerTemplate, incident: Incident | None = None, base_url: str = "") -> str:
    """The template's answer with its placeholders filled; AnswerError when it cannot be.

    `base_url` makes links to this site absolute (for answers sent by mail).
    """
    report, incident = answer_context(template, incident)
    if incident is None and placeholders.names_used(template.body):
        raise AnswerError("事案が登録されていないため、差し込み項目を埋められません。")
    try:
        return placeholders.render(template.body, report, incident, base_url)
    except placeholders.PlaceholderError as error:
        raise AnswerError(str(error), "body") from error


def preview(template: AnswerTemplate) -> Preview:
    """What an agent's answer would say now, for supervisor pages."""
    report, incident = answer_context(template)
    source = f"{placeholders.report_label(report)}の内容で表示しています。" if report else ""
    try:
        return Preview(fill(template), None, source)
    except AnswerError as error:
        return Preview(None, str(error), source)


# ---------------------------------------------------------------- review flags


def flag_changed(previous_report: Report | None, new_report: Report) -> list[AnswerTemplate]:
    """Mark shared templates whose placeholders draw on facts the new report changed.

    Never flushes: the publishing code may still adjust the report before its own flush.
    """
    with db.session.no_autoflush:
        changed = placeholders.changed_fields(previous_report, new_report)
        if not changed:
            return []
        rows = db.session.scalars(select(AnswerTemplate).where(
            AnswerTemplate.status.in_(answer_search.USABLE),
            or_(AnswerTemplate.incident_id.is_(None), AnswerTemplate.incident_id == new_report.incident_id),
        ).order_by(AnswerTemplate.id)).all()
        return [t for t in rows if _flag(t, new_report, placeholders.fields_used(t.body) & changed)]


def _flag(template: AnswerTemplate, report: Report, fields: set[str]) -> bool:
    """Mark one template for review because `fields` changed; False when none of them did."""
    if not fields:
        return False
    reason = _review_reason(template, report, placeholders.describe_fields(fields))
    if template.status is TemplateStatus.NEEDS_REVIEW and template.review_reason:
        if reason not in template.review_reason:
            template.review_reason += "\n" + reason
    else:
        template.review_reason = reason
    template.status = TemplateStatus.NEEDS_REVIEW
    audit.record("flag", "answer_template", template.id, detail=reason[:200])
    _refresh_faq_facts(template, report)
    return True


def _refresh_faq_facts(template: AnswerTemplate, report: Report) -> None:
    """Keep the public FAQ entry made from a template on the facts of the newest report.

    The approved wording stays; only the placeholders are filled again (with their
    caveats), so the public page never shows superseded counts or categories while
    the template waits for review.
    """
    entry = template.faq_entry
    if entry is None:
        return
    try:
        entry.answer = placeholders.render(template.body, report, report.incident)
    except placeholders.PlaceholderError:
        return
    audit.record("refresh_faq", "answer_template", template.id, detail=f"faq:{entry.key}")
    _schedule_faq_index(entry)


def _review_reason(template: AnswerTemplate, report: Report, labels: list[str]) -> str:
    """Japanese reason: which report changed what, and what to do."""
    text = (f"{placeholders.report_label(report)}の公表で、この回答が使う事実が変わりました："
            f"{'、'.join(labels)}。回答文が新しい内容に合っているか確認し、再承認してください。")
    if template.faq_entry_id:
        text += "FAQに掲載している回答の事実は、新しい報の内容に自動で差し替えました。回答文全体も合っているか確認してください。"
    return text


def flag_after_publish(report: Report) -> list[AnswerTemplate]:
    """Hook for notices.approve_and_publish: compare with the report published before it."""
    earlier = notices.earlier_published(report)
    return flag_changed(earlier[-1] if earlier else None, report)


# ---------------------------------------------------------------- suggestions and FAQ


def suggest(text: str, limit: int = 3) -> list[Suggestion]:
    """Approved and needs-review templates for a question, best first; the latter with a warning."""
    out = []
    for hit in answer_search.search_templates(text, limit=limit):
        template = hit.template
        warning = ""
        if template.status is TemplateStatus.NEEDS_REVIEW:
            warning = ("事実が変わったため責任者の確認待ちです。使う前に、差し込まれる内容と回答文が合っているか"
                       f"ご確認ください。（{template.review_reason}）")
        out.append(Suggestion(template, hit.title_html, hit.snippet_html, warning))
    return out


def publish_as_faq(template: AnswerTemplate, supervisor: User) -> FaqEntry:
    """Create or update the template's FAQ entry with the facts filled in; the FAQ search follows."""
    _require(supervisor, Role.SUPERVISOR, "FAQとしての公開には責任者以上の権限が必要です。")
    if template.status is not TemplateStatus.APPROVED:
        raise AnswerError("承認済みのテンプレートだけをFAQとして公開できます。"
                          + ("先に内容を確認し、再承認してください。" if template.status is TemplateStatus.NEEDS_REVIEW else ""))
    report, incident = answer_context(template)
    if report is None and placeholders.names_used(template.body):
        raise AnswerError("公開済みの報がないため、差し込み項目（{件数}など）を埋められません。"
                          "報を公開してから、もう一度FAQとして公開してください。")
    answer = fill(template)
    questions = template.question_list or [template.title]
    entry = template.faq_entry
    values = dict(
        key=entry.key if entry else (FAQ_KEY_PREFIX + template.key)[:LIMITS["key"]],
        category=template.category.label, question=questions[0][:300],
        alternatives="\n".join(q for q in questions[1:] + [template.title] if q != questions[0]),
        keywords=template.keywords, answer=answer, incident_id=incident.id if incident else None,
        published=True,
    )
    try:
        entry = faq.save_entry(entry, values, source="template")
    except faq.FaqFileError as error:
        raise AnswerError(f"FAQ「{values['key']}」として公開できません：{error}") from error
    template.faq_entry = entry
    db.session.flush()
    audit.record("publish_faq", "answer_template", template.id, detail=f"faq:{entry.key} v{template.version}",
                 user=supervisor)
    _schedule_faq_index(entry)
    return entry


def _schedule_faq_index(entry: FaqEntry) -> None:
    """Update the public FAQ search after the commit, as the FAQ admin pages do."""
    directory = faq_search.index_dir()
    if not os.path.exists(directory):
        faq_search.rebuild()
    doc = faq.search_document(entry)
    after_commit(lambda: search.upsert_document(directory, doc))
