"""Flask extension objects, created unbound and attached in the factory, and the SQLite settings.

SQLite, for a site that several worker processes write to at once: WAL lets readers
run beside a writer; a busy timeout makes writers wait instead of failing; write
requests take the write lock when their transaction starts (BEGIN IMMEDIATE), so two
requests never deadlock upgrading read locks.
"""

import sqlite3
import time
from contextlib import contextmanager

from flask import Flask, g, has_request_context, request
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event, inspect
from sqlalchemy.orm import DeclarativeBase, Session, make_transient_to_detached

from .driver import insert_rows, select_rows, with_defaults

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
READ_METHODS = {"GET", "HEAD", "OPTIONS"}
WRITE_NEXT = "sqlite_write_next"
READ_FIRST = "sqlite_read_first"
PENDING_ROWS = "pending_rows"
BUSY_TIMEOUT_MS = 10000  # how long a statement waits for a lock before "database is locked"
LOCK_WAIT_SECONDS = BUSY_TIMEOUT_MS / 1000  # the same, for BEGIN IMMEDIATE (take_write_lock)


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations name constraints."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()


def tune_sqlite(app: Flask) -> None:
    """Install the connection hooks when the database is SQLite."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)


def _on_connect(dbapi_connection, _record) -> None:
    """Per-connection pragmas; transactions are started by _on_begin."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _on_begin(connection) -> None:
    """Start each transaction, taking the write lock up front when it will write."""
    immediate = not has_request_context() or request.method not in READ_METHODS or g.get(WRITE_NEXT, False)
    if has_request_context() and g.get(READ_FIRST, False):
        immediate = False
    # on the driver itself: SQLAlchemy's execution of a statement costs more than the BEGIN
    raw = connection.connection.dbapi_connection
    if immediate:
        take_write_lock(raw)
    else:
        raw.execute("BEGIN")


def take_write_lock(raw) -> None:
    """BEGIN IMMEDIATE, waiting for another worker's write transaction in short steps.

    SQLite's own busy handler sleeps 1, 2, 5, 10 … ms between tries, while a post's write
    transaction holds the lock for well under a millisecond: a waiting worker slept most
    of the time the lock was free. Here it tries again after 0.05 ms, doubling to 2 ms at
    most, and gives up as SQLite would ("database is locked") after LOCK_WAIT_SECONDS.
    """
    raw.execute("PRAGMA busy_timeout=0")
    try:
        delay, deadline = 0.00005, time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
            time.sleep(delay)
            delay = min(delay * 2, 0.002)
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def in_read_request() -> bool:
    """True while handling a GET, HEAD or OPTIONS request (a page read, whose transaction only reads)."""
    return has_request_context() and request.method in READ_METHODS


@contextmanager
def reads_first():
    """In a request that writes (a form post): the reads that decide what to write, first.

    They run in a plain transaction that holds no write lock, ended (rolled back) when
    the block ends; the writes that follow get a transaction of their own that takes
    SQLite's write lock with its first statement. So the lock, which every worker waits
    for, is held for the inserts and the commit only, not for the whole request. Objects
    read inside the block are expired when it ends: keep ids and plain values. On a
    database server, whose locks are taken row by row by the writes, the block is one
    transaction with them (ending it would cost a round trip and a second checkout).
    """
    if db.engine.dialect.name != "sqlite":
        yield
        return
    setattr(g, READ_FIRST, True)
    try:
        yield
    finally:
        db.session.rollback()
        setattr(g, READ_FIRST, False)


@contextmanager
def write_after_reads():
    """For a page read with GET that records something (a search statistic) after reading.

    The read transaction is ended first and the write gets a transaction of its own
    that holds SQLite's write lock from its first statement and is committed at the
    end. SQLite cannot turn a read transaction into a write one once another worker
    has committed since it began; under load that would fail the page (or wait for
    the busy timeout). The read transaction is rolled back (a GET writes nothing else,
    and nothing a view merely computed is saved by accident); objects read before are
    expired and reload on use.
    """
    db.session.rollback()
    setattr(g, WRITE_NEXT, True)
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        setattr(g, WRITE_NEXT, False)


