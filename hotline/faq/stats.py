"""Search statistics gathered in each process and written in batches.

A search is a page read. Writing its statistic at once made every search of a crowd take
SQLite's write lock and wait for a durable commit. Now each process (one application per
process) keeps what it counted since its last write, and an FAQ page served
`SEARCH_STATS_SECONDS` (2 by default) or more after that write writes it all in one
transaction: in a quiet hour a search is written at once, in a crowd once every two
seconds per worker. The transaction holds the query rows and the rate events that cap how
much one address may add (`SEARCH_STATS_PER_HOUR`); the cap is checked against the
database at that write, so it holds across workers and nodes, a few seconds late. A worker
that dies loses the counts of those seconds at most; nothing else depends on them.
"""

import os
import threading
import time
from dataclasses import dataclass, field

from .. import throttle
from .entries import record_counts

BUCKET = "search_stat"
HOUR = 3600
MAX_PENDING = 1000
"""Written at once when this many are waiting, whatever their age (bounds the memory)."""


@dataclass
class _Pending:
    """What this process counted since its last write (emptied in a forked child)."""

    pid: int = field(default_factory=os.getpid)
    notes: list = field(default_factory=list)  # (address, query key, opened, found nothing)


_pending = _Pending()
_lock = threading.Lock()
_written = 0.0  # time.monotonic() of this process's last write


def note(query_key: str, address: str, *, hits: int | None = None, opened: bool = False) -> None:
    """Count a search (with its number of hits) or an opened result, written by `flush`."""
    global _pending
    with _lock:
        if _pending.pid != os.getpid():
            _pending = _Pending()
        _pending.notes.append((address, query_key, opened, hits == 0))


def due(seconds: float) -> bool:
    """Whether what is waiting should be written now (the last write is `seconds` old, or too much waits)."""
    pending = _pending
    if pending.pid != os.getpid() or not pending.notes:
        return False
    return time.monotonic() - _written >= seconds or len(pending.notes) >= MAX_PENDING


def waiting() -> int:
    """How many notes this process holds, not yet written."""
    return len(_pending.notes) if _pending.pid == os.getpid() else 0


def flush(per_hour: int) -> int:
    """Write what this process counted, in the caller's transaction (not committed).

    Each address adds at most what its ceiling still allows within the hour, counted in the
    database; its attempts are recorded as rate events (up to the ceiling), so a flood
    stays capped on every worker. Returns how many notes were counted.
    """
    global _pending, _written
    with _lock:
        notes, _pending = (_pending.notes if _pending.pid == os.getpid() else []), _Pending()
        _written = time.monotonic()
    by_address: dict[str, list] = {}
    for address, *rest in notes:
        by_address.setdefault(address, []).append(rest)
    counted, totals = 0, {}
    for address, items in by_address.items():
        room = max(0, per_hour - throttle.count(BUCKET, address, HOUR, cap=per_hour))
        for query_key, opened, found_nothing in items[:room]:
            searches, zero_hits, opens = totals.get(query_key, (0, 0, 0))
            totals[query_key] = (searches + (not opened), zero_hits + (found_nothing and not opened), opens + opened)
        counted += min(room, len(items))
        for _ in items[:per_hour]:
            throttle.record(BUCKET, address)
    for query_key, (searches, zero_hits, opens) in totals.items():
        record_counts(query_key, searches=searches, zero_hits=zero_hits, opens=opens)
    return counted
