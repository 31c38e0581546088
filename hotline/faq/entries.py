"""FAQ entries: loading faq/*.md, listing, votes and search statistics."""

import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import FaqEntry, FaqVote, SearchStat
from ..models._types import still_valid, utcnow
from .blocks import expand

MAX_QUESTION = 300
MAX_ANSWER = 20000
FRONT_MATTER = "+++"


class FaqFileError(ValueError):
    """A FAQ file could not be read; the message (Japanese) names the file and the problem."""


@dataclass
class FaqSpec:
    """The content of one FAQ file."""

    key: str
    category: str
    question: str
    answer: str
    alternatives: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    order: int = 100
    incident: str | None = None


def parse_faq_file(text: str, name: str = "") -> FaqSpec:
    """Parse TOML front matter between +++ lines, then a Markdown answer."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != FRONT_MATTER or FRONT_MATTER not in [l.strip() for l in lines[1:]]:
        raise FaqFileError(f"{name}: 先頭に「+++」で囲んだヘッダーが必要です。")
    end = 1 + [l.strip() for l in lines[1:]].index(FRONT_MATTER)
    try:
        header = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as error:
        raise FaqFileError(f"{name}: ヘッダーを読み取れません（{error}）。") from error
    answer = "\n".join(lines[end + 1:]).strip()
    return _spec_from(header, answer, name)


def _spec_from(header: dict, answer: str, name: str) -> FaqSpec:
    """Validate header values and build a FaqSpec."""
    missing = [k for k in ("id", "category", "question") if not str(header.get(k, "")).strip()]
    if missing:
        raise FaqFileError(f"{name}: 必須の項目がありません：{', '.join(missing)}")
    if not answer:
        raise FaqFileError(f"{name}: 回答の本文がありません。")
    key = str(header["id"]).strip()
    if not key.isascii() or len(key) > 80 or not all(c.isalnum() or c in "-_" for c in key):
        raise FaqFileError(f"{name}: id は80文字以内の半角英数字・ハイフンで指定してください。")
    lists = {}
    for list_key in ("alternatives", "keywords"):
        value = header.get(list_key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise FaqFileError(f"{name}: {list_key} は文字列の配列で指定してください。")
        lists[list_key] = [clean_line(v) for v in value if v.strip()]
    order = header.get("order", 100)
    if not isinstance(order, int):
        raise FaqFileError(f"{name}: order は整数で指定してください。")
    question = clean_line(str(header["question"]))
    if len(question) > MAX_QUESTION or len(answer) > MAX_ANSWER:
        raise FaqFileError(f"{name}: 質問または回答が長すぎます。")
    return FaqSpec(key=key, category=clean_line(str(header["category"])), question=question,
                   answer=answer, order=order, incident=header.get("incident"), **lists)


def clean_line(text: str) -> str:
    """One line of text without control characters."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip()


def read_faq_dir(directory: Path) -> list[FaqSpec]:
    """Parse every *.md file; errors name the file. Duplicate ids are refused."""
    specs, seen = [], {}
    for path in sorted(Path(directory).glob("*.md")):
        spec = parse_faq_file(path.read_text(encoding="utf-8"), path.name)
        if spec.key in seen:
            raise FaqFileError(f"{path.name}: id「{spec.key}」は {seen[spec.key]} でも使われています。")
        seen[spec.key] = path.name
        specs.append(spec)
    return specs


def published_entries() -> list[FaqEntry]:
    """All public entries in display order."""
    return list(db.session.scalars(
        select(FaqEntry).where(FaqEntry.published.is_(True), still_valid(FaqEntry.expires_on))
        .order_by(FaqEntry.display_order, FaqEntry.id)))


def entries_by_category(usage: dict[int, int] | None = None) -> list[tuple[str, list[FaqEntry]]]:
    """Categories with their entries, most-asked first (by usage counts, then display order)."""
    usage = usage or {}
    groups: dict[str, list[FaqEntry]] = {}
    for entry in published_entries():
        groups.setdefault(entry.category, []).append(entry)
    def weight(entry):
        return (-usage.get(entry.id, 0), entry.display_order, entry.id)
    for entries in groups.values():
        entries.sort(key=weight)
    return sorted(groups.items(), key=lambda kv: (-sum(usage.get(e.id, 0) for e in kv[1]), weight(kv[1][0])))


