"""A real server (gunicorn, several workers) and a real browser for end-to-end tests."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    """An unused port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveSite:
    """gunicorn serving the app on a SQLite file in a temporary instance folder."""

    def __init__(self, instance: Path, database: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database = database
        self.env = {
            **os.environ,
            "HOTLINE_INSTANCE_PATH": str(instance),
            "HOTLINE_DATABASE_URL": f"sqlite:///{database}",
            "HOTLINE_SECRET_KEY": "live-test-secret",
            # Browser tests read a page right after changing it, on whichever worker answers;
            # the front cache (pages kept for seconds) has its own tests.
            "HOTLINE_PAGE_CACHE_SECONDS": "0",
        }
        self.process: subprocess.Popen | None = None
        self.workers = 2
        self.log = instance / "server.log"
        self.app, self.cwd = "wsgi:app", ROOT  # another WSGI app (a benchmark's baseline) may be served instead

    def unseal(self, token: str) -> str:
        """A value the site sealed at rest, opened with the data key in its instance folder."""
        from cryptography.fernet import Fernet

        key = (Path(self.env["HOTLINE_INSTANCE_PATH"]) / "data_key").read_text().strip()
        return Fernet(key.encode()).decrypt(token.encode()).decode("utf-8")

    def start(self) -> None:
        """Start gunicorn and wait until it answers."""
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.process = subprocess.Popen(
            [str(gunicorn), "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
             "--preload",  # as dev.py serves it: workers fork from a loaded app (and dictionary)
             "--no-control-socket", self.app],  # gunicorn 27's default socket is shared per user
            cwd=self.cwd, env=self.env, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.log.read_text())
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def flask(self, *args: str, stdin: str | None = None) -> str:
        """Run a flask command against the same database."""
        result = subprocess.run([str(Path(sys.executable).parent / "flask"), "--app", "wsgi", *args],
                                cwd=ROOT, env=self.env, capture_output=True, text=True, input=stdin)
        if result.returncode:
            raise RuntimeError(result.stdout + result.stderr)
        return result.stdout

    def create_user(self, username: str, role: str, password: str) -> None:
        """Create a staff account through the CLI."""
        self.flask("users", "create", username, "--role", role, stdin=f"{password}\n{password}\n")

    def stop(self) -> None:
        """Stop gunicorn."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


def cookie_opener():
    """A urllib opener with its own cookie jar: one browser without a browser."""
    import http.cookiejar
    import urllib.request

    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def form_value(html: str, name: str) -> str:
    """The value of the form field `name` in a page (a CSRF token, a form's token)."""
    import re

    return re.search(rf'name="{name}"[^>]*value="([^"]*)"', html).group(1)


def site_on_copy(folder: Path, sqlite_template: Path) -> LiveSite:
    """A site (not started yet) on a fresh copy of the migrated SQLite template."""
    folder.mkdir()
    database = folder / "hotline.sqlite3"
    shutil.copy(sqlite_template, database)
    return LiveSite(folder, database)


@pytest.fixture
def live_site(tmp_path, sqlite_template):
    """A migrated, empty site served by gunicorn."""
    site = site_on_copy(tmp_path / "live-instance", sqlite_template)
    site.start()
    yield site
    site.stop()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI")
        pytest.skip("chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser context and page (no shared cookies between tests)."""
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10000)
    new_page = context.new_page()
    yield new_page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        new_page.screenshot(path=str(ROOT / "tests" / "screenshots" / f"failed-{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can see a failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
