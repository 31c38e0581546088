"""Searching an index: query terms, scoring, a per-thread searcher and result cache, highlights.

Freshness across processes: each process caches one searcher per index (per
thread) and, on EVERY ``search`` call, checks the symlink target and the latest
index generation on disk (one readlink + one listdir) before searching. So a
search sees every commit that finished before the call began: the staleness
bound is zero, not an interval.
"""
from __future__ import annotations

import functools
import html
import logging
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass

from whoosh import index, scoring
from whoosh.query import Term

from . import kana, semantic, tokens
from .textnorm import variants_generation
from .index import KIND_WEIGHT, PARTS, live_version, schema_kinds

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 64
MAX_BIGRAM_DF = 0.2  # query bigrams in more than this share of answers are ignored
SNIPPET_CHARS = 120
RESULT_CACHE_SIZE = 256  # per thread; emptied whenever the index changes
WEIGHTING = scoring.BM25F(B=0.75, K1=0.8)
"""Whoosh's BM25F with a term's repeats counting less than its default K1=1.2 (questions and
answers are short; measured on every evaluation set, docs/search.md)."""
TERM_CACHE_SIZE = 20000  # scored postings of (field, term, boost), per thread and index version


@dataclass(frozen=True)
class Hit:
    """One search result; the *_html fields are escaped, matches wrapped in <mark>.

    `score` is the word match over the best one plus the closeness in meaning
    (search.semantic); 0 for a `related` entry, which shares no word with the query."""

    id: str
    score: float
    question_html: str
    snippet_html: str


_readers = threading.local()


def _searcher(index_dir: str):
    """This thread's (searcher, result cache, term scores, stored documents, semantic.Space) on
    the live index, renewed if it changed."""
    index_dir = os.path.abspath(index_dir)
    if getattr(_readers, "pid", None) != os.getpid():
        _readers.pid, _readers.cache = os.getpid(), {}
    real = live_version(index_dir)
    cached = _readers.cache.get(index_dir)
    if cached and cached[0] == real and cached[1].up_to_date():
        return cached[1:]
    # Not Searcher.refresh(): in whoosh-reloaded 2.7.5 a reader opened with
    # reuse= keeps the old segments too, so replaced documents come back.
    if cached:
        _readers.cache.pop(index_dir)[1].close()
    if real is None:
        return None, None, None, None, None
    searcher = index.open_dir(real).searcher(weighting=WEIGHTING)
    space = semantic.Space((docnum, fields.get("semantic", "")) for docnum, fields in searcher.reader().iter_docs())
    _readers.cache[index_dir] = (real, searcher, OrderedDict(), OrderedDict(), {}, space)
    return _readers.cache[index_dir][1:]


def _drop_searcher(index_dir: str) -> None:
    """Forget this thread's cached searcher (after an error)."""
    cached = getattr(_readers, "cache", {}).pop(os.path.abspath(index_dir), None)
    if cached:
        try:
            cached[1].close()
        except Exception:  # noqa: BLE001 - already broken
            pass


def _query_terms(query: str, kinds) -> dict[str, list[str]]:
    """Analyzed query terms per tokenizer kind (deduplicated, capped)."""
    text = (query or "")[:MAX_QUERY_CHARS]
    return {kind: list(dict.fromkeys(t for t, _, _ in tokens.tokens(text, kind)))
            [:MAX_QUERY_TERMS] for kind in kinds}


def _prune(searcher, terms: dict[str, list[str]]) -> dict[str, list[str]]:
    """Drop bigrams found in most answers (です, ます...): slow to score, no signal."""
    total = max(searcher.doc_count(), 1)
    kept = {kind: [t for t in words if kind != "bigram" or
                   searcher.doc_frequency(f"answer_{kind}", t) / total <= MAX_BIGRAM_DF]
            for kind, words in terms.items()}
    return kept if any(kept.values()) else terms


def _subqueries(terms: dict[str, list[str]]) -> list[tuple[str, str, float]]:
    """(field, term, boost) for every term over every text field of its kind."""
    return [(f"{part}_{kind}", term, boost * KIND_WEIGHT[kind])
            for kind, words in terms.items() for part, boost in PARTS.items() for term in words]


def _term_scores(searcher, scores: OrderedDict, field: str, text: str, boost: float) -> tuple:
    """((docnum, score), ...) of one boosted term, as Whoosh's BM25F scores it, kept with the
    searcher: the scores of a term depend only on the index, which a searcher never sees change."""
    key = (field, text, boost)
    found = scores.get(key)
    if found is not None:
        scores.move_to_end(key)
        return found
    found, context = [], searcher.context()
    for subsearcher, offset in searcher.leaf_searchers():
        matcher = Term(field, text, boost=boost).matcher(subsearcher, context)
        while matcher.is_active():
            found.append((offset + matcher.id(), matcher.score()))
            matcher.next()
    scores[key] = found = tuple(found)
    while len(scores) > TERM_CACHE_SIZE:
        scores.popitem(last=False)
    return found


def _top(searcher, scores: OrderedDict, subqueries, limit: int | None = None) -> list[tuple[int, float]]:
    """The best (docnum, score) pairs: each document's scores summed over the terms in query
    order (the very sums Whoosh's OR matcher makes), highest first, ties by document order."""
    totals: dict[int, float] = {}
    for field, text, boost in subqueries:
        for docnum, score in _term_scores(searcher, scores, field, text, boost):
            totals[docnum] = totals.get(docnum, 0.0) + score
    ranked = sorted(((docnum, total) for docnum, total in totals.items() if total > 0),
                    key=lambda pair: (-pair[1], pair[0]))
    return ranked[:limit]