def search_document(entry: FaqEntry) -> dict:
    """The plain dict the search module indexes."""
    return {"id": entry.key, "question": entry.question, "alternatives": entry.alternative_list,
            "keywords": entry.keyword_list, "answer": expand(entry.answer), "category": entry.category}


def record_vote(entry: FaqEntry, voter: str, helpful: bool) -> bool:
    """Count one vote per entry per browser; False if this browser already voted."""
    exists = db.session.scalar(select(FaqVote).filter_by(entry_id=entry.id, voter=voter))
    if exists is not None:
        return False
    db.session.add(FaqVote(entry_id=entry.id, voter=voter, helpful=helpful))
    if helpful:
        entry.helpful_yes = FaqEntry.helpful_yes + 1
    else:
        entry.helpful_no = FaqEntry.helpful_no + 1
    return True


def record_search(query_key: str, hits: int) -> None:
    """Count a search by its normalized text (no identity is stored)."""
    record_counts(query_key, searches=1, zero_hits=int(hits == 0))


def record_open(query_key: str) -> None:
    """Count that a result of this query was opened."""
    record_counts(query_key, opens=1)


def record_counts(query_key: str, searches: int = 0, zero_hits: int = 0, opens: int = 0) -> None:
    """Add searches, searches that found nothing and opened results to a query's row."""
    stat = _stat(query_key)
    if searches:
        stat.searches = SearchStat.searches + searches
    if zero_hits:
        stat.zero_hits = SearchStat.zero_hits + zero_hits
    if opens:
        stat.opens = SearchStat.opens + opens


def _stat(query_key: str) -> SearchStat:
    """The statistics row for a query, created on first use."""
    key = query_key[:200]
    stat = db.session.scalar(select(SearchStat).filter_by(query=key))
    if stat is None:
        try:
            with db.session.begin_nested():
                stat = SearchStat(query=key, searches=0, zero_hits=0, opens=0, inquiries=0)
                db.session.add(stat)
        except IntegrityError:  # another worker created it first
            stat = db.session.scalar(select(SearchStat).filter_by(query=key))
    stat.last_seen = utcnow()
    return stat


def record_search_inquiry(query_key: str) -> None:
    """Count that a search was followed by an inquiry sent from its page (the FAQ did not help)."""
    stat = _stat(query_key)
    stat.inquiries = SearchStat.inquiries + 1


def unanswered_queries(limit: int = 50) -> list[SearchStat]:
    """Queries that found nothing, whose results nobody opened, or that ended in an inquiry,
    and that no supervisor dealt with yet: those ending in inquiries first, then the most frequent."""
    rows = db.session.scalars(
        select(SearchStat).where(SearchStat.handled_at.is_(None),
                                 (SearchStat.zero_hits > 0) | (SearchStat.opens == 0) | (SearchStat.inquiries > 0))
        .order_by(SearchStat.inquiries.desc(), SearchStat.searches.desc(), SearchStat.last_seen.desc()).limit(limit))
    return list(rows)


def set_aside(stat: SearchStat, note: str) -> None:
    """Take a query off the list of misses (added as a phrasing, or not a question of ours)."""
    stat.handled_at, stat.handled_note = utcnow(), note[:100]


def save_entry(entry: FaqEntry | None, values: dict, user, source: str, change) -> FaqEntry:
    """Create or update an entry from the values of an approved change, as `user` (for the audit
    log); the key stays unique. Only faq.changes calls it: the database refuses public content
    that is not that of the approved change the entry names."""
    key = values.get("key", entry.key if entry else "")
    other = db.session.scalar(select(FaqEntry).filter_by(key=key))
    if other is not None and other is not entry:
        raise FaqFileError("そのIDは既に使われています。")
    if entry is None:
        entry = FaqEntry()
        db.session.add(entry)
    for name, value in values.items():
        setattr(entry, name, value)
    entry.source, entry.approved_change_id = source, change.id
    db.session.flush()
    change.entry = entry
    from .. import audit

    audit.record("update", "faq_entry", entry.id, user=user)
    return entry

