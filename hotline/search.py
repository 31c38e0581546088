"""FAQ full-text search on Whoosh: the only module of the project that imports whoosh.

Plain functions over plain dicts. A document is
{"id", "question", "alternatives": [...], "keywords": [...], "answer", "category"}.

On-disk layout: ``index_dir`` is a symlink to a sibling version directory
``<index_dir>.v-<time>-<pid>-<rand>``. ``rebuild_index`` builds a new version in
``<index_dir>.build-...`` and swaps the symlink atomically (os.replace), so a
reader sees the old index or the new one, never half of one.

Freshness across processes: each process caches one searcher per index (per
thread) and, on EVERY ``search`` call, checks the symlink target and the latest
index generation on disk (one readlink + one listdir) before searching. So a
search sees every commit that finished before the call began: the staleness
bound is zero, not an interval.
"""
from __future__ import annotations

import html
import logging
import os
import re
import secrets
import shutil
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from whoosh import index
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.query import Or, Term

from hotline import textnorm
from hotline.textnorm import normalize  # noqa: F401  (public re-export)

log = logging.getLogger(__name__)

DEFAULT_ANALYZER = "hybrid"
ANALYZERS = {"bigram": ("bigram",), "sudachi": ("sudachi",), "sudachi_ca": ("sudachi_ca",),
             "hybrid": ("sudachi", "bigram"), "hybrid_ca": ("sudachi_ca", "bigram")}
PARTS = {"question": 3.0, "alternatives": 2.5, "keywords": 2.0, "answer": 1.0}
KIND_WEIGHT = {"sudachi": 1.0, "sudachi_ca": 1.0, "bigram": 0.5}
MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 64
MAX_BIGRAM_DF = 0.2  # query bigrams in more than this share of answers are ignored
SNIPPET_CHARS = 120
RESULT_CACHE_SIZE = 256  # per thread; emptied whenever the index changes
WRITE_TIMEOUT = 20.0  # seconds a writer waits for another process's lock
KEEP_OLD_VERSIONS = 2  # superseded versions kept for searches still running
STALE_BUILD_SECONDS = 3600  # abandoned build dirs (killed rebuilds) older than this go


@dataclass(frozen=True)
class Hit:
    """One search result; the *_html fields are escaped, matches wrapped in <mark>."""

    id: str
    score: float
    question_html: str
    snippet_html: str


class JaTokenizer(Tokenizer):
    """Whoosh tokenizer delegating to hotline.textnorm; pickles only ``kind``."""

    def __init__(self, kind: str = "bigram"):
        self.kind = kind

    def __eq__(self, other):
        return isinstance(other, JaTokenizer) and other.kind == self.kind

    def __hash__(self):
        return hash(("JaTokenizer", self.kind))

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True,
                 mode="", **kwargs):
        tok = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pieces = textnorm.tokens(value, self.kind) if tokenize else [
            (textnorm.normalize(value), 0, len(value))]
        for pos, (text, start, end) in enumerate(pieces):
            tok.text, tok.boost, tok.stopped = text, 1.0, False
            if keeporiginal:
                tok.original = value[start:end]
            if positions:
                tok.pos = start_pos + pos
            if chars:
                tok.startchar, tok.endchar = start_char + start, start_char + end
            yield tok


# ---------------------------------------------------------------- documents


def plain_text(markdown: str) -> str:
    """Strip the common markdown markup from an answer (links keep their text)."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown or "")
    text = re.sub(r"^\s{0,3}(#{1,6}\s+|>\s?|[-*+]\s+|\d+\.\s+)", "", text, flags=re.M)
    return re.sub(r"(\*\*|__|`+|~~)", "", text)


def _schema(analyzer: str) -> Schema:
    """Schema with one unstored text field per (part, tokenizer kind)."""
    fields = {"id": ID(stored=True, unique=True), "category": ID(stored=True),
              "question": STORED(), "answer": STORED()}
    for kind in ANALYZERS[analyzer]:
        for part in PARTS:
            fields[f"{part}_{kind}"] = TEXT(analyzer=JaTokenizer(kind), phrase=False)
    return Schema(**fields)


def _kinds(schema) -> list[str]:
    """Tokenizer kinds present in an index's schema."""
    return [k for k in KIND_WEIGHT if f"question_{k}" in schema.names()]


def _fields(doc: dict, kinds) -> dict:
    """Whoosh field values for one document dict."""
    if not isinstance(doc.get("id"), str) or not doc["id"]:
        raise ValueError("document needs a non-empty string 'id'")
    answer = plain_text(doc.get("answer") or "")
    values = {"question": doc.get("question") or "",
              "alternatives": "\n".join(doc.get("alternatives") or []),
              "keywords": "\n".join(doc.get("keywords") or []), "answer": answer}
    out = {"id": doc["id"], "category": doc.get("category") or "",
           "question": values["question"], "answer": answer}
    for kind in kinds:
        out.update({f"{part}_{kind}": values[part] for part in PARTS})
    return out


