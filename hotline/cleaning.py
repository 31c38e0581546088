"""Text as every form and file format accepts it: no control or bidirectional characters."""

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]")


def clean_text(value: str | None) -> str:
    """Drop control characters (keeping newlines and tabs) and unify line ends."""
    if value is None:
        return ""
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
