"""FAQ search for the app: the database is the truth, the index under instance/ follows it."""

import os
import re
import unicodedata
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Row, bindparam, select

from .. import audit, search
from ..extensions import db
from ..models import FaqEntry, TextBlock
from ..models._types import still_valid, today_in_japan
from ..search import follow
from ..search.sync import after_commit
from .entries import published_entries, search_document

MAX_QUERY_LENGTH = 200
SEARCHED = ("key", "question", "alternatives", "keywords", "answer", "category", "published", "expires_on")
follow.bump_on_change(FaqEntry, SEARCHED, "faq")  # votes and display order leave every index alone
follow.bump_on_change(TextBlock, ("body",), "faq", "answers")  # answers expand shared blocks


@dataclass(frozen=True)
class FaqHit:
    """A published entry found by a search, with highlighted HTML from the search module.

    `entry` holds what result lists show of it (id, key, question, category), read as
    columns: no entry object is loaded for a search."""

    entry: Row
    question_html: str
    snippet_html: str
    score: float = 0.0


WEAK_RATIO = 0.35
"""A hit scoring below this share of the best one is shown apart, as a weaker candidate
(measured: no right answer of the evaluation set falls below it; see docs/search.md)."""


def split_weak(hits: list[FaqHit]) -> tuple[list[FaqHit], list[FaqHit]]:
    """(strong, weak): the hits close to the best score, and the tail."""
    if not hits:
        return [], []
    floor = hits[0].score * WEAK_RATIO
    strong = [h for h in hits if h.score >= floor]
    return strong, [h for h in hits if h.score < floor]


def index_dir() -> str:
    """Where this app's index lives (configurable; defaults to instance/search-index)."""
    return current_app.config.get("SEARCH_INDEX_DIR") or os.path.join(current_app.instance_path, "search-index")


def query_problem(query: str) -> str | None:
    """A Japanese message when a query cannot be searched, else None."""
    text = (query or "").strip()
    if not text:
        return "検索したい言葉を入力してください。"
    if len(text) > MAX_QUERY_LENGTH:
        return f"検索する言葉は{MAX_QUERY_LENGTH}文字以内で入力してください。"
    if not any(unicodedata.category(ch)[0] in "LN" for ch in text):
        return "記号だけでは検索できません。言葉で入力してください。"
    return None


_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
_SEPARATORS = re.compile(r"[\s\-‐－ー()（）]")


def worth_counting(query: str) -> bool:
    """False for queries that look like they hold personal data (an email address, or
    seven or more digits in a row such as a phone or card number): those are never stored."""
    text = unicodedata.normalize("NFKC", query or "")
    return not _EMAIL.search(text) and not re.search(r"\d{7,}", _SEPARATORS.sub("", text))


def query_key(query: str) -> str:
    """The normalized query used for statistics."""
    return " ".join(search.normalize(query).split())[:MAX_QUERY_LENGTH]


def search_faq(query: str, limit: int = 10, published=None) -> list[FaqHit]:
    """Published entries matching a plain-text query, best first.

    The index may run a moment behind the database (another node's change): every hit is
    checked against the published entries, read for the hits, or taken from `published`
    (a callable returning `published_rows()`, which the page keeps for a few seconds)."""
    follow.follow("faq", index_dir(), rebuild)  # a change committed on another node
    return _published_hits(search.search(index_dir(), query, limit=limit), published)


def related_faq(query: str, limit: int = 3, published=None) -> list[FaqHit]:
    """Published entries closest in meaning, for a query that shares no word with any
    (search.related): shown as weaker candidates instead of a page with nothing."""
    return _published_hits(search.related(index_dir(), query, limit=limit), published)


def _published_hits(hits, published) -> list[FaqHit]:
    """The hits whose entries are published and valid today, as FaqHits."""
    if not hits:
        return []
    today = today_in_japan()
    if published is None:
        entries = {e.key: e for e in db.session.execute(_FOUND.params(keys=[hit.id for hit in hits], today=today))}
    else:
        rows = published()
        entries = {h.id: rows[h.id] for h in hits if h.id in rows and _valid(rows[h.id], today)}
    return [FaqHit(entries[h.id], h.question_html, h.snippet_html, h.score) for h in hits if h.id in entries]


_COLUMNS = (FaqEntry.id, FaqEntry.key, FaqEntry.question, FaqEntry.category, FaqEntry.expires_on)
_FOUND = select(*_COLUMNS).where(
    FaqEntry.key.in_(bindparam("keys", expanding=True)), FaqEntry.published.is_(True),
    still_valid(FaqEntry.expires_on, bindparam("today")))
_PUBLISHED = select(*_COLUMNS).where(FaqEntry.published.is_(True))


def published_rows() -> dict[str, Row]:
    """Every published entry as the columns result lists show, by key (expired ones too: the
    day is checked when a search uses them)."""
    return {row.key: row for row in db.session.execute(_PUBLISHED)}


def _valid(row: Row, today) -> bool:
    """Not past its display limit (the Python twin of still_valid)."""
    return row.expires_on is None or row.expires_on >= today


def rebuild() -> int:
    """Rebuild the whole index from the database; returns the number of entries."""
    generation = follow.database_generation("faq")  # read first: a later change is seen by the next check
    entries = published_entries()
    search.rebuild_index(index_dir(), [search_document(e) for e in entries])
    follow.record_built(index_dir(), generation)
    return len(entries)


def sync(entries: list[FaqEntry]) -> None:
    """Bring the index in line with changed entries (call after the database commit)."""
    directory = index_dir()
    if not os.path.exists(directory):
        rebuild()
        return
    for entry in entries:
        if entry.published:
            search.upsert_document(directory, search_document(entry))
        else:
            search.remove_document(directory, entry.key)


def withdraw_entry(key: str, reason: str) -> bool:
    """Take a published entry off the FAQ, and out of the index once the change is committed.

    Returns False when there is no such published entry.
    """
    entry = db.session.scalar(select(FaqEntry).filter_by(key=key))
    if entry is None or not entry.published:
        return False
    entry.published = False
    audit.record("withdraw", "faq_entry", entry.id, reason[:200])
    directory = index_dir()
    after_commit(lambda: search.remove_document(directory, key) if os.path.exists(directory) else None)
    return True