# ---------------------------------------------------------------- layout


def _current(index_dir: str) -> str | None:
    """The directory holding the live index, or None if there is none yet."""
    if os.path.islink(index_dir) or os.path.isdir(index_dir):
        real = os.path.realpath(index_dir)
        return real if index.exists_in(real) else None
    return None


def _new_name(index_dir: str, tag: str) -> str:
    """A unique sibling path such as <index_dir>.v-<time>-<pid>-<rand>."""
    return f"{index_dir}.{tag}-{time.time_ns():020d}-{os.getpid()}-{secrets.token_hex(3)}"


def _build(index_dir: str, docs, analyzer: str) -> str:
    """Build a complete index in a private sibling dir; return its final path."""
    build = _new_name(index_dir, "build")
    os.makedirs(build)
    ix = index.create_in(build, _schema(analyzer))
    writer = ix.writer()
    kinds = ANALYZERS[analyzer]
    try:
        for doc in docs:
            writer.add_document(**_fields(doc, kinds))
    except BaseException:
        writer.cancel()
        shutil.rmtree(build, ignore_errors=True)
        raise
    writer.commit()
    ix.close()
    version = build.replace(".build-", ".v-", 1)
    os.rename(build, version)
    return version


def _acquire(ix, timeout: float = WRITE_TIMEOUT):
    """Take an index's write lock (the one Whoosh writers use), waiting up to timeout."""
    lock = ix.lock("WRITELOCK")
    deadline = time.monotonic() + timeout
    while not lock.acquire():
        if time.monotonic() > deadline:
            raise index.LockError(f"index busy for {timeout} s")
        time.sleep(0.05)
    return lock


def _swap(index_dir: str, version: str) -> None:
    """Point index_dir at version atomically, holding the old index's write lock."""
    old = _current(index_dir)
    lock = _acquire(index.open_dir(old)) if old else None
    try:
        if os.path.isdir(index_dir) and not os.path.islink(index_dir):
            os.rename(index_dir, _new_name(index_dir, "v"))  # legacy plain directory
        link = _new_name(index_dir, "link")
        os.symlink(os.path.basename(version), link)
        os.replace(link, index_dir)
    finally:
        if lock:
            lock.release()


def _cleanup(index_dir: str) -> None:
    """Delete superseded versions (keeping a few) and abandoned build dirs."""
    parent, base = os.path.split(os.path.abspath(index_dir))
    current = _current(index_dir)
    versions = sorted(n for n in os.listdir(parent) if n.startswith(base + ".v-"))
    for name in versions[:-KEEP_OLD_VERSIONS - 1]:
        path = os.path.join(parent, name)
        if path != current:
            shutil.rmtree(path, ignore_errors=True)
    for name in os.listdir(parent):
        path = os.path.join(parent, name)
        if name.startswith((base + ".build-", base + ".link-")):
            try:
                if time.time() - os.lstat(path).st_mtime > STALE_BUILD_SECONDS:
                    shutil.rmtree(path, ignore_errors=True) if os.path.isdir(path) \
                        else os.unlink(path)
            except FileNotFoundError:
                pass


def rebuild_index(index_dir: str, docs, analyzer: str = DEFAULT_ANALYZER) -> None:
    """Replace the whole index with ``docs``, atomically for readers."""
    index_dir = os.path.abspath(index_dir)
    os.makedirs(os.path.dirname(index_dir), exist_ok=True)
    _swap(index_dir, _build(index_dir, docs, analyzer))
    _cleanup(index_dir)


def _ensure_index(index_dir: str) -> None:
    """Create an empty index if none exists (never replaces an existing one)."""
    if _current(index_dir):
        return
    os.makedirs(os.path.dirname(index_dir), exist_ok=True)
    version = _build(index_dir, [], DEFAULT_ANALYZER)
    try:
        os.symlink(os.path.basename(version), index_dir)
    except FileExistsError:
        shutil.rmtree(version, ignore_errors=True)


def _writer(index_dir: str):
    """A writer on the live index; retries if a rebuild swapped it meanwhile."""
    index_dir = os.path.abspath(index_dir)
    _ensure_index(index_dir)
    for _ in range(5):
        real = _current(index_dir)
        writer = index.open_dir(real).writer(timeout=WRITE_TIMEOUT)
        if _current(index_dir) == real:
            return writer
        writer.cancel()
    raise index.LockError("index kept being replaced while waiting to write")


