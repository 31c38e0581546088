"""Column helpers shared by the model modules."""

import enum
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import Enum


MAX_ID = 2**31 - 1
"""The largest id a row can have: ids are INTEGER columns (32 bits on PostgreSQL)."""


def as_id(text) -> int | None:
    """A row id typed into a URL or form ('12'), or None: ASCII digits only (str.isdigit also
    accepts '²' and '١', which int() refuses or reads otherwise) within the database's INTEGER."""
    text = str(text if text is not None else "")
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or int(text) > MAX_ID:
        return None
    return int(text)


def utcnow() -> datetime:
    """Return the current time as a naive UTC datetime (stored the same on every engine)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def today_in_japan() -> date:
    """Today's date in Japan, where expiry dates and deadlines are read."""
    return (datetime.now(timezone.utc) + timedelta(hours=9)).date()


def still_valid(column, day=None):
    """A SQL condition: an expiry-date column is empty or not yet past (in Japan); `day` may
    be a bound parameter, for a statement built once."""
    return column.is_(None) | (column >= (today_in_japan() if day is None else day))


def enum_column(enum_class: type[enum.Enum]) -> Enum:
    """Store an enum by its value as a short string, portable across SQLite and PostgreSQL."""
    return Enum(
        enum_class,
        native_enum=False,
        length=24,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
