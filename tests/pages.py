"""Helpers for checking rendered pages."""

import html5lib


def body(response) -> str:
    """Response text."""
    return response.get_data(as_text=True)


def assert_valid_html(text: str) -> None:
    """Strict HTML5 parse: any parse error fails the test."""
    html5lib.HTMLParser(strict=True).parse(text)
