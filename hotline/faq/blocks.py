"""Shared text blocks: a passage written once ({文面:窓口の電話番号}) and shown wherever it is
used, in answer templates and FAQ entries, with a where-used list.

An edit waits for a supervisor who did not write it; once approved, every template and entry
using the block shows the new text, and `block_changed` is sent (hotline.answers flags the
templates for review). Plain functions over models; callers commit.
"""

import hashlib
import re

from blinker import Namespace
from flask import g, has_app_context
from sqlalchemy import or_, select

from .. import audit
from ..extensions import db
from ..models import AnswerTemplate, AnswerTemplateVersion, FaqChange, FaqEntry, Role, TemplateStatus, TextBlock, User
from ..models._types import utcnow

TOKEN = re.compile(r"[{｛][ \u3000]*文面[:：][ \u3000]*([^{}｛｝:：]{1,40}?)[ \u3000]*[}｝]")
NAME = re.compile(r"^[^{}｛｝:：\s【】]{1,40}$")
MAX_BODY = 2000
block_changed = Namespace().signal("text-block-changed")


class BlockError(Exception):
    """A rule about shared text blocks was broken; the message is Japanese."""


def names_in(text: str) -> list[str]:
    """Block names a text uses, in order of first use."""
    return list(dict.fromkeys(match.group(1) for match in TOKEN.finditer(text or "")))


def _approved() -> dict[str, str]:
    """Approved block texts by name, read once per request (or app context)."""
    cached = g.get("_text_blocks") if has_app_context() else None
    if cached is None:
        cached = {b.name: b.body for b in db.session.scalars(select(TextBlock).where(TextBlock.version > 0))}
        if has_app_context():
            g._text_blocks = cached
    return cached


def forget_cache() -> None:
    """Drop the per-request copy (after an approval in the same request)."""
    if has_app_context():
        g.pop("_text_blocks", None)


def unknown_in(text: str) -> list[str]:
    """Names a text uses that are no approved block (saving such a text is refused)."""
    known = _approved()
    return [name for name in names_in(text) if name not in known]


def expand(text: str) -> str:
    """The text with every {文面:name} replaced by the block's approved text."""
    if not text or ("文面" not in text):
        return text
    known = _approved()
    return TOKEN.sub(lambda m: known.get(m.group(1), m.group(0)), text)


def _require_supervisor(user: User | None) -> None:
    """Blocks are written and approved by supervisors."""
    if user is None or not user.has_role(Role.SUPERVISOR):
        raise BlockError("共通文面の編集と承認には責任者以上の権限が必要です。")


def request_edit(block: TextBlock | None, name: str, body: str, author: User) -> TextBlock:
    """Write a new block or a new text for one; it waits for a second supervisor."""
    _require_supervisor(author)
    body = (body or "").strip()
    if block is None:
        name = (name or "").strip()
        if not NAME.match(name):
            raise BlockError("名前は40文字以内で、空白・｛｝・：・【】を含めずに入力してください。")
        if db.session.scalar(select(TextBlock).filter_by(name=name)) is not None:
            raise BlockError("その名前の共通文面は既にあります。")
        block = TextBlock(name=name, body="", version=0)
        db.session.add(block)
    if not body:
        raise BlockError("文面を入力してください。")
    if len(body) > MAX_BODY or any(c in body for c in "{}｛｝"):
        raise BlockError(f"文面は{MAX_BODY:,}文字以内で、｛｝を含めずに入力してください。")
    if block.version and body == block.body:
        raise BlockError("いまの文面と同じです。")
    block.pending_body, block.pending_by, block.pending_at = body, author, utcnow()
    db.session.flush()
    audit.record("request_change", "text_block", block.id, detail=f"v{block.version + 1}", user=author)
    return block


def pending_hash(block: TextBlock) -> str:
    """A fingerprint of the waiting text the approver is shown."""
    return hashlib.sha256((block.pending_body or "").encode()).hexdigest()


def approve_edit(block: TextBlock, approver: User, shown: str | None = None) -> list[FaqEntry]:
    """Put the waiting text in use everywhere; returns the FAQ entries now showing it."""
    _require_supervisor(approver)
    if block.pending_body is None:
        raise BlockError("承認待ちの変更はありません。")
    if block.pending_by_id == approver.id:
        raise BlockError("この文面を書いた方は承認できません。別の責任者に承認を依頼してください。")
    if shown is not None and shown != pending_hash(block):
        raise BlockError("表示した後に内容が変わりました。もう一度確認してから承認してください。")
    first = block.version == 0
    block.body, block.pending_body, block.version = block.pending_body, None, block.version + 1
    block.approved_by, block.approved_at = approver, utcnow()
    block.pending_by, block.pending_at = None, None
    db.session.flush()
    forget_cache()
    audit.record("approve_change", "text_block", block.id, detail=f"v{block.version}", user=approver)
    templates, entries = where_used(block)
    if not first:
        block_changed.send(block, templates=templates)
    return entries


def withdraw_edit(block: TextBlock, user: User) -> None:
    """Drop the waiting text (the approved one stays); a never-approved block goes away."""
    _require_supervisor(user)
    if block.pending_body is None:
        raise BlockError("承認待ちの変更はありません。")
    audit.record("reject_change", "text_block", block.id, user=user)
    if block.version == 0:
        db.session.delete(block)
    else:
        block.pending_body, block.pending_by, block.pending_at = None, None, None


def where_used(block: TextBlock) -> tuple[list[AnswerTemplate], list[FaqEntry]]:
    """Templates (their text in use or waiting) and FAQ entries (or their waiting changes) using it."""
    def uses(text: str | None) -> bool:
        return block.name in names_in(text or "")

    like = "%文面%"
    templates = db.session.scalars(select(AnswerTemplate).where(
        AnswerTemplate.status != TemplateStatus.RETIRED,
        or_(AnswerTemplate.body.like(like), AnswerTemplate.id.in_(
            select(AnswerTemplateVersion.template_id).where(AnswerTemplateVersion.body.like(like)))))
        .order_by(AnswerTemplate.id)).all()
    used_templates = [t for t in templates if uses(t.body) or (t.pending_version and uses(t.pending_version.body))]
    entries = db.session.scalars(select(FaqEntry).where(FaqEntry.answer.like(like)).order_by(FaqEntry.id)).all()
    waiting = {c.entry_id for c in db.session.scalars(select(FaqChange).where(
        FaqChange.status == "pending", FaqChange.values.like(like))) if uses(c.values.replace('\\"', '"'))}
    used_entries = [e for e in entries if uses(e.answer) or e.id in waiting]
    return used_templates, used_entries
