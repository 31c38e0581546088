"""Values of a draft file and of the report form: counts, dates, certainties, statuses.

One set of normalizers, so a file and the admin form accept and refuse the same input;
each raises ValueError with a Japanese message.
"""

import re
import unicodedata
from datetime import date, datetime, time

from ..models import Certainty, LeakStatus

MAX_TEXT = 10_000
MAX_COUNT = 1_000_000_000
SHORT_LIMITS = {"contact_phone": 40, "contact_hours": 200, "contact_form_url": 300, "note": 300,
                "title": 200, "signatory": 300}

LEAK_WORDS = {
    **{s.value: s for s in LeakStatus}, **{s.label: s for s in LeakStatus},
    "確認済み": LeakStatus.CONFIRMED, "漏えいあり": LeakStatus.CONFIRMED,
    "可能性が高い": LeakStatus.LIKELY, "可能性を否定できない": LeakStatus.POSSIBLE,
    "可能性あり": LeakStatus.POSSIBLE, "調査中": LeakStatus.INVESTIGATING,
    "漏えいなし": LeakStatus.NOT_LEAKED, "漏えいしていない": LeakStatus.NOT_LEAKED,
    "保有していない": LeakStatus.NOT_HELD, "お預かりしていない": LeakStatus.NOT_HELD,
}
CERTAINTY_WORDS = {
    **{c.value: c for c in Certainty}, **{c.label: c for c in Certainty},
    "確定": Certainty.CONFIRMED, "確認済み": Certainty.CONFIRMED,
    "暫定": Certainty.PROVISIONAL, "調査中": Certainty.PROVISIONAL,
}


def parse_count(value) -> int | None:
    """A record count from an int or text ('１，２００' → 1200); ValueError in Japanese."""
    if isinstance(value, bool):
        raise ValueError("人数・件数は数字で入力してください。")
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).replace(",", "").replace("件", "").strip()
        if not text:
            return None
        if not re.fullmatch(r"[+-]?\d{1,12}", text):
            raise ValueError("人数・件数は数字で入力してください（例：1,200）。")
        value = int(text)
    if not isinstance(value, int):
        raise ValueError("人数・件数は数字で入力してください。")
    if value < 0:
        raise ValueError("人数・件数に負の数は使えません。")
    if value > MAX_COUNT:
        raise ValueError(f"人数・件数が大きすぎます（{MAX_COUNT:,}以下で入力してください）。")
    return value


def word_key(text: str) -> str:
    """Normalize a status or category word for lookup (width, case, spaces)."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


def _lookup(table: dict, raw, what: str):
    """Find a word in one of the vocabularies above."""
    folded = {word_key(k): v for k, v in table.items()}
    if isinstance(raw, str) and word_key(raw) in folded:
        return folded[word_key(raw)]
    raise ValueError(f"{what}として使えない値です: {raw!r}")


def parse_date(value) -> date:
    """A TOML date or 'YYYY-MM-DD' text (full-width digits allowed)."""
    if isinstance(value, datetime):
        raise ValueError("日付だけを書いてください（時刻は不要です）。")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().replace("/", "-")
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError("日付は YYYY-MM-DD の形で書いてください（例：2026-11-01）。")


def parse_clock(value) -> time | None:
    """'10:12' (full-width digits allowed) → time; '' → None."""
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    text = unicodedata.normalize("NFKC", value or "").strip() if isinstance(value, str) else None
    if text == "":
        return None
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text or "")
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError("時刻は 10:12 のように24時間制で書いてください。")
    return time(int(match.group(1)), int(match.group(2)))


def parse_moment(value) -> tuple[date, time | None]:
    """A date, or a date and time: TOML 2026-07-14T10:12:00, or text '2026-07-14 10:12'."""
    if isinstance(value, datetime):
        return value.date(), value.time().replace(second=0, microsecond=0)
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().replace("T", " ")
        if " " in text:
            day, clock = text.split(None, 1)
            return parse_date(day), parse_clock(clock)
    return parse_date(value), None


def parse_certainty(value) -> Certainty:
    """確定/confirmed or 暫定/調査中/provisional."""
    return _lookup(CERTAINTY_WORDS, value, "確度（確定／暫定）")


def parse_leak_status(value) -> LeakStatus:
    """確認済み/可能性が高い/可能性あり/調査中/漏えいなし/保有していない or their English names."""
    return _lookup(LEAK_WORDS, value, "漏えいの状況（確認済み／可能性が高い／可能性あり／調査中／漏えいなし／保有していない）")


