"""Is an inquiry a report of secondary damage? Recall first, with hedges read honestly.

An inquiry is urgent when its category says so, or when one sentence of its message reports
damage in one of the phrases of hotline.inquiries.urgent_rules (read on SudachiPy's normalized
short units and on their kana readings, with one typo allowed in long katakana words).
A phrase is not a report when the same clause makes it a condition (…た場合, …たら), a worry
about the future (…されないか心配), prevention (防ぐには), hearsay (ニュースで見た), a denial
(被害はありません) or the topic of a question (不正利用の補償は) — unless the verb before
that word is already in the past tense (不正利用されたかもしれません stays urgent).
"""

from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from ..search.tokens import short_units
from . import urgent_rules as rules

ENDERS = frozenset("。！？!?\n")
SMALL_KANA = str.maketrans("", "", "ァィゥェォッャュョヮー")
FINAL = frozenset("た ます です だ".split())


@dataclass(frozen=True)
class Unit:
    """One Sudachi mode A unit."""

    surface: str
    form: str
    reading: str
    pos: str
    conj: str


@dataclass(frozen=True)
class Finding:
    """One phrase found in a message; `hedge` says why it is not a report ('' when it is one)."""

    kind: str
    words: str  # the units that filled the phrase's slots (vocabulary of the rules, no other words)
    hedge: str = ""


def sentences(text: str) -> list[list[Unit]]:
    """The message as sentences of units (split at 。！？ and line breaks)."""
    out, current = [], []
    for surface, form, reading, pos, conj in short_units(text[:4000]):
        if surface in ENDERS or (pos == "補助記号" and surface in "。！？"):
            if current:
                out.append(current)
            current = []
            continue
        if pos == "空白":
            continue
        current.append(Unit(surface, form, reading, pos, conj))
    if current:
        out.append(current)
    return out


def _fits(unit: Unit, slot: frozenset[str]) -> bool:
    """Whether a unit fills a slot (a form, or an @property)."""
    if unit.form in slot or unit.surface in slot:
        return True
    if unit.conj.startswith("命令形") and f"{unit.form}@命令形" in slot:
        return True
    if "@命令形" in slot and unit.conj.startswith("命令形"):
        return True
    if "@受身" in slot and unit.form in ("れる", "られる"):
        return True
    return False


def _match(units: list[Unit], phrase: rules.Phrase) -> tuple[int, int, list[int]] | None:
    """(first, last, the units that filled the slots) where the phrase first stands, else None."""
    for i in range(len(units)):
        if _fits(units[i], phrase.slots[0]):
            rest = _rest(units, phrase, 1, i)
            if rest is not None:
                return i, (rest or [i])[-1], [i, *rest]
    return None


def _rest(units: list[Unit], phrase: rules.Phrase, slot: int, at: int) -> list[int] | None:
    """The units filling slots[slot:] after unit `at`, each within the gap of the one before."""
    if slot == len(phrase.slots):
        return []
    for j in range(at + 1, min(len(units), at + 2 + phrase.gap)):
        if _fits(units[j], phrase.slots[slot]):
            rest = _rest(units, phrase, slot + 1, j)
            if rest is not None:
                return [j, *rest]
    return None


def hedge(units: list[Unit], first: int, last: int) -> str:
    """Why the phrase at units[first:last+1] is not a report of damage, or ''."""
    if any(u.form in rules.BEFORE or u.surface in rules.BEFORE for u in units[:first]):
        return "仮定"
    after = units[last + 1:last + 1 + rules.HEDGE_WINDOW]
    if len(after) >= 2 and after[0].form == "の" and after[1].form in rules.TOPIC:
        return "話題"
    past = False
    for unit in after:
        if unit.surface in "、,":
            break
        form = unit.form
        if form in rules.CONDITIONAL or (form in ("た", "だ") and unit.conj.startswith("仮定形")):
            return "仮定"
        if form in rules.PREVENT:
            return "予防"
        if form in rules.HEARSAY:
            return "伝聞"
        if form in rules.WORRY and (not past or _asks(after)):
            return "心配"
        if not past and form in rules.NEGATION and unit.pos in ("助動詞", "形容詞"):
            return "否定"
        if form == "た":
            past = True
        if form in FINAL and unit.conj.startswith("終止形"):
            break
    return ""


def _asks(units: list[Unit]) -> bool:
    """Whether the clause ends as a question (…可能性はありますか)."""
    return any(u.form == "か" and u.pos == "助詞" for u in units)


def _reading_spans(units: list[Unit]):
    """(kind, first, last, reading) for each reading signal found, exactly or with one typo."""
    stream, owner = "", []
    for index, unit in enumerate(units):
        stream += unit.reading
        owner += [index] * len(unit.reading)
    for kind, reading in rules.READINGS:
        at = stream.find(reading)
        if at >= 0:
            yield kind, owner[at], owner[at + len(reading) - 1], reading
    for index, unit in enumerate(units):
        word = unit.surface.translate(SMALL_KANA)
        if len(word) < rules.FUZZY_MIN or not all("ァ" <= ch <= "ヺ" for ch in unit.surface if ch != "ー"):
            continue
        for kind, reading in rules.FUZZY:
            target = reading.translate(SMALL_KANA)
            if len(target) >= rules.FUZZY_MIN and Levenshtein.distance(word, target, score_cutoff=1) <= 1:
                yield kind, index, index, reading


def findings(message: str) -> list[Finding]:
    """Every phrase of damage in the message, with its hedge (for the queue and the benchmark)."""
    text_forms = None
    out = []
    for units in sentences(message or ""):
        spans = []
        for phrase in rules.PHRASES:
            place = _match(units, phrase)
            if place is None:
                continue
            if phrase.needs:
                if text_forms is None:
                    text_forms = {u.form for s in sentences(message) for u in s}
                if not phrase.needs & text_forms:
                    continue
            first, last, filled = place
            words = "".join(("" if k == 0 or filled[k - 1] == i - 1 else "…") + units[i].surface
                            for k, i in enumerate(filled))
            spans.append((phrase.kind, first, last, words))
        spans += list(_reading_spans(units))
        for kind, first, last, words in spans:
            out.append(Finding(kind, words, hedge(units, first, last)))
    return out


def reports(message: str) -> list[Finding]:
    """The findings that are reports of damage (not hedged)."""
    return [f for f in findings(message) if not f.hedge]


def reason(message: str) -> str:
    """A Japanese reason for the queue when the message reports damage, else ''."""
    found = reports(message)
    if not found:
        return ""
    first = found[0]
    return f"本文が{rules.KIND_LABELS[first.kind]}と読めます（「{first.words}」）"[:200]
