"""Tokenizers for search: character bigrams and SudachiPy normalized forms (no Whoosh here).

Every token is (term, start, end) with start and end in the ORIGINAL text, so a match
can be highlighted where the reader typed it (see hotline.search.textnorm).
"""
from __future__ import annotations

import functools
import hashlib
import re
import threading
import unicodedata

from .textnorm import VariantMap, apply_variants, fold, fold_text, prefold, variants, variants_generation

_SUDACHI_CHUNK = 2000  # characters per Sudachi call (it rejects very long input)
_SUDACHI_DROP_POS = {"助詞", "助動詞", "補助記号", "空白", "記号"}
_lock = threading.RLock()
_sudachi_dict = None
_sudachi_local = threading.local()


def _script(ch: str) -> str:
    """Coarse class used to split runs: 'w' Latin/digits, 'j' Japanese, '' other."""
    if ch.isascii():
        return "w" if ch.isalnum() else ""
    if ch.isalnum() or ch in "々〆ヵヶゝゞ":
        return "w" if unicodedata.name(ch, "").startswith(("LATIN", "DIGIT")) else "j"
    return ""


def bigram_tokens(text: str) -> list[tuple[str, int, int]]:
    """Character bigrams over Japanese runs, whole words for Latin/digit runs."""
    f = apply_variants(fold(text or ""))
    toks, i, n = [], 0, len(f.text)
    while i < n:
        cls = _script(f.text[i])
        j = i + 1
        while j < n and _script(f.text[j]) == cls and cls:
            j += 1
        if cls == "w":
            toks.append((f.text[i:j], f.starts[i], f.ends[j - 1]))
        elif cls == "j":
            if j - i == 1:
                toks.append((f.text[i], f.starts[i], f.ends[i]))
            for k in range(i, j - 1):
                toks.append((f.text[k:k + 2], f.starts[k], f.ends[k + 1]))
        i = j
    return toks


def _sudachi():
    """A Sudachi mode C tokenizer for this thread (dictionary shared, lazy)."""
    global _sudachi_dict
    tok = getattr(_sudachi_local, "tok", None)
    if tok is None:
        from sudachipy import Dictionary, SplitMode

        with _lock:
            if _sudachi_dict is None:
                _sudachi_dict = Dictionary()
        tok = _sudachi_local.tok = _sudachi_dict.tokenizer(mode=SplitMode.C)
    return tok


def _sudachi_a():
    """A Sudachi mode A tokenizer for this thread (short units, for rules that read phrases)."""
    tok = getattr(_sudachi_local, "tok_a", None)
    if tok is None:
        from sudachipy import SplitMode

        _sudachi()  # loads the shared dictionary
        tok = _sudachi_local.tok_a = _sudachi_dict.tokenizer(mode=SplitMode.A)
    return tok


def short_units(text: str) -> list[tuple[str, str, str, str, str]]:
    """(surface, normalized form, reading, part of speech, conjugation form) of each mode A unit.

    For phrase rules such as urgency (不正/利用/さ/れ/た), where compounds must be split
    and readings catch words typed in kana or with the wrong kanji.
    """
    out = []
    for _offset, piece in _chunks(unicodedata.normalize("NFKC", text or "")):
        for m in _sudachi_a().tokenize(piece):
            pos = m.part_of_speech()
            out.append((m.surface(), m.normalized_form(), m.reading_form(), pos[0], pos[5]))
    return out


def _chunks(text: str):
    """Split text into (offset, piece) pieces short enough for Sudachi."""
    start = 0
    while start < len(text):
        end = min(len(text), start + _SUDACHI_CHUNK)
        if end < len(text):
            cut = max(text.rfind(c, start, end) for c in "。！？!?\n ")
            end = cut + 1 if cut > start else end
        yield start, text[start:end]
        start = end


def words(text: str) -> list[tuple[str, str, str]]:
    """(surface, Sudachi normalized form, part of speech) of each mode C word, in order.

    For rules about wording (いたしました and しました are one verb to them), not for the index.
    """
    out = []
    for _offset, piece in _chunks(text or ""):
        out += [(m.surface(), m.normalized_form(), m.part_of_speech()[0]) for m in _sudachi().tokenize(piece)]
    return out


