"""Japanese text normalization and tokenization for FAQ search (no Whoosh here).

Every function keeps track of where each normalized character came from, so a
token can always be mapped back to a span of the ORIGINAL text (NFKC changes
lengths: ｸﾞ is two characters in, one out; ㈱ is one in, three out).

Pipeline (see docs/search.md):
1. NFKC per grapheme-ish group (a base character plus its combining marks).
2. Lowercase.
3. Katakana -> hiragana.
4. A hyphen or tilde-like dash right after kana becomes ー; every ー is dropped
   (パスワード = ぱすわーど = パスワ-ド, サーバ = サーバー).
5. Variant dictionary (data/search_variants.txt): each variant becomes its
   group's canonical word.
"""
from __future__ import annotations

import functools
import os
import threading
import unicodedata
from dataclasses import dataclass, field

VARIANTS_PATH = os.path.join(os.path.dirname(__file__), "data", "search_variants.txt")
CHOON = "ー"
# Characters people type instead of ー after kana (hyphen-minus, dashes, minus).
_DASHES = set("-‐‑‒–—―−ｰ～〜")
_SUDACHI_CHUNK = 2000  # characters per Sudachi call (it rejects very long input)
_SUDACHI_DROP_POS = {"助詞", "助動詞", "補助記号", "空白", "記号"}


@dataclass
class Folded:
    """Normalized text with, per character, its original span and script class."""

    text: str = ""
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    kinds: str = ""  # per char: "k" katakana-origin, "a" ASCII alnum, "o" other


def _is_kata(ch: str) -> bool:
    """True for katakana letters (full-width, after NFKC)."""
    return "ァ" <= ch <= "ヺ" or ch in "ヽヾ"


def _is_kana(ch: str) -> bool:
    """True for hiragana, katakana or ー."""
    return "ぁ" <= ch <= "ゖ" or _is_kata(ch) or ch in "ゝゞ" + CHOON


def _groups(text: str):
    """Yield (start, end) spans of a base character plus its combining marks."""
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and (unicodedata.combining(text[j]) or text[j] in "\uff9e\uff9f"):
            j += 1
        yield i, j
        i = j


def prefold(text: str) -> Folded:
    """NFKC with offsets, dashes after kana turned into ー (no case/kana folding)."""
    out = Folded()
    chars: list[str] = []
    for s, e in _groups(text):
        for ch in unicodedata.normalize("NFKC", text[s:e]):
            if ch in _DASHES and chars and _is_kana(chars[-1]):
                ch = CHOON
            chars.append(ch)
            out.starts.append(s)
            out.ends.append(e)
    out.text = "".join(chars)
    return out


def fold(text: str) -> Folded:
    """Full character folding (steps 1-4) with offsets and script classes."""
    pre = prefold(text)
    out = Folded()
    chars, kinds = [], []
    for ch, s, e in zip(pre.text, pre.starts, pre.ends):
        if ch == CHOON:
            continue
        kind = "k" if _is_kata(ch) else "o"
        for c in ch.lower():
            if _is_kata(c):
                c = chr(ord(c) - 0x60) if c <= "ヶ" else {"ヽ": "ゝ", "ヾ": "ゞ"}.get(c, c)
            if c.isascii() and c.isalnum():
                kind = "a"
            chars.append(c)
            kinds.append(kind)
            out.starts.append(s)
            out.ends.append(e)
    out.text, out.kinds = "".join(chars), "".join(kinds)
    return out


@functools.lru_cache(maxsize=65536)
def fold_text(text: str) -> str:
    """Steps 1-4 only, as a plain string."""
    return fold(text).text


# ---------------------------------------------------------------- variants


@dataclass
class Variant:
    """One dictionary entry: a folded variant and how it may match."""

    key: str
    canonical: str
    whole_kata: bool  # written in katakana: match whole katakana words only


@dataclass
class VariantMap:
    """The parsed variant dictionary."""

    by_first: dict[str, list[Variant]] = field(default_factory=dict)
    token_map: dict[tuple, tuple] = field(default_factory=dict)  # Sudachi level
    max_tokens: int = 0
    token_ready: bool = False  # token_map filled (lazily: it needs Sudachi)
    problems: list[str] = field(default_factory=list)
    groups: list[list[str]] = field(default_factory=list)


_lock = threading.RLock()
_variants: VariantMap | None = None
_sudachi_dict = None
_sudachi_local = threading.local()


def parse_variant_lines(lines) -> tuple[list[list[str]], list[str]]:
    """Parse dictionary lines into groups; return (groups, problems)."""
    groups, problems, seen = [], [], {}
    for no, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].replace("、", ",").replace("，", ",")
        words = [w.strip() for w in line.split(",") if w.strip()]
        if not words:
            continue
        if len(words) == 1:
            problems.append(f"line {no}: only one word, nothing to merge: {words[0]}")
        group = []
        for w in words:
            key = fold_text(w)
            if not key:
                problems.append(f"line {no}: {w!r} is empty after normalization")
            elif key in seen and seen[key] != no:
                problems.append(f"line {no}: {w!r} already in line {seen[key]}; ignored here")
            else:
                seen[key] = no
                group.append(w)
        if group:
            groups.append(group)
    return groups, problems


