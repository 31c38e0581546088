"""Closeness in meaning: the word vectors that ja-ginza ships, beside the words a query shares.

A customer who writes 埋め合わせ for 補償 or いじられていた for 改ざん shares no word with
the right entry; BM25 then ranks it among the weak matches. Each entry gets a vector (the
IDF-weighted mean of its content words' vectors: question, alternatives and keywords in
full, the answer at ANSWER_WEIGHT), the query too, and an entry's closeness is how far its
cosine lies above the median cosine of all entries for that query. query.py adds
WEIGHT × closeness to each word match's score (normalized to the best match); when no entry
shares a word at all, `query.related` lists the closest entries, which the FAQ shows as
weaker candidates rather than a page with nothing. Figures in docs/search.md.

The vectors (20,000 rows of 300 dimensions, 480,000 words mapped onto them) are read from
the ja-ginza package's files with numpy and msgpack, without spaCy: ja-ginza is installed
without its dependencies (dev.py; it would pin an older SudachiPy), and spaCy keys its
words by MurmurHash64A, written out below. Without the package the search simply runs on
words alone.
"""
from __future__ import annotations

import functools
import importlib.util
import logging
import math
import threading
from pathlib import Path

import msgpack
import numpy as np

from . import tokens

log = logging.getLogger(__name__)

WEIGHT = 4.0
"""How much closeness in meaning counts beside the word match (whose best score is 1)."""
ANSWER_WEIGHT = 0.2
"""The answer's words count less than the question's: they describe, the question asks."""
_DROP_POS = {"助詞", "助動詞", "補助記号", "記号", "空白", "接尾辞", "接頭辞"}
_STOP = frozenset("する なる ある いる れる られる こと もの ため よう これ それ の ない 思う 教える "
                  "下さる くださる いい 良い 方 どう".split())
"""Words of asking and of grammar: every query has them, they carry no meaning to compare."""
_MASK = (1 << 64) - 1
_lock = threading.Lock()


def _murmur64a(data: bytes, seed: int = 1) -> int:
    """MurmurHash64A, as spaCy keys a string (its hash_string: UTF-8, seed 1)."""
    m, r = 0xC6A4A7935BD1E995, 47
    h = (seed ^ (len(data) * m)) & _MASK
    full = len(data) // 8 * 8
    for i in range(0, full, 8):
        k = int.from_bytes(data[i:i + 8], "little") * m & _MASK
        k = (k ^ (k >> r)) * m & _MASK
        h = (h ^ k) * m & _MASK
    tail = data[full:]
    if tail:
        h = (h ^ int.from_bytes(tail, "little")) * m & _MASK
    h = (h ^ (h >> r)) * m & _MASK
    return h ^ (h >> r)


def vocab_dir() -> Path | None:
    """The ja-ginza package's vocab directory (vectors, key2row), or None when not installed."""
    spec = importlib.util.find_spec("ja_ginza")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        for found in sorted(Path(location).glob("ja_ginza-*/vocab")):
            if (found / "vectors").is_file() and (found / "key2row").is_file():
                return found
    return None