_HIRAGANA_RUN = re.compile(r"(?<![ァ-ヺー])[ぁ-ゖ][ぁ-ゖー]*")  # a word in hiragana, not the の after マイナンバー
_LOANWORD_SIGNS = re.compile(r"[ぁぃぅぇぉゎー]")


def loanwords_in_katakana(text: str) -> str:
    """Runs of hiragana written like loanwords (with ー or a small ぃ, ぇ…: せきゅりてぃこーど,
    めーるあどれす, typed without converting) in katakana, for Sudachi to find the word; the
    same length, so every offset stays."""
    return _HIRAGANA_RUN.sub(lambda m: m.group(0).translate(_TO_KATAKANA) if _LOANWORD_SIGNS.search(m.group(0))
                             else m.group(0), text)


_TO_KATAKANA = {code: code + 0x60 for code in range(ord("ぁ"), ord("ゖ") + 1)}


def _sudachi_pieces(pre):
    """(offset, piece) of prefolded text as Sudachi reads it: loanwords in katakana, in chunks."""
    return _chunks(loanwords_in_katakana(pre.text))


def _morphemes(text: str, sub: bool = False) -> list[tuple]:
    """(folded normalized form, POS, start, end, subunits) in ORIGINAL text offsets.

    With ``sub``, subunits lists the mode A parts of a compound as (form, start, end).
    """
    from sudachipy import SplitMode

    pre = prefold(text or "")
    out = []
    for off, piece in _sudachi_pieces(pre):
        for m in _sudachi().tokenize(piece):
            b, e = off + m.begin(), off + m.end()
            if b >= e:
                continue
            parts = []
            if sub:
                parts = [(fold_text(a.normalized_form()), pre.starts[off + a.begin()],
                          pre.ends[off + a.end() - 1])
                         for a in m.split(SplitMode.A) if a.end() > a.begin()]
            out.append((fold_text(m.normalized_form()), m.part_of_speech()[0],
                        pre.starts[b], pre.ends[e - 1], parts if len(parts) > 1 else []))
    return out


def _token_variant_map(vm: VariantMap) -> VariantMap:
    """Fill vm.token_map with Sudachi token tuples for each variant (once)."""
    if vm.token_ready:
        return vm
    with _lock:
        if vm.token_ready:
            return vm
        for group in vm.groups:
            canon = tuple(t for t, *_ in _morphemes(group[0]))
            for word in group:
                key = tuple(t for t, *_ in _morphemes(word))
                if key and key not in vm.token_map:
                    vm.token_map[key] = canon
                    vm.max_tokens = max(vm.max_tokens, len(key))
        vm.token_ready = True
    return vm


def sudachi_tokens(text: str, sub: bool = False) -> list[tuple[str, int, int]]:
    """SudachiPy mode C normalized forms, variant map at token level, no particles.

    With ``sub``, compounds also yield their mode A parts (受付時間 -> 受付, 時間).
    """
    vm = _token_variant_map(variants())
    morphs = _morphemes(text, sub)
    toks, i = [], 0
    while i < len(morphs):
        for n in range(min(vm.max_tokens, len(morphs) - i), 0, -1):
            canon = vm.token_map.get(tuple(m[0] for m in morphs[i:i + n]))
            if canon:
                s, e = morphs[i][2], morphs[i + n - 1][3]
                toks.extend((t, s, e) for t in canon)
                i += n
                break
        else:
            term, pos, s, e, parts = morphs[i]
            if pos not in _SUDACHI_DROP_POS and term.strip():
                toks.append((term, s, e))
                toks.extend(p for p in parts if p[0] != term)
            i += 1
    return toks


FILLERS = frozenset(fold_text(w) for w in (
    "教える", "下さる", "くださる", "良い", "いい", "思う", "欲しい", "方", "成る", "なる", "どう"))
