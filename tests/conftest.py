"""Fixtures: the app on a real SQLite file and on a real PostgreSQL server."""

import contextvars
import itertools
import os
import shutil

import psycopg
import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade

from hotline import create_app
from hotline.extensions import db
from hotline.models import Role

from .factories import PASSWORD, make_user
from .pgserver import PostgresCluster, find_bin_dir
from .smtpserver import SmtpServer

pytest_plugins = ["tests.livesite"]

BACKENDS = [b for b in os.environ.get("HOTLINE_TEST_DB", "sqlite,postgresql").split(",") if b]
_counter = itertools.count()


def pytest_configure(config):
    """CI runs every backend: a run there without PostgreSQL would pass while proving half as much."""
    config.addinivalue_line("markers", "one_backend: the rule under test does not touch the database's own "
                                       "behaviour; run it on the first backend only")
    if os.environ.get("CI") and "postgresql" not in BACKENDS:
        raise pytest.UsageError("CI runs the tests on PostgreSQL too; HOTLINE_TEST_DB must include postgresql")


def pytest_collection_modifyitems(config, items):
    """Keep `one_backend` tests on the first backend of the run."""
    keep, drop = [], []
    for item in items:
        param = getattr(getattr(item, "callspec", None), "params", {}).get("database_url")
        (drop if item.get_closest_marker("one_backend") and param not in (None, BACKENDS[0]) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _base_config(tmp_path, url: str) -> dict:
    """Configuration shared by every test app."""
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "test-secret-key",
        "SEARCH_STATS_SECONDS": 0,  # statistics written with each search; tests/test_search_stats.py batches them
        "PAGE_CACHE_SECONDS": 0,  # pages are read right after changes; tests/test_page_cache.py turns it on
    }


def _migrate(tmp_path, url: str) -> None:
    """Bring a database to the latest schema through the migrations."""
    app = create_app(_base_config(tmp_path, url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated SQLite file that each test copies.

    HOTLINE_TEST_SQLITE_TEMPLATE names a file kept between runs (the mutation runs start
    hundreds of short pytest sessions); it is migrated when missing.
    """
    kept = os.environ.get("HOTLINE_TEST_SQLITE_TEMPLATE")
    if kept and os.path.exists(kept):
        return kept
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.sqlite3"
    _migrate(folder, f"sqlite:///{path}")
    if kept:
        shutil.copy(path, kept)
    return path


@pytest.fixture(scope="session")
def pg_cluster(tmp_path_factory):
    """A PostgreSQL server for the session with a migrated template database."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL server binaries are required in CI")
        pytest.skip("PostgreSQL server binaries not installed")
    cluster = PostgresCluster(bin_dir)
    cluster.start()
    try:
        _admin_sql(cluster, "CREATE DATABASE hotline_template")
        _migrate(tmp_path_factory.mktemp("pg-template"), cluster.url("hotline_template"))
        yield cluster
    finally:
        cluster.stop()


def _admin_sql(cluster: PostgresCluster, sql: str) -> None:
    """Run one statement outside a transaction on the maintenance database."""
    with psycopg.connect(cluster.url().replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    """A fresh, migrated database for one test, on each backend in turn."""
    if request.param == "sqlite":
        path = tmp_path / "hotline.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    cluster = request.getfixturevalue("pg_cluster")
    name = f"hotline_test_{os.getpid()}_{next(_counter)}"
    _admin_sql(cluster, f"CREATE DATABASE {name} TEMPLATE hotline_template")
    yield cluster.url(name)
    _admin_sql(cluster, f"DROP DATABASE {name} WITH (FORCE)")


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in a real server process.

    The test's own session commits before the request (so the server sees the test's
    data) and forgets its cached objects afterwards (so the test sees the server's).
    """

    def open(self, *args, **kwargs):
        if not has_app_context():  # a redirect being followed inside the request's own context
            return super().open(*args, **kwargs)
        db.session.commit()

        def run():
            response = FlaskClient.open(self, *args, **kwargs)
            response.get_data()  # a streamed body is read while its request is current, as a server does
            return response
        try:
            return contextvars.Context().run(run)
        finally:
            db.session.expire_all()


@pytest.fixture
def app(database_url, tmp_path):
    """The application bound to the test database."""
    application = create_app(_base_config(tmp_path, database_url))
    application.test_client_class = IsolatedClient
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def staff(app):
    """One account of each role, plus a second supervisor for approvals."""
    accounts = {
        "agent": make_user("agent1", Role.AGENT),
        "sup1": make_user("sup1", Role.SUPERVISOR),
        "sup2": make_user("sup2", Role.SUPERVISOR),
        "admin": make_user("admin1", Role.ADMIN),
    }
    db.session.commit()
    return accounts


@pytest.fixture
def smtp(app):
    """A running SMTP server on a free loopback port, with the app pointed at it."""
    server = SmtpServer()
    server.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, SMTP_TIMEOUT=5)
    yield server
    server.stop()


@pytest.fixture
def login(client):
    """Log the test client in as a username (password from the factories)."""

    def do_login(username: str, password: str = PASSWORD):
        response = client.post("/login", data={"username": username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return do_login


@pytest.fixture(scope="module")
def shipped_index(tmp_path_factory):
    """A search index of the shipped FAQ files (no database)."""
    from hotline import faq, search
    from hotline.config import PROJECT_ROOT

    directory = str(tmp_path_factory.mktemp("shipped") / "index")
    search.rebuild_index(directory, [
        {"id": s.key, "question": s.question, "alternatives": s.alternatives, "keywords": s.keywords,
         "answer": s.answer, "category": s.category} for s in faq.read_faq_dir(PROJECT_ROOT / "faq")])
    return directory
