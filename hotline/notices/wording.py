"""Wording that states as settled what a report still calls provisional.

Read on SudachiPy's normalized forms, so plain and keigo forms are one rule: 判明しました,
判明いたしました, 判明した and 判明しております; 特定いたしました; 解明いたしました; 明らかになりました;
突き止めました; …であることが分かりました; 原因は…です, …でした, …でございます; …が原因です.
A sentence that hedges (可能性, 推定, 調査中, 判明し次第, 不明 …) or denies (特定できておりません)
is not assertive.
"""

import re

from ..search.tokens import words

SETTLING_NOUNS = {"判明", "特定", "確定", "断定", "解明"}  # 確認 is left out: a seen fact may stand in a provisional cause
DOING = (["為る"], ["致す"])  # 判明する, 特定いたす: the word after a settling noun
FINDING_VERBS = {"分かる", "判る", "突き止める"}
BECOMING = (["だ", "成る"], ["だ", "為る"], ["だ", "致す"])  # 明らかになる, 明らかにする, 明らかにいたす
IN_STATE = (["て", "おる"], ["て", "居る"])  # 判明しております, 判明している
HEDGES = {"可能", "可能性", "推定", "推測", "見込み", "模様", "疑い", "恐れ", "調査", "確認中", "予定",
          "次第", "思う", "考える", "見る", "ら", "か", "おそれ", "見込む", "想定", "不明", "未定", "未確定"}
NEGATIONS = {"ず", "ない", "無い", "ぬ"}
COPULAS = {"です", "だ"}
POLITE_ENDINGS = ("た", "ます", "御座る", "有る")  # でした, でございます, である: still the copula
PUNCTUATION = ("。", "！", "？", "!", "?")
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")


def assertive_sentences(text: str) -> list[str]:
    """The sentences of `text` that read as a settled finding, as written."""
    if not text:
        return []
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip() and _settles(words(s))]


def naming(sentence: str, subjects: dict[str, set[str]]) -> list[str]:
    """Which of `subjects` ({label: words}) a sentence speaks of, by normalized form (期間, 原因 …)."""
    forms = {norm for _, norm, _ in words(sentence)}
    return [label for label, wanted in subjects.items() if forms & wanted]


def _settles(morphs: list[tuple[str, str, str]]) -> bool:
    """True when a sentence states a finding without hedging or denying it."""
    forms = [norm for _, norm, _ in morphs]
    hedges = set(forms) & HEDGES
    # 調査の結果、…を特定いたしました: the investigation is over, not going on
    hedged = bool(hedges) and not (hedges == {"調査"} and _after_the_investigation(forms))
    if hedged or any(norm in NEGATIONS and pos in ("助動詞", "形容詞") for _, norm, pos in morphs):
        return False
    past = any(norm == "た" and not surface.startswith(("たら", "だら")) for surface, norm, _ in morphs)
    done = past or _in_state(forms)
    for i, norm in enumerate(forms):
        if norm in SETTLING_NOUNS and forms[i + 1:i + 2] in DOING and done:
            return True
        if norm in FINDING_VERBS and done:
            return True
        if norm == "明らか" and (forms[i + 1:i + 3] in BECOMING and done or _copula_ends(
                [f for f in forms[i + 1:] if f not in PUNCTUATION], alone=True)):
            return True  # 明らかになりました, 明らかにいたしました; 明らかです, 明らかでした
    return _cause_is_named(forms)


def _in_state(forms: list[str]) -> bool:
    """…しております / …している: the finding stands (判明しております reads as settled as 判明しました)."""
    return any(forms[i:i + 2] in IN_STATE for i in range(len(forms)))


def _after_the_investigation(forms: list[str]) -> bool:
    """調査 only as in 調査の結果 (what it found), never as 調査中 or 調査しております."""
    return all(forms[i + 1:i + 3] == ["の", "結果"] for i, norm in enumerate(forms) if norm == "調査")


def _cause_is_named(forms: list[str]) -> bool:
    """原因は…です (でした, でございます, である) or …が原因です: the cause named with a plain copula."""
    if "原因" not in forms:
        return False
    start = forms.index("原因")
    tail = [f for f in forms[start + 1:] if f not in PUNCTUATION]
    if tail[:1] == ["は"]:
        return len(tail) >= 3 and _copula_ends(tail)
    last = len(forms) - 1 - forms[::-1].index("原因")
    return _copula_ends([f for f in forms[last + 1:] if f not in PUNCTUATION], alone=True)


def _copula_ends(tail: list[str], alone: bool = False) -> bool:
    """True when `tail` ends in a copula (polite endings taken off); with `alone`, when it is nothing else."""
    while tail and tail[-1] in POLITE_ENDINGS:
        tail = tail[:-1]
    if not tail or tail[-1] not in COPULAS:
        return False
    return len(tail) == 1 if alone else True
