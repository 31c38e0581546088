"""Japanese text normalization for search: folding and the variant dictionary (no Whoosh here).

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

VARIANTS_PATH = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "search_variants.txt")
CHOON = "ー"
# Characters people type instead of ー after kana (hyphen-minus, dashes, minus).
_DASHES = set("-‐‑‒–—―−ｰ～〜")


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
_generation = 0


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
    global _variants, _generation
    with _lock:
        _variants = vm
        _generation += 1


def variants_generation() -> int:
    """A number that changes whenever the dictionary is replaced (for caches built on it)."""
    return _generation


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
    if len(v.key) == 1 and is_kanji(v.key) and (is_kanji(f.text[i - 1:i]) or is_kanji(f.text[j:j + 1])):
        return False  # a one-kanji word (夫, 母) never inside a compound (工夫, 祖母)
    return True


def is_kanji(ch: str) -> bool:
    """True for one CJK ideograph (々 included)."""
    return len(ch) == 1 and ("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or ch == "々")


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
