"""Answer templates (想定Q&A): values, proposals, edits, versions, approval, retirement, use.

Plain functions over models; callers commit. Search indexes follow each change once
the transaction commits (hotline.search.sync). Messages of AnswerError are Japanese and
shown to staff.
"""

import re
import secrets
from datetime import date

from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..models import (
    AnswerTemplate, AnswerTemplateVersion, Incident, InquiryCategory, Role, TemplateStatus, User,
)
from ..models._types import today_in_japan
from ..faq import blocks
from ..notices import draft_files
from . import placeholders
from . import search as answer_search

CONTENT_FIELDS = ("title", "questions", "keywords", "body")
OTHER_FIELDS = ("key", "category", "incident_id", "expires_on")  # take effect at once (not public text)
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


# ---------------------------------------------------------------- roles


def require_role(user: User | None, role: Role, message: str) -> None:
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
    allowed = {"key", "title", "category", "questions", "keywords", "body", "incident_id", "expires_on"}
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
        elif name == "expires_on":
            out[name] = value if isinstance(value, date) else None
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
    for name in blocks.unknown_in(values.get("body") or ""):
        add("body", f"共通文面「{name}」はありません（承認済みの共通文面の名前を、{{文面:名前}}と書いてください）。")
    key = values.get("key", "")
    if not KEY_PATTERN.match(key):
        add("key", "IDは半角英小文字・数字・ハイフンで入力してください。")
    else:
        other = db.session.scalar(select(AnswerTemplate).filter_by(key=key))
        if other is not None and other is not template:
            add("key", "そのIDは既に使われています。")
    expires = values.get("expires_on")
    if expires is not None and (template is None or expires != template.expires_on) and expires < today_in_japan():
        add("expires_on", "掲載期限には今日以降の日付を入力してください。")
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
    version = AnswerTemplateVersion(
        version=template.version, title=template.title, questions=template.questions,
        keywords=template.keywords, body=template.body, edited_by=editor)
    if approver is not None:
        record_approval(version, template, approver)
    template.versions.append(version)


def record_approval(version: AnswerTemplateVersion, template: AnswerTemplate, approver: User) -> None:
    """The approver, with the category and display limit shown beside the text: a FAQ entry made
    from this version is public under these, not under values changed afterwards by one person."""
    version.approved_by = approver
    version.approved_category, version.approved_expires_on = template.category, template.expires_on


def create(values: dict, editor: User) -> AnswerTemplate:
    """A new template (version 1) from cleaned values: a proposal until someone else approves it."""
    values = {"key": new_key(), **values}
    _validate(values, None)
    template = AnswerTemplate(created_by=editor, version=1, status=TemplateStatus.PROPOSAL, review_reason="",
                              times_used=0, **values)
    _snapshot(template, editor)
    db.session.add(template)
    db.session.flush()
    audit.record("propose", "answer_template", template.id, detail=f"v{template.version}", user=editor)
    answer_search.schedule(template)
    return template


def propose(author: User, title: str, questions, body: str, category, keywords, incident: Incident | None):
    """An agent's (or anyone's) new answer, waiting for a supervisor: status proposal."""
    require_role(author, Role.AGENT, "提案にはログインが必要です。")
    values = clean_values({"title": title, "questions": questions, "body": body, "category": category,
                           "keywords": keywords, "incident_id": incident.id if incident else None})
    return create(values, author)


def save_template(template: AnswerTemplate | None, values: dict, editor: User) -> AnswerTemplate:
    """Create (as a proposal) or change a template; a change of text makes a new version.

    A change of the text of a shared (approved or flagged) template does not go live: it
    becomes a version waiting for approval by someone who did not write it, and agents keep
    the approved text until then. Agents may only edit their own proposals.
    """
    require_role(editor, Role.AGENT, "編集にはログインが必要です。")
    values = clean_values(values)
    if template is None:
        return create(values, editor)
    if not can_edit(template, editor):
        if template.status is TemplateStatus.RETIRED:
            raise AnswerError("廃止したテンプレートは編集できません。使う場合は責任者が承認し直してください。")
        raise AnswerError("このテンプレートを編集できるのは責任者以上です（オペレーターは自分の提案だけを編集できます）。")
    shared = template.status is not TemplateStatus.PROPOSAL
    source = (template.pending_version or template) if shared else template
    merged = ({name: getattr(template, name) for name in OTHER_FIELDS}
              | {name: getattr(source, name) for name in CONTENT_FIELDS} | values)
    _validate(merged, template)
    old_key = template.key
    text_changed = any(merged[name] != getattr(source, name) for name in CONTENT_FIELDS)
    other_changed = any(merged[name] != getattr(template, name) for name in OTHER_FIELDS)
    if not (text_changed or other_changed):
        return template
    for name in OTHER_FIELDS:
        setattr(template, name, merged[name])
    detail = f"v{template.version}"
    if text_changed and shared:
        number = max(v.version for v in template.versions) + 1
        template.versions.append(AnswerTemplateVersion(
            version=number, edited_by=editor, **{name: merged[name] for name in CONTENT_FIELDS}))
        detail = f"v{number} 承認待ち"
    elif text_changed:
        for name in CONTENT_FIELDS:
            setattr(template, name, merged[name])
        template.version += 1
        _snapshot(template, editor)
        detail = f"v{template.version}"
    db.session.flush()
    audit.record("update", "answer_template", template.id, detail=detail, user=editor)
    answer_search.schedule(template, old_key)
    return template


def retire(template: AnswerTemplate, supervisor: User) -> AnswerTemplate:
    """Stop offering a template to agents (its history stays)."""
    require_role(supervisor, Role.SUPERVISOR, "テンプレートの廃止には責任者以上の権限が必要です。")
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
    if template.expired:
        raise AnswerError(f"このテンプレートは掲載期限（{template.expires_on:%Y年%m月%d日}）を過ぎています。")
    template.times_used = AnswerTemplate.times_used + 1
    db.session.flush()
    audit.record("use", "answer_template", template.id, user=user)
