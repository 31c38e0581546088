"""Queries written in kana: the FAQ's own words spelled with their kanji again.

Some customers type almost everything in hiragana (かいいんを やめたい, じゅうしょや
でんわばんごう). Sudachi cuts such runs into unrelated pieces, and a reading of one piece
rarely equals a reading of a whole word of the FAQ. For a query with hardly any kanji, each
hiragana run that does not continue a kanji is read left to right and the longest reading
of a noun of the FAQ itself (会員 かいいん, 住所 じゅうしょ, 郵便 ゆうびん; three kana or more) is
replaced by that noun, so the usual analysis sees the word. Other queries are left alone: in ordinary writing the
hiragana are particles and endings, which a reading could only mistake for words.
"""

from __future__ import annotations

import threading
import weakref

from . import tokens
from .textnorm import fold_text, is_kanji

MIN_READING = 3  # kana: shorter readings (かい, いん) would match inside unrelated words
MAX_KANJI_SHARE = 0.15  # of a query's letters; above it the query is ordinary writing
MIN_KANA_RUN = 3

_vocabularies: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _is_hiragana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u309f" or ch == "ー"


def mostly_kana(text: str) -> bool:
    """Whether a query is written in kana with hardly a kanji (and has a run worth reading)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    kanji = sum(is_kanji(ch) for ch in letters)
    if kanji / len(letters) > MAX_KANJI_SHARE:
        return False
    return any(len(run) >= MIN_KANA_RUN for run in _runs(text))


def _runs(text: str) -> list[str]:
    """The runs of hiragana in a text."""
    runs, current = [], []
    for ch in text:
        if _is_hiragana(ch):
            current.append(ch)
        elif current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return runs


def vocabulary(texts) -> dict[str, str]:
    """Folded reading → noun, for every noun with a kanji and a reading of MIN_READING kana or
    more in `texts`; of two nouns read alike, the one written more often."""
    seen: dict[str, dict[str, int]] = {}
    for text in texts:
        for surface, _form, reading, pos, _conj in tokens.short_units(text):
            if pos != "名詞" or not any(is_kanji(ch) for ch in surface) or len(reading) < MIN_READING:
                continue
            counts = seen.setdefault(fold_text(reading), {})
            counts[surface] = counts.get(surface, 0) + 1
    return {reading: max(counts, key=lambda s: (counts[s], s)) for reading, counts in seen.items()}


def vocabulary_of(searcher) -> dict[str, str]:
    """The vocabulary of an index's stored questions and answers, made once per searcher."""
    with _lock:
        found = _vocabularies.get(searcher)
    if found is None:
        found = vocabulary(f"{fields.get('question', '')}\n{fields.get('answer', '')}"
                           for _docnum, fields in searcher.reader().iter_docs())
        with _lock:
            _vocabularies[searcher] = found
    return found


def spell_out(text: str, words: dict[str, str]) -> str:
    """`text` with the longest known reading at each place of a hiragana run replaced by its noun;
    a run right after a kanji is that word's ending and stays as written."""
    if not words:
        return text
    longest = max(len(reading) for reading in words)
    out, i = [], 0
    while i < len(text):
        if not _is_hiragana(text[i]):
            out.append(text[i])
            i += 1
            continue
        end = i
        while end < len(text) and _is_hiragana(text[end]):
            end += 1
        after_kanji = i > 0 and is_kanji(text[i - 1])  # the run is a kanji's ending (お知らせって …)
        out.append(text[i:end] if after_kanji else _spell_run(text[i:end], words, longest))
        i = end
    return "".join(out)


def _spell_run(run: str, words: dict[str, str], longest: int) -> str:
    """One hiragana run with its known readings replaced, longest first, left to right."""
    out, i = [], 0
    while i < len(run):
        for size in range(min(longest, len(run) - i), MIN_READING - 1, -1):
            noun = words.get(fold_text(run[i:i + size]))
            if noun:
                out.append(noun)
                i += size
                break
        else:
            out.append(run[i])
            i += 1
    return "".join(out)
