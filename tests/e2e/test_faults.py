"""Faults beyond a killed worker, while people submit: the gunicorn master killed, PostgreSQL restarted.

Every inquiry whose receipt was shown exists exactly once (a visitor whose post failed
sends the same form again, as the error page asks), and once the server is back the first
post succeeds.
"""

import os
import signal
import subprocess
import time

import pytest

from tests.e2e.test_inquiry_durability import Visitor, run_visitors, stored
from tests.livesite import LiveSite
from tests.pgserver import PostgresCluster, find_bin_dir

pytestmark = pytest.mark.load


def _limits(site: LiveSite) -> None:
    site.env.update({"HOTLINE_INQUIRY_LIMIT_PER_HOUR": "10000", "HOTLINE_INQUIRY_POSTS_PER_HOUR": "10000"})


def test_the_gunicorn_master_killed_mid_flood_loses_and_duplicates_nothing(tmp_path, database_url):
    folder = tmp_path / "instance"
    folder.mkdir()
    site = LiveSite(folder, folder / "unused.sqlite3")
    site.env["HOTLINE_DATABASE_URL"] = database_url
    _limits(site)
    site.start()

    happened = []

    def kill_master(done):
        if done.wait(0.4):
            return
        happened.append(True)
        os.kill(site.process.pid, signal.SIGKILL)  # no graceful anything: the workers lose their parent
        site.process.wait()
        time.sleep(1.0)  # the machine is down for a moment; visitors retry
        site.start()  # brought back by the service manager, on the same port and database

    try:
        shown, posts = run_visitors(site, 12, each=15, during=kill_master)
        rows = stored(site)
        assert happened, "the visitors finished before the fault"
        assert len(shown) == 180 and len(rows) == 180
        assert {m: r for r, m in rows} == shown
        print(f"{posts} posts for 180 inquiries")
    finally:
        site.stop()
        subprocess.run(["pkill", "-9", "-f", f"127.0.0.1:{site.port}"], check=False)


def test_a_postgresql_restart_mid_flood_fails_clearly_then_succeeds(tmp_path):
    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries not installed")
    cluster = PostgresCluster(bin_dir)
    cluster.start()
    folder = tmp_path / "instance"
    folder.mkdir()
    site = LiveSite(folder, folder / "unused.sqlite3")
    site.env["HOTLINE_DATABASE_URL"] = cluster.create_database("faults")
    _limits(site)
    try:
        site.flask("db", "upgrade")
        site.start()

        happened = []

        def restart(done):
            if done.wait(0.4):
                return
            happened.append(True)
            cluster._run("pg_ctl", "-D", cluster.data, "-m", "fast", "-w", "restart")

        shown, posts = run_visitors(site, 12, each=15, during=restart)
        rows = stored(site)
        assert happened, "the visitors finished before the fault"
        assert len(shown) == 180 and len(rows) == 180 and len({r for r, _ in rows}) == 180
        assert {m: r for r, m in rows} == shown
        receipt, attempts = Visitor(site.url).submit("再起動のあとのお問い合わせ")
        assert receipt and attempts == 1  # once the server is back, the first post succeeds
        print(f"{posts} posts for 180 inquiries; {site.log.read_text().count('unhandled error ref=')} error pages")
    finally:
        site.stop()
        cluster.stop()
