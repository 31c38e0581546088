"""The search index on Whoosh: schema, documents, building, atomic swaps, updates.

hotline.search is the only package that imports whoosh. Plain functions over plain
dicts. A document is
{"id", "question", "alternatives": [...], "keywords": [...], "answer", "category"}.

On-disk layout: ``index_dir`` is a symlink to a sibling version directory
``<index_dir>.v-<time>-<pid>-<rand>``. ``rebuild_index`` builds a new version in
``<index_dir>.build-...`` and swaps the symlink atomically (os.replace), so a
reader sees the old index or the new one, never half of one. Searching is
hotline.search.query's.
"""
from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import time

from whoosh import index
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, STORED, TEXT, Schema

from . import semantic, textnorm, tokens

log = logging.getLogger(__name__)

DEFAULT_ANALYZER = "hybrid_syn"
ANALYZERS = {"bigram": ("bigram",), "sudachi": ("sudachi",), "sudachi_ca": ("sudachi_ca",),
             "hybrid": ("sudachi", "bigram"), "hybrid_ca": ("sudachi_ca", "bigram"),
             "hybrid_syn": ("synonym", "bigram"), "hybrid_read": ("sudachi", "bigram", "reading"),
             "hybrid_syn_read": ("synonym", "bigram", "reading")}
PARTS = {"question": 3.0, "alternatives": 2.5, "keywords": 2.0, "answer": 1.0}
KIND_WEIGHT = {"sudachi": 1.0, "sudachi_ca": 1.0, "synonym": 1.0, "bigram": 0.5, "reading": 0.15}
WRITE_TIMEOUT = 20.0  # seconds a writer waits for another process's lock
KEEP_OLD_VERSIONS = 2  # superseded versions kept for searches still running
STALE_BUILD_SECONDS = 3600  # abandoned build dirs (killed rebuilds) older than this go


class JaTokenizer(Tokenizer):
    """Whoosh tokenizer delegating to hotline.search.tokens; pickles only ``kind``."""

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
        pieces = tokens.tokens(value, self.kind) if tokenize else [
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


# Indexes on disk pickle their schema, and with it this class by module and name: keep
# the name they were written with (the package exports it), wherever the code lives.
JaTokenizer.__module__ = "hotline.search"


# ---------------------------------------------------------------- documents


def plain_text(markdown: str) -> str:
    """Strip the common markdown markup from an answer (links keep their text)."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown or "")
    text = re.sub(r"^\s{0,3}(#{1,6}\s+|>\s?|[-*+]\s+|\d+\.\s+)", "", text, flags=re.M)
    return re.sub(r"(\*\*|__|`+|~~)", "", text)


def _schema(analyzer: str) -> Schema:
    """Schema with one unstored text field per (part, tokenizer kind)."""
    fields = {"id": ID(stored=True, unique=True), "category": ID(stored=True),
              "question": STORED(), "answer": STORED(), "semantic": STORED()}
    for kind in ANALYZERS[analyzer]:
        for part in PARTS:
            fields[f"{part}_{kind}"] = TEXT(analyzer=JaTokenizer(kind), phrase=False)
    return Schema(**fields)


def schema_kinds(schema) -> list[str]:
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
           "question": values["question"], "answer": answer,
           "semantic": semantic.encode([values["question"], *(doc.get("alternatives") or []),
                                        *(doc.get("keywords") or [])], answer)}
    for kind in kinds:
        out.update({f"{part}_{kind}": values[part] for part in PARTS})
    return out


# ---------------------------------------------------------------- layout


def live_version(index_dir: str) -> str | None:
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
    old = live_version(index_dir)
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
    current = live_version(index_dir)
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
    if live_version(index_dir):
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
        real = live_version(index_dir)
        writer = index.open_dir(real).writer(timeout=WRITE_TIMEOUT)
        if live_version(index_dir) == real:
            return writer
        writer.cancel()
    raise index.LockError("index kept being replaced while waiting to write")


def upsert_document(index_dir: str, doc: dict) -> None:
    """Add or replace one document (waits for other writers, up to WRITE_TIMEOUT)."""
    writer = _writer(index_dir)
    try:
        writer.update_document(**_fields(doc, schema_kinds(writer.schema)))
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
    real = live_version(os.path.abspath(index_dir))
    if real is None:
        return set()
    with index.open_dir(real).reader() as reader:
        return {fields["id"] for _, fields in reader.iter_docs()}
