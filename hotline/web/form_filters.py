"""Filters and validators shared by every form: clean text, Japanese length messages."""

import re
import unicodedata

from flask_wtf import FlaskForm
from wtforms.i18n import get_translations
from wtforms.validators import Length, ValidationError

try:
    from wtforms import SelectChoice
except ImportError:  # WTForms < 3.3 takes plain (value, label) pairs
    def SelectChoice(value, label):  # noqa: N802
        """Fallback for older WTForms."""
        return (value, label)

from ..cleaning import clean_text


class JapaneseMeta:
    """Form options: WTForms' own messages (a required number, a date) in Japanese."""

    def get_translations(self, form):
        """Japanese messages for built-in validators."""
        return get_translations(["ja"])


class StaffForm(FlaskForm):
    """Base of the back office's forms: CSRF-protected, built-in messages in Japanese."""

    class Meta(JapaneseMeta):
        pass


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


def email_address(_form, field) -> None:
    """Validator: one plain email address, normalized in place; Japanese message otherwise."""
    from ..mail import MailError, normalize_address

    if field.data:
        try:
            field.data = normalize_address(field.data)
        except MailError as error:
            raise ValidationError(str(error)) from error


def phone_number(_form, field) -> None:
    """Validator: digits, hyphens, spaces, brackets or a leading +, 10 to 15 digits."""
    if not field.data:
        return
    if re.search(r"[^0-9+\-() ]", field.data):
        raise ValidationError("電話番号は数字とハイフンで入力してください（例：03-1234-5678）。")
    digits = "".join(ch for ch in field.data if ch.isdigit())
    if not 10 <= len(digits) <= 15:
        raise ValidationError("電話番号の桁数が正しくありません。市外局番から入力してください。")