class Table:
    """Word → unit vector: sorted hash keys, their rows, and the row-normalized matrix."""

    def __init__(self, directory: Path):
        mapping = msgpack.unpackb((directory / "key2row").read_bytes(), strict_map_key=False)
        keys = np.fromiter(mapping.keys(), dtype=np.uint64, count=len(mapping))
        rows = np.fromiter(mapping.values(), dtype=np.int64, count=len(mapping))
        order = np.argsort(keys)
        self.keys, self.rows = keys[order], rows[order]
        matrix = np.load(directory / "vectors").astype(np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        self.matrix = matrix / np.maximum(norms, 1e-9)

    def row(self, word: str) -> int | None:
        """The vector row of a word, or None when the vocabulary lacks it."""
        key = _murmur64a(word.encode("utf-8"))
        at = int(self.keys.searchsorted(np.uint64(key)))  # a plain int above 2**63 would convert every key
        if at < len(self.keys) and int(self.keys[at]) == key and self.rows[at] >= 0:
            return int(self.rows[at])
        return None


_table: Table | None = None
_loaded = False


def table() -> Table | None:
    """The vectors, read once per process (preload() reads them before workers fork)."""
    global _table, _loaded
    if not _loaded:
        with _lock:
            if not _loaded:
                directory = vocab_dir()
                try:
                    _table = Table(directory) if directory else None
                except (OSError, ValueError) as error:
                    log.warning("word vectors not loaded from %s: %s", directory, error)
                    _table = None
                if directory is None:
                    log.info("ja-ginza is not installed: FAQ search runs on shared words only")
                _loaded = True
    return _table


def preload() -> None:
    """Read the vectors now (before forking workers, so they share the pages)."""
    table()


@functools.lru_cache(maxsize=8192)
def words(text: str) -> tuple[tuple[str, int], ...]:
    """(normalized form, vector row) of a text's content words, in order; a word the vectors
    lack is left out. The form keys the IDF: many words share one row of the pruned vectors."""
    vectors = table()
    if vectors is None or not text:
        return ()
    found = []
    for m, _, _ in tokens.content_morphemes(text[:4000]):
        forms = (m.surface(), m.dictionary_form(), m.normalized_form())
        if m.part_of_speech()[0] in _DROP_POS or _STOP.intersection(forms):
            continue
        for word in forms:
            row = vectors.row(word)
            if row is not None:
                found.append((m.normalized_form(), row))
                break
    return tuple(found)


def encode(asked: list[str], answer: str) -> str:
    """What the index stores of a document: row:form of what it answers, '|', those of its answer."""
    def joined(found):
        return " ".join(f"{row}:{form}" for form, row in found if " " not in form and "|" not in form)
    return joined([w for text in asked for w in words(text)]) + "|" + joined(words(answer))


def _decode(stored: str) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    def pairs(part):
        return [(form, int(row)) for row, _, form in (item.partition(":") for item in part.split())]
    left, _, right = (stored or "").partition("|")
    return pairs(left), pairs(right)


class Space:
    """The entries of one searcher as unit vectors, with the IDF of each vector row among them."""

    def __init__(self, documents):
        vectors = table()
        decoded = [(docnum, *_decode(stored)) for docnum, stored in documents if stored]
        self.docnums = [docnum for docnum, _, _ in decoded]
        if vectors is None or not decoded:
            self.matrix = None
            return
        frequency: dict[str, int] = {}
        for _, left, right in decoded:
            for form in {form for form, _ in left} | {form for form, _ in right}:
                frequency[form] = frequency.get(form, 0) + 1
        count = len(decoded)
        self.idf = lambda form: math.log((count + 1) / (frequency.get(form, 0) + 0.5))
        self.table = vectors
        self.matrix = np.stack([self._vector([(left, 1.0), (right, ANSWER_WEIGHT)]) for _, left, right in decoded])

    def _vector(self, parts):
        total = np.zeros(self.table.matrix.shape[1], dtype=np.float32)
        for found, weight in parts:
            for form, row in found:
                total += weight * self.idf(form) * self.table.matrix[row]
        norm = float(np.linalg.norm(total))
        return total / norm if norm else total

    def closeness(self, query: str) -> dict[int, float]:
        """docnum → how far the entry's cosine with the query lies above the median (0 if below)."""
        if self.matrix is None:
            return {}
        found = words(query)
        if not found:
            return {}
        cosines = self.matrix @ self._vector([(found, 1.0)])
        median = float(np.median(cosines))
        return {docnum: float(c) - median for docnum, c in zip(self.docnums, cosines) if c > median}


def blend(ranked: list[tuple[int, float]], close: dict[int, float], limit: int) -> list[tuple[int, float]]:
    """Word matches (docnum, score) rescored as score / best + WEIGHT × closeness, best first
    (ties by document order); entries that share no word are not added (see `nearest`)."""
    if not ranked:
        return []
    best = ranked[0][1]
    scored = [(docnum, score / best + WEIGHT * close.get(docnum, 0.0)) for docnum, score in ranked]
    return sorted(scored, key=lambda pair: (-pair[1], pair[0]))[:limit]


def nearest(close: dict[int, float], limit: int) -> list[int]:
    """The docnums closest in meaning, best first (for a query that shares no word with any entry)."""
    return [docnum for docnum, _ in sorted(close.items(), key=lambda pair: (-pair[1], pair[0]))[:limit]]
