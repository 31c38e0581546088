"""Which encoding a CSV file is in: UTF-8 (BOM or not), Shift_JIS (CP932) or EUC-JP, never guessed wrong silently.

Most bytes of Japanese text in EUC-JP are also valid CP932 (read as half-width katakana
and rare kanji), so a file both can read is read as the one whose text looks like
Japanese: the share of its characters that are kana, JIS level-1 kanji or common
punctuation (`plausibility`). When neither reading is clearly the better one the file
is refused, with a request to save it again in UTF-8.
"""

import unicodedata


class ListFileError(ValueError):
    """A file that cannot be read as an affected list; the text is Japanese."""

SAVE_AGAIN = "UTF-8 または Shift_JIS の CSV で保存し直してください。"
MARGIN = 0.25
"""How much more plausible one reading must be than the other to be taken."""
SAMPLE = 20_000
"""Non-ASCII characters weighed (the start of the file is enough to tell)."""


def decode(data: bytes) -> tuple[str, str]:
    """Text of a CSV file and the name of its encoding; `ListFileError` when it cannot be told."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8（BOM付き）"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ListFileError("UTF-16 のファイルは読めません。" + SAVE_AGAIN)
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as error:
        failed_at = [error.start]
    readings = {}
    for codec, label in (("cp932", "Shift_JIS（CP932）"), ("euc_jp", "EUC-JP")):
        try:
            readings[label] = data.decode(codec)
        except UnicodeDecodeError as error:
            failed_at.append(error.start)
    if not readings:
        # The encoding that read further is the one the file was meant to be in.
        line = data[: max(failed_at)].count(b"\n") + 1
        raise ListFileError(f"文字コードを判別できません（{line}行目付近）。{SAVE_AGAIN}")
    if len(readings) == 1:
        label, text = readings.popitem()
        return text, label
    scores = {label: plausibility(text) for label, text in readings.items()}
    best = max(scores, key=scores.get)
    if scores[best] - min(scores.values()) < MARGIN:
        raise ListFileError("文字コードを判別できません（Shift_JIS と EUC-JP のどちらとしても読めます）。"
                            "UTF-8 の CSV で保存し直してください。")
    return readings[best], best


def plausibility(text: str) -> float:
    """0 to 1: how much the non-ASCII characters of `text` look like ordinary Japanese."""
    weights = [_weight(ch) for ch in _sample(text)]
    return sum(weights) / len(weights) if weights else 1.0


def _sample(text: str):
    count = 0
    for ch in text:
        if ord(ch) > 0x7F:
            yield ch
            count += 1
            if count >= SAMPLE:
                return


_COMMON = set("、。・「」『』（）ー々〒　")


def _weight(ch: str) -> float:
    code = ord(ch)
    if ch in _COMMON or 0x3041 <= code <= 0x3096 or 0x30A1 <= code <= 0x30FA or 0xFF01 <= code <= 0xFF5E:
        return 1.0
    if 0xFF61 <= code <= 0xFF9F:
        return 0.5  # half-width katakana: real in old exports, but also what EUC-JP bytes look like in CP932
    if unicodedata.category(ch) != "Lo" or not 0x4E00 <= code <= 0x9FFF:
        return 0.0
    try:
        row = ch.encode("euc_jp")[0] - 0xA0
    except UnicodeEncodeError:
        return 0.0
    return 1.0 if 16 <= row <= 47 else 0.3  # JIS X 0208 level 1, else level 2