"""Words of asking, not of the question (教えてください, どうなる, した方がいい): they matched
other entries' questions and outweighed the evidence (docs/search.md)."""


def content_morphemes(text: str) -> tuple:
    """(Sudachi morpheme, start, end) of content words, offsets in the original text; a query's
    are read once for its synonym tokens and its word vectors (search.semantic)."""
    if len(text or "") > 4000:
        return tuple(_content_morphemes(text))
    return _cached_content_morphemes(text or "")


@functools.lru_cache(maxsize=1024)
def _cached_content_morphemes(text: str) -> tuple:
    return tuple(_content_morphemes(text))


def _content_morphemes(text: str):
    pre = prefold(text or "")
    for off, piece in _sudachi_pieces(pre):
        for m in _sudachi().tokenize(piece):
            b, e = off + m.begin(), off + m.end()
            if b < e and m.part_of_speech()[0] not in _SUDACHI_DROP_POS and m.surface().strip():
                yield m, pre.starts[b], pre.ends[e - 1]


def synonym_tokens(text: str) -> list[tuple[str, int, int]]:
    """Sudachi mode C tokens without filler words, plus each word's synonym groups (#399 for
    迷惑メール and スパム, #232 for クレジットカード and クレカ) from sudachidict-core."""
    out = [t for t in sudachi_tokens(text) if t[0] not in FILLERS]
    for m, start, end in content_morphemes(text):
        out += [(f"#{group}", start, end) for group in m.synonym_group_ids()]
    return out


def reading_tokens(text: str) -> list[tuple[str, int, int]]:
    """Each content word's kana reading, whole: a word typed in kana or with the wrong kanji
    of the same reading (ほしょう and 保障 for 補償, 理容 for 利用) still matches. Readings of
    one kana are left out; bigrams of readings were tried and matched unrelated words (セイ)."""
    out = []
    for m, start, end in content_morphemes(text):
        reading = m.reading_form()
        if fold_text(m.normalized_form()) in FILLERS or len(reading) < 2:
            continue
        out.append((reading, start, end))
    return out


def sudachi_ca_tokens(text: str) -> list[tuple[str, int, int]]:
    """Sudachi mode C tokens plus the mode A parts of compounds."""
    return sudachi_tokens(text, sub=True)


TOKENIZERS = {"bigram": bigram_tokens, "sudachi": sudachi_tokens,
              "sudachi_ca": sudachi_ca_tokens, "synonym": synonym_tokens, "reading": reading_tokens}


def tokens(text: str, kind: str) -> tuple[tuple[str, int, int], ...]:
    """Tokenize with the named tokenizer: (term, start, end) spans of the original text."""
    if len(text or "") > 4000:
        return tuple(TOKENIZERS[kind](text))
    return _cached_tokens(text or "", kind, variants_generation())


@functools.lru_cache(maxsize=8192)
def _cached_tokens(text: str, kind: str, _generation: int) -> tuple[tuple[str, int, int], ...]:
    """Memoized tokens of short texts (FAQ answers are highlighted again and again).

    Keyed by the dictionary's generation too, so replacing the dictionary takes effect.
    """
    return tuple(TOKENIZERS[kind](text))


ANALYSIS_VERSION = 3
"""Raised whenever a tokenizer or a matching rule changes the terms a text gives (2: one-kanji
entries only standing alone, loanwords typed in hiragana; 3: each document's word-vector rows,
search.semantic): an index built before is rebuilt."""


def analysis_version() -> str:
    """What an index's terms depend on besides its documents: this code's version and the
    variant dictionary's content (see search.follow)."""
    return _analysis_version(variants_generation())


@functools.lru_cache(maxsize=4)
def _analysis_version(_generation: int) -> str:
    digest = hashlib.sha256(repr(variants().groups).encode("utf-8")).hexdigest()[:12]
    return f"{ANALYSIS_VERSION}-{digest}"


def preload() -> None:
    """Load the variant dictionary and Sudachi now (call before forking workers)."""
    _token_variant_map(variants())
