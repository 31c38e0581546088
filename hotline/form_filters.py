"""Filters and validators shared by every form: clean text, Japanese length messages."""

import unicodedata

from wtforms.validators import Length

try:
    from wtforms import SelectChoice
except ImportError:  # WTForms < 3.3 takes plain (value, label) pairs
    def SelectChoice(value, label):  # noqa: N802
        """Fallback for older WTForms."""
        return (value, label)

from .draft_files import clean_text


def line(value: str | None) -> str:
    """One-line text: cleaned, newlines folded to spaces, trimmed."""
    return clean_text(value).replace("\n", " ").replace("\t", " ").strip()


def block(value: str | None) -> str:
    """Multi-line text: control and bidi characters removed, trimmed."""
    return clean_text(value).strip()


def nfkc_line(value: str | None) -> str:
    """One line with full-width letters and digits folded to ASCII (addresses, numbers)."""
    return unicodedata.normalize("NFKC", line(value))


def too_long(limit: int) -> Length:
    """Length validator with a Japanese message."""
    return Length(max=limit, message=f"{limit:,}文字以内で入力してください。")