def add_row(model, **values) -> None:
    """Add a row that nobody reads back as an object (an audit row, a rate event) to the
    current transaction, written by a plain INSERT instead of the unit of work.

    Like an object added to the session it is written before the session's next statement
    and at the commit, and a rollback discards it; several rows of a table go in one
    executemany. It costs a fifth of an ORM flush, which counts on the pages every post
    passes through. Column defaults (created_at) are those of the model. Such rows may go in
    before objects added earlier in the transaction: do not rely on id order between the two.
    """
    session = db.session()
    if not session.in_transaction():
        session.begin()  # so that a rollback before any statement discards the row too
    session.info.setdefault(PENDING_ROWS, []).append((model.__table__, values))


def write_pending_rows(session) -> None:
    """Insert the rows of add_row, table by table (rows naming the same
    columns in one executemany), in the order they were added."""
    rows = session.info.pop(PENDING_ROWS, None)
    if not rows:
        return
    batches: dict = {}
    for table, values in rows:
        values = with_defaults(table, values)
        batches.setdefault((table, tuple(sorted(values))), []).append(values)
    connection = session.connection()
    for (table, _names), batch in batches.items():
        insert_rows(connection, table, batch)


def driver_rows(statement, params: dict | None = None) -> list:
    """driver.select_rows on the session's connection; rows added with add_row are written
    first, as before any statement."""
    session = db.session()
    if session.info.get(PENDING_ROWS):
        write_pending_rows(session)
    return select_rows(session.connection(), statement, params)


def insert_object(obj) -> None:
    """Write a new object with one plain INSERT now, instead of adding it and flushing.

    For the row every public post writes: the unit of work costs several times the
    statement. Column defaults are filled in on the object first, as a flush would; the
    object then joins the session as if it had been loaded, so later changes are flushed
    as UPDATEs and columns it did not set (none, with plain defaults) load on use.
    Relationships must be given as foreign-key columns. No flush runs, so neither mapper
    events nor the session's before_flush rules see the row: use it only for a class no
    such rule watches (the inquiry; never a report, an FAQ entry or a template, whose
    rules live in before_flush hooks).
    """
    state = inspect(obj)
    mapper = state.mapper
    if any(key in state.dict for key in mapper.relationships.keys()):
        raise ValueError("insert_object takes foreign-key columns, not related objects")
    values = {}
    for prop in mapper.column_attrs:
        column, key = prop.columns[0], prop.key
        if key in state.dict:
            values[column.key] = state.dict[key]
        elif column.default is not None and (column.default.is_scalar or column.default.is_callable):
            default = column.default.arg if column.default.is_scalar else column.default.arg(None)
            setattr(obj, key, default)
            values[column.key] = default
    session = db.session()
    if session.info.get(PENDING_ROWS):
        write_pending_rows(session)
    primary_key = insert_rows(session.connection(), mapper.local_table, [values], returning=True)
    for column, value in zip(mapper.primary_key, primary_key):
        setattr(obj, mapper.get_property_by_column(column).key, value)
    make_transient_to_detached(obj)
    db.session.add(obj)


@event.listens_for(Session, "do_orm_execute")
def _rows_before_statement(state) -> None:
    """Pending rows are written before any statement of the session, as autoflush would."""
    if state.session.info.get(PENDING_ROWS):
        write_pending_rows(state.session)


@event.listens_for(Session, "before_commit")
def _rows_before_commit(session) -> None:
    """Pending rows are written with the commit."""
    write_pending_rows(session)


@event.listens_for(Session, "after_transaction_end")
def _rows_end_with_transaction(session, transaction) -> None:
    """A rollback (or close) of the whole transaction discards rows not yet written."""
    if transaction.parent is None:
        session.info.pop(PENDING_ROWS, None)
