"""Search over answer templates for agents: the database is the truth, the index under
instance/ follows it (same engine and rules as the FAQ search, through hotline.search)."""

import os
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from .. import search
from ..extensions import db
from ..models import AnswerTemplate, TemplateStatus
from ..models._types import still_valid
from ..search import follow
from ..search.sync import after_commit

USABLE = (TemplateStatus.APPROVED, TemplateStatus.NEEDS_REVIEW)
SEARCHED = ("key", "title", "questions", "keywords", "body", "category", "status", "expires_on")
follow.bump_on_change(AnswerTemplate, SEARCHED, "answers")  # times_used and review notes leave it alone


@dataclass(frozen=True)
class TemplateHit:
    """A usable template found by a search, with highlighted HTML from the search module."""

    template: AnswerTemplate
    title_html: str
    snippet_html: str
    score: float = 0.0


def index_dir() -> str:
    """Where the template index lives (configurable; defaults to instance/answer-index)."""
    return current_app.config.get("ANSWER_INDEX_DIR") or os.path.join(current_app.instance_path, "answer-index")


def document(template: AnswerTemplate) -> dict:
    """The plain dict the search module indexes: title, questions, keywords, body."""
    return {"id": template.key, "question": template.title, "alternatives": template.question_list,
            "keywords": template.keyword_list, "answer": template.body, "category": template.category.label}


def usable_templates() -> list[AnswerTemplate]:
    """Templates agents may answer with, in a stable order."""
    return list(db.session.scalars(
        select(AnswerTemplate).where(AnswerTemplate.status.in_(USABLE), still_valid(AnswerTemplate.expires_on))
        .order_by(AnswerTemplate.id)))


def rebuild() -> int:
    """Rebuild the whole index from the database; returns the number of templates."""
    generation = follow.database_generation("answers")
    templates = usable_templates()
    search.rebuild_index(index_dir(), [document(t) for t in templates])
    follow.record_built(index_dir(), generation)
    return len(templates)


def search_templates(text: str, limit: int = 3) -> list[TemplateHit]:
    """Usable templates matching free text (an inquiry, a question), best first, with scores.

    Weak hits are kept: callers split them off with faq.search.split_weak, as the FAQ does.
    """
    follow.follow("answers", index_dir(), rebuild)  # a change committed on another node
    hits = search.search(index_dir(), text or "", limit=limit)
    if not hits:
        return []
    rows = db.session.scalars(select(AnswerTemplate).where(
        AnswerTemplate.key.in_([h.id for h in hits]), AnswerTemplate.status.in_(USABLE),
        still_valid(AnswerTemplate.expires_on)))
    templates = {t.key: t for t in rows}
    return [TemplateHit(templates[h.id], h.question_html, h.snippet_html, h.score) for h in hits if h.id in templates]


def schedule(template: AnswerTemplate, old_key: str | None = None) -> None:
    """Bring the index in line with `template` once the current transaction commits.

    Proposals are never indexed (no template goes back to being one), so they are skipped.
    """
    if template.status is TemplateStatus.PROPOSAL:
        return
    directory = index_dir()
    if not os.path.exists(directory):
        rebuild()  # first use: start from everything already in the database
    doc = document(template) if template.status in USABLE else None
    key = template.key
    after_commit(lambda: _apply(directory, key, doc, old_key))


def _apply(directory: str, key: str, doc: dict | None, old_key: str | None) -> None:
    """Write one change to the index (runs after the commit; uses no database)."""
    if old_key and old_key != key:
        search.remove_document(directory, old_key)
    if doc is None:
        search.remove_document(directory, key)
    else:
        search.upsert_document(directory, doc)
