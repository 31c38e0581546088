"""SQLite settings for a site that several worker processes write to at once.

WAL lets readers run beside a writer; a busy timeout makes writers wait instead of
failing; write requests take the write lock when their transaction starts
(BEGIN IMMEDIATE), so two requests never deadlock upgrading read locks.
"""

from flask import Flask, has_request_context, request
from sqlalchemy import event

from .extensions import db

READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def init_app(app: Flask) -> None:
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
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _on_begin(connection) -> None:
    """Start each transaction, taking the write lock up front when it will write."""
    immediate = not has_request_context() or request.method not in READ_METHODS
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
