"""Line diffs of texts staff approve (template versions, FAQ changes): what goes, what comes."""

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldDiff:
    """One field that changed, as lines marked 'same', 'added' or 'removed'."""

    label: str
    lines: list[tuple[str, str]]


def line_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Lines of `new` against `old`: ('same' | 'added' | 'removed', line)."""
    out = []
    for line in difflib.ndiff(str(old or "").splitlines(), str(new or "").splitlines()):
        tag, text = line[:2], line[2:]
        if tag in ("  ", "+ ", "- "):
            out.append(({"  ": "same", "+ ": "added", "- ": "removed"}[tag], text))
    return out


def field_diffs(labels: dict[str, str], old: dict, new: dict) -> list[FieldDiff]:
    """The labelled fields whose value differs between two dicts, each as a line diff."""
    return [FieldDiff(label, line_diff(old.get(name, ""), new.get(name, "")))
            for name, label in labels.items() if old.get(name, "") != new.get(name, "")]