def _build_variant_map(groups, problems) -> VariantMap:
    """Index groups for longest-match lookup on folded text."""
    vm = VariantMap(problems=problems, groups=groups)
    for group in groups:
        canonical = fold_text(group[0])
        for word in group:
            kata = all(_is_kata(c) or c in _DASHES or c == CHOON for c in prefold(word).text)
            v = Variant(fold_text(word), canonical, kata)
            vm.by_first.setdefault(v.key[0], []).append(v)
    for lst in vm.by_first.values():
        lst.sort(key=lambda v: -len(v.key))
    return vm


def load_variants(path: str = VARIANTS_PATH) -> VariantMap:
    """Read and parse a variant dictionary file."""
    try:
        with open(path, encoding="utf-8") as fh:
            groups, problems = parse_variant_lines(fh)
    except FileNotFoundError:
        groups, problems = [], [f"{path} not found"]
    return _build_variant_map(groups, problems)


def variants() -> VariantMap:
    """The process-wide variant dictionary, loaded on first use."""
    global _variants
    if _variants is None:
        with _lock:
            if _variants is None:
                _variants = load_variants()
    return _variants


def set_variants(vm: VariantMap | None) -> None:
    """Replace the process-wide dictionary (None: reload from file on next use)."""
    global _variants
    with _lock:
        _variants = vm
        _cached_tokens.cache_clear()


def _boundary_ok(f: Folded, i: int, j: int, v: Variant) -> bool:
    """Check that a match f.text[i:j] does not cut a word it must not cut."""
    before = f.kinds[i - 1] if i > 0 else " "
    after = f.kinds[j] if j < len(f.kinds) else " "
    if v.whole_kata and (before in "ka" or after in "ka"):
        return False
    if v.key[0].isascii() and v.key[0].isalnum() and before == "a":
        return False
    if v.key[-1].isascii() and v.key[-1].isalnum() and after == "a":
        return False
    return True


def apply_variants(f: Folded, vm: VariantMap | None = None) -> Folded:
    """Replace dictionary variants in folded text by canonical words (longest match)."""
    vm = vm or variants()
    out = Folded()
    chars, kinds = [], []
    i, n = 0, len(f.text)
    while i < n:
        for v in vm.by_first.get(f.text[i], ()):
            j = i + len(v.key)
            if f.text.startswith(v.key, i) and _boundary_ok(f, i, j, v):
                for c in v.canonical:
                    chars.append(c)
                    kinds.append("o")
                    out.starts.append(f.starts[i])
                    out.ends.append(f.ends[j - 1])
                i = j
                break
        else:
            chars.append(f.text[i])
            kinds.append(f.kinds[i])
            out.starts.append(f.starts[i])
            out.ends.append(f.ends[i])
            i += 1
    out.text, out.kinds = "".join(chars), "".join(kinds)
    return out


def normalize(text: str) -> str:
    """NFKC, lowercase, katakana->hiragana, ー handling, variant dictionary."""
    return apply_variants(fold(text or "")).text


# ---------------------------------------------------------------- tokenizers


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


def _morphemes(text: str, sub: bool = False) -> list[tuple]:
    """(folded normalized form, POS, start, end, subunits) in ORIGINAL text offsets.

    With ``sub``, subunits lists the mode A parts of a compound as (form, start, end).
    """
    from sudachipy import SplitMode

    pre = prefold(text or "")
    out = []
    for off, piece in _chunks(pre.text):
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


def sudachi_ca_tokens(text: str) -> list[tuple[str, int, int]]:
    """Sudachi mode C tokens plus the mode A parts of compounds."""
    return sudachi_tokens(text, sub=True)


TOKENIZERS = {"bigram": bigram_tokens, "sudachi": sudachi_tokens,
              "sudachi_ca": sudachi_ca_tokens}


def tokens(text: str, kind: str) -> tuple[tuple[str, int, int], ...]:
    """Tokenize with the named tokenizer: (term, start, end) spans of the original text."""
    if len(text or "") > 4000:
        return tuple(TOKENIZERS[kind](text))
    return _cached_tokens(text or "", kind)


@functools.lru_cache(maxsize=8192)
def _cached_tokens(text: str, kind: str) -> tuple[tuple[str, int, int], ...]:
    """Memoized tokens of short texts (FAQ answers are highlighted again and again)."""
    return tuple(TOKENIZERS[kind](text))


def preload() -> None:
    """Load the variant dictionary and Sudachi now (call before forking workers)."""
    _token_variant_map(variants())