def search(index_dir: str, query: str, limit: int = 10) -> list[Hit]:
    """Search the FAQ with a plain-text query; never raises on odd input."""
    if not isinstance(query, str) or not query.strip() or limit < 1:
        return []
    for attempt in range(2):
        try:
            searcher, results, scores, stored, space = _searcher(index_dir)
            if searcher is None:
                return []
            key = (query[:MAX_QUERY_CHARS], limit)
            hits = results.get(key)
            if hits is None:
                hits = results[key] = _run(searcher, scores, stored, space, query, limit)
                while len(results) > RESULT_CACHE_SIZE:
                    results.popitem(last=False)
            else:
                results.move_to_end(key)
            return list(hits)
        except (OSError, index.IndexError, EOFError, ValueError):
            _drop_searcher(index_dir)
            if attempt:
                log.exception("FAQ search failed for index %s", index_dir)
    return []


def related(index_dir: str, query: str, limit: int = 3) -> list[Hit]:
    """Entries closest in meaning to a query that shares no word with any (score 0, nothing
    marked): what the FAQ offers instead of an empty page. [] without word vectors."""
    if not isinstance(query, str) or not query.strip() or limit < 1:
        return []
    try:
        searcher, _, _, stored, space = _searcher(index_dir)
        if searcher is None:
            return []
        found = semantic.nearest(space.closeness(query[:MAX_QUERY_CHARS]), limit)
        return [_hit(_stored(searcher, stored, docnum), 0.0, {}) for docnum in found]
    except (OSError, index.IndexError, EOFError, ValueError):
        _drop_searcher(index_dir)
        log.exception("FAQ search failed for index %s", index_dir)
        return []


def _run(searcher, scores: OrderedDict, stored: dict, space, query: str, limit: int) -> tuple[Hit, ...]:
    """Analyze, prune, score words and meaning, highlight (stored fields unpacked once)."""
    text = query[:MAX_QUERY_CHARS]
    if kana.mostly_kana(text):
        text = kana.spell_out(text, kana.vocabulary_of(searcher))
    terms = _query_terms(text, schema_kinds(searcher.schema))
    subqueries = _subqueries(_prune(searcher, terms))
    top = semantic.blend(_top(searcher, scores, subqueries), space.closeness(text), limit)
    return tuple(_hit(_stored(searcher, stored, docnum), score, terms) for docnum, score in top)


def _stored(searcher, stored: dict, docnum: int) -> dict:
    """A document's stored fields, unpacked once per searcher."""
    if docnum not in stored:
        stored[docnum] = searcher.stored_fields(docnum)
    return stored[docnum]


# ---------------------------------------------------------------- highlighting


def _spans(text: str, terms: dict[str, list[str]]) -> list[tuple[int, int]]:
    """Merged (start, end) spans of text whose tokens are query terms."""
    spans = []
    for kind, words in terms.items():
        where = _markable(text, kind, variants_generation()) if len(text) <= 4000 else _markable.__wrapped__(text, kind, 0)
        for word in words:
            spans += where.get(word, ())
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


@functools.lru_cache(maxsize=4096)
def _markable(text: str, kind: str, _generation: int) -> dict[str, tuple[tuple[int, int], ...]]:
    """Where each term of a text may be marked: its spans by term (a result's question and
    answer come back query after query, so this is read once per text and dictionary).

    Bigrams made only of hiragana (です, ます...) and single hiragana words (the し of した, the
    の of ...の件数) match everywhere: they rank but are not marked.
    """
    where: dict[str, list[tuple[int, int]]] = {}
    for term, start, end in tokens.tokens(text, kind):
        shown = text[start:end]
        if not (_all_hiragana(shown) and (kind == "bigram" or len(shown) == 1)):
            where.setdefault(term, []).append((start, end))
    return {term: tuple(found) for term, found in where.items()}


def _all_hiragana(s: str) -> bool:
    """True if every character is hiragana."""
    return all("ぁ" <= c <= "ゖ" for c in s)


def _mark(text: str, spans, start: int = 0, end: int | None = None) -> str:
    """Escape text[start:end], wrapping spans in <mark>."""
    end = len(text) if end is None else end
    out, pos = [], start
    for s, e in spans:
        s, e = max(s, start), min(e, end)
        if s >= e:
            continue
        out += [html.escape(text[pos:s]), "<mark>", html.escape(text[s:e]), "</mark>"]
        pos = e
    out.append(html.escape(text[pos:end]))
    return "".join(out)


def _snippet(text: str, spans) -> str:
    """An escaped window of the answer around its densest cluster of matches."""
    if len(text) <= SNIPPET_CHARS:
        return _mark(text, spans)
    best, start = -1, 0
    for s, _ in spans:
        count = sum(1 for s2, _ in spans if s - 20 <= s2 < s - 20 + SNIPPET_CHARS)
        if count > best:
            best, start = count, max(0, s - 20)
    start = min(start, len(text) - SNIPPET_CHARS)
    end = start + SNIPPET_CHARS
    return ("…" if start else "") + _mark(text, spans, start, end) + \
        ("…" if end < len(text) else "")


def _hit(stored: dict, score: float, terms) -> Hit:
    """A scored document as a Hit with highlighted, escaped HTML."""
    question, answer = stored.get("question", ""), stored.get("answer", "")
    return Hit(id=stored["id"], score=score,
               question_html=_mark(question, _spans(question, terms)),
               snippet_html=_snippet(answer, _spans(answer, terms)))