def upsert_document(index_dir: str, doc: dict) -> None:
    """Add or replace one document (waits for other writers, up to WRITE_TIMEOUT)."""
    writer = _writer(index_dir)
    try:
        writer.update_document(**_fields(doc, _kinds(writer.schema)))
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


def remove_document(index_dir: str, doc_id: str) -> bool:
    """Delete one document by id; True if it was there."""
    writer = _writer(index_dir)
    try:
        count = writer.delete_by_term("id", doc_id)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return bool(count)


def document_ids(index_dir: str) -> set[str]:
    """Ids of all documents in the live index (for checks and tests)."""
    real = _current(os.path.abspath(index_dir))
    if real is None:
        return set()
    with index.open_dir(real).reader() as reader:
        return {fields["id"] for _, fields in reader.iter_docs()}


# ---------------------------------------------------------------- reading

_readers = threading.local()


def _searcher(index_dir: str):
    """This thread's (searcher, result cache) on the live index, renewed if it changed."""
    index_dir = os.path.abspath(index_dir)
    if getattr(_readers, "pid", None) != os.getpid():
        _readers.pid, _readers.cache = os.getpid(), {}
    real = _current(index_dir)
    cached = _readers.cache.get(index_dir)
    if cached and cached[0] == real and cached[1].up_to_date():
        return cached[1], cached[2]
    # Not Searcher.refresh(): in whoosh-reloaded 2.7.5 a reader opened with
    # reuse= keeps the old segments too, so replaced documents come back.
    if cached:
        _readers.cache.pop(index_dir)[1].close()
    if real is None:
        return None, None
    searcher = index.open_dir(real).searcher()
    _readers.cache[index_dir] = (real, searcher, OrderedDict())
    return searcher, _readers.cache[index_dir][2]


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
    return {kind: list(dict.fromkeys(t for t, _, _ in textnorm.tokens(text, kind)))
            [:MAX_QUERY_TERMS] for kind in kinds}


def _prune(searcher, terms: dict[str, list[str]]) -> dict[str, list[str]]:
    """Drop bigrams found in most answers (です, ます...): slow to score, no signal."""
    total = max(searcher.doc_count(), 1)
    kept = {kind: [t for t in words if kind != "bigram" or
                   searcher.doc_frequency(f"answer_{kind}", t) / total <= MAX_BIGRAM_DF]
            for kind, words in terms.items()}
    return kept if any(kept.values()) else terms


def _build_query(terms: dict[str, list[str]]):
    """OR of boosted Terms over every text field; None if there is nothing to find."""
    subs = [Term(f"{part}_{kind}", term, boost=boost * KIND_WEIGHT[kind])
            for kind, words in terms.items() for part, boost in PARTS.items()
            for term in words]
    return Or(subs) if subs else None


def search(index_dir: str, query: str, limit: int = 10) -> list[Hit]:
    """Search the FAQ with a plain-text query; never raises on odd input."""
    if not isinstance(query, str) or not query.strip() or limit < 1:
        return []
    for attempt in range(2):
        try:
            searcher, results = _searcher(index_dir)
            if searcher is None:
                return []
            key = (query[:MAX_QUERY_CHARS], limit)
            hits = results.get(key)
            if hits is None:
                hits = results[key] = _run(searcher, query, limit)
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


def _run(searcher, query: str, limit: int) -> tuple[Hit, ...]:
    """Analyze, prune, search and highlight."""
    terms = _query_terms(query, _kinds(searcher.schema))
    q = _build_query(_prune(searcher, terms))
    if q is None:
        return ()
    return tuple(_hit(r, terms) for r in searcher.search(q, limit=limit))


# ---------------------------------------------------------------- highlighting


def _spans(text: str, terms: dict[str, list[str]]) -> list[tuple[int, int]]:
    """Merged (start, end) spans of text whose tokens are query terms."""
    spans = []
    for kind, words in terms.items():
        wanted = set(words)
        for term, start, end in textnorm.tokens(text, kind):
            # Bigrams made only of hiragana (です, ます...) match everywhere: skip.
            if term in wanted and not (kind == "bigram" and _all_hiragana(text[start:end])):
                spans.append((start, end))
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


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


def _hit(result, terms) -> Hit:
    """Turn a Whoosh result into a Hit with highlighted, escaped HTML."""
    question, answer = result.get("question", ""), result.get("answer", "")
    return Hit(id=result["id"], score=float(result.score),
               question_html=_mark(question, _spans(question, terms)),
               snippet_html=_snippet(answer, _spans(answer, terms)))


def preload() -> None:
    """Load the dictionaries before gunicorn forks workers (shared memory)."""
    textnorm.preload()
