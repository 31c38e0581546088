"""Each node's index follows the database: a generation number per index, kept in the database.

The indexes live in each node's instance folder, so a change committed on one node (or
by a command on another machine) must reach the others. Every commit that changes
what an index holds adds one to that index's generation in the same transaction
(`bump_on_change` watches the searched fields of a model); before searching, a process
compares the database's number with the one its local index was built from, at most
once per `CHECK_SECONDS`, and rebuilds from the database when it is behind, or when the
index was built by another version of the analysis or another variant dictionary
(`tokens.analysis_version`, kept beside the number). A vote or
any other change to fields nobody searches leaves the generation alone.
"""

from __future__ import annotations

import os
import threading
import time

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session

from ..extensions import db
from . import tokens
from ..models import IndexGeneration

CHECK_SECONDS = 1.0
_checked: dict[tuple[str, str], float] = {}
_lock = threading.Lock()


def marker(index_dir: str) -> str:
    """The file beside an index that says which generation it was built from."""
    return os.path.abspath(index_dir) + ".generation"


def local_generation(index_dir: str) -> int:
    """The generation this node's index was built from (-1: none, never recorded, or built by
    another version of the analysis or another variant dictionary, so it must be rebuilt)."""
    if not os.path.exists(index_dir):
        return -1
    try:
        with open(marker(index_dir), encoding="ascii") as handle:
            number, _, analysis = handle.read().strip().partition(" ")
        return int(number) if analysis == tokens.analysis_version() else -1
    except (OSError, ValueError):
        return -1


def database_generation(name: str) -> int:
    """The generation the database is at for index `name` (0 before any change)."""
    return db.session.scalar(select(IndexGeneration.number).filter_by(name=name)) or 0


def record_built(index_dir: str, number: int) -> None:
    """Note that the index now holds generation `number` (written atomically)."""
    path = marker(index_dir)
    temporary = f"{path}.{os.getpid()}.{threading.get_ident()}"
    with open(temporary, "w", encoding="ascii") as handle:
        handle.write(f"{number} {tokens.analysis_version()}")
    os.replace(temporary, path)


def follow(name: str, index_dir: str, rebuild, every: float = CHECK_SECONDS) -> bool:
    """Call `rebuild` when the database has moved past this node's index; True when it did.

    `rebuild` reads the generation before the rows and records it with `record_built`.
    Costs one small query per process and index at most every `every` seconds.
    """
    key = (name, os.path.abspath(index_dir))
    now = time.monotonic()
    with _lock:
        if now - _checked.get(key, -every) < every:
            return False
        _checked[key] = now
    if local_generation(index_dir) >= database_generation(name):
        return False
    rebuild()  # records the generation it read (see record_built)
    return True


def forget_checks() -> None:
    """Check again on the next search (tests; after a command rebuilt an index)."""
    with _lock:
        _checked.clear()


def bump_on_change(model, fields: tuple[str, ...], *names: str) -> None:
    """Add one to the generations `names` whenever a flush adds, deletes or changes `fields` of `model`."""

    @event.listens_for(Session, "before_flush")
    def _bump(session, _context, _instances) -> None:
        if session.info.get(f"bumped:{names}"):
            return
        changed = [o for o in session.new if isinstance(o, model)] + \
                  [o for o in session.deleted if isinstance(o, model)] + \
                  [o for o in session.dirty if isinstance(o, model) and _changed(o, fields)]
        if not changed:
            return
        for name in names:
            session.execute(update(IndexGeneration).where(IndexGeneration.name == name)
                            .values(number=IndexGeneration.number + 1))
        session.info[f"bumped:{names}"] = True  # once per transaction is enough


@event.listens_for(Session, "after_transaction_end")
def _new_transaction(session, transaction) -> None:
    if transaction.parent is None:
        for key in [k for k in session.info if isinstance(k, str) and k.startswith("bumped:")]:
            del session.info[key]


def _changed(obj, fields: tuple[str, ...]) -> bool:
    state = inspect(obj)
    return any(state.attrs[f].history.has_changes() for f in fields)
