"""SQLite's write lock, as the workers of one site take it: BEGIN IMMEDIATE waits for
another worker's write transaction in short steps, gives up as SQLite would after the
configured wait, and leaves the connection's own busy timeout as it was."""

import sqlite3
import threading

import pytest

from hotline import extensions


def _connect(path):
    raw = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA busy_timeout=10000")
    return raw


def test_a_waiting_writer_gets_the_lock_once_the_other_commits(tmp_path):
    holder, waiter = _connect(tmp_path / "db.sqlite3"), _connect(tmp_path / "db.sqlite3")
    holder.execute("CREATE TABLE t (n INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t VALUES (1)")
    release = threading.Timer(0.05, lambda: holder.execute("COMMIT"))
    release.start()
    extensions.take_write_lock(waiter)  # waits until the holder's commit
    release.join()
    waiter.execute("INSERT INTO t VALUES (2)")
    waiter.execute("COMMIT")
    assert [n for (n,) in waiter.execute("SELECT n FROM t ORDER BY n")] == [1, 2]
    assert waiter.execute("PRAGMA busy_timeout").fetchone() == (10000,)


def test_a_lock_held_too_long_is_refused_as_sqlite_refuses_it(tmp_path, monkeypatch):
    holder, waiter = _connect(tmp_path / "db.sqlite3"), _connect(tmp_path / "db.sqlite3")
    holder.execute("CREATE TABLE t (n INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    monkeypatch.setattr(extensions, "LOCK_WAIT_SECONDS", 0.05)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        extensions.take_write_lock(waiter)
    assert not waiter.in_transaction
    assert waiter.execute("PRAGMA busy_timeout").fetchone() == (10000,)
    holder.execute("COMMIT")
    extensions.take_write_lock(waiter)
    assert waiter.in_transaction
