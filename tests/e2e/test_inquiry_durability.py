"""Inquiries under load on the real server: concurrent writers on SQLite, and workers
killed with SIGKILL while people submit. Every acknowledged inquiry exists exactly once."""

import http.client
import http.cookiejar
import os
import re
import signal
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.livesite import LiveSite

pytestmark = pytest.mark.load

FORM = {"name": "負荷 試験", "email": "load@example.jp", "phone": "", "reply_by": "email",
        "category": "eligibility", "consent": "y"}


@pytest.fixture
def busy_site(tmp_path, database_url):
    """gunicorn with four workers and rate limits high enough for a load test, on each backend."""
    folder = tmp_path / "busy-instance"
    folder.mkdir()
    site = LiveSite(folder, folder / "unused.sqlite3")
    site.env["HOTLINE_DATABASE_URL"] = database_url
    site.env["HOTLINE_INQUIRY_LIMIT_PER_HOUR"] = "10000"
    site.env["HOTLINE_INQUIRY_POSTS_PER_HOUR"] = "10000"
    site.workers = 4
    site.start()
    yield site
    site.stop()


class Visitor:
    """One browser: its own cookies, opens the form, submits until it sees a receipt."""

    def __init__(self, url: str):
        self.url = url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def open_form(self, attempts: int = 30) -> dict:
        for _ in range(attempts):
            try:
                html = self.opener.open(self.url + "/inquiry", timeout=10).read().decode()
                break
            except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError):
                time.sleep(0.2)
        fields = {name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', html).group(1)
                  for name in ("csrf_token", "token")}
        return fields

    def submit(self, message: str, attempts: int = 30) -> tuple[str, int]:
        """Post until the receipt page is shown (a retry reuses the form's token); returns (receipt, tries)."""
        data = urllib.parse.urlencode({**FORM, **self.open_form(), "message": message}).encode()
        for attempt in range(1, attempts + 1):
            try:
                html = self.opener.open(self.url + "/inquiry", data=data, timeout=10).read().decode()
            except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError):
                time.sleep(0.2)
                continue
            found = re.search(r'class="receipt-number">([^<]+)<', html)
            if found:
                return found.group(1), attempt
            time.sleep(0.2)
        raise AssertionError(f"no receipt after {attempts} tries")


def worker_pids(master: int) -> list[int]:
    """gunicorn worker processes (children of the master)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(entry.name))
    return pids


def stored(site: LiveSite) -> list[tuple[str, str]]:
    """(receipt, message) of every stored inquiry, read straight from the database (not through
    the app); the message is sealed at rest, so it is opened with the site's data key."""
    url = site.env["HOTLINE_DATABASE_URL"]
    if url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            rows = connection.execute("SELECT receipt, message FROM inquiry").fetchall()
    else:
        import psycopg

        with psycopg.connect(url.replace("+psycopg", "")) as connection:
            rows = connection.execute("SELECT receipt, message FROM inquiry").fetchall()
    return [(receipt, site.unseal(message)) for receipt, message in rows]


def run_visitors(site: LiveSite, count: int, each: int = 1, during=None) -> tuple[dict[str, str], int]:
    """`count` visitors submit `each` inquiries at once.

    Returns (message → receipt shown, total posts including retries). `during(done)` runs
    in the main thread while they submit; `done` is set when all have finished.
    """
    shown, errors, tries = {}, [], []
    barrier = threading.Barrier(count)
    done = threading.Event()

    def visit(i):
        try:
            visitor = Visitor(site.url)
            barrier.wait()
            for n in range(each):
                message = f"負荷試験の問い合わせ {i}-{n}"
                receipt, attempts = visitor.submit(message)
                shown[message] = receipt
                tries.append(attempts)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))

    threads = [threading.Thread(target=visit, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    watcher = threading.Thread(target=lambda: ([t.join(180) for t in threads], done.set()))
    watcher.start()
    if during:
        during(done)
    watcher.join()
    assert not errors, errors[:3]
    return shown, sum(tries)


def test_fifty_people_submitting_at_once_all_get_a_receipt(busy_site):
    shown, _ = run_visitors(busy_site, 50)
    rows = stored(busy_site)
    assert len(shown) == 50 and len(rows) == 50
    assert {m: r for r, m in rows} == shown
    log = busy_site.log.read_text()
    assert "database is locked" not in log and "unhandled error" not in log


def test_killed_workers_lose_and_duplicate_nothing(busy_site):
    master = busy_site.process.pid

    kills = []

    def kill_workers(done):
        for _ in range(4):
            if done.wait(0.3):  # intake is fast: the first round must come before the visitors are done
                return
            for pid in worker_pids(master):
                try:
                    os.kill(pid, signal.SIGKILL)
                    kills.append(pid)
                except ProcessLookupError:
                    pass

    shown, posts = run_visitors(busy_site, 20, each=5, during=kill_workers)
    rows = stored(busy_site)
    assert len(kills) >= 8 and len(shown) == 100, f"{len(kills)} kills"  # at least two rounds of four workers
    assert len(rows) == 100 and len({r for r, _ in rows}) == 100
    assert {m: r for r, m in rows} == shown
    print(f"{len(kills)} workers killed, {posts} posts for 100 inquiries")


def test_a_graceful_reload_under_load_interrupts_nobody(busy_site):
    master = busy_site.process.pid

    def reload_workers(done):
        for wait in (0.05, 0.3, 0.3):  # the first at once: 100 posts take well under a second
            if done.wait(wait):
                return
            os.kill(master, signal.SIGHUP)

    shown, posts = run_visitors(busy_site, 20, each=5, during=reload_workers)
    rows = stored(busy_site)
    assert len(shown) == 100 and len(rows) == 100
    assert posts == 100  # every post was answered the first time: in-flight requests finished
    assert busy_site.log.read_text().count("Handling signal: hup") >= 1
