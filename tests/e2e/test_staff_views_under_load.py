"""Staff pages that record a view keep working while the public writes, with several workers on SQLite."""

import sqlite3
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from hotline.demo import DEMO_PASSWORD
from tests.livesite import cookie_opener, form_value, site_on_copy

FORM = {"name": "負荷 試験", "email": "load@example.jp", "phone": "", "reply_by": "email", "category": "other",
        "consent": "y", "notice_number": "", "website": ""}



def test_agents_open_inquiries_while_customers_submit(tmp_path, sqlite_template):
    site = site_on_copy(tmp_path / "instance", sqlite_template)
    site.env.update({"HOTLINE_INQUIRY_LIMIT_PER_HOUR": "10000", "HOTLINE_INQUIRY_POSTS_PER_HOUR": "10000"})
    site.workers = 3
    site.flask("demo", "load")
    site.start()
    try:
        database = site.env["HOTLINE_DATABASE_URL"].removeprefix("sqlite:///")
        with sqlite3.connect(database) as connection:
            ids = [row[0] for row in connection.execute("SELECT id FROM inquiry ORDER BY id")]
            views_before = connection.execute("SELECT count(*) FROM audit_event WHERE action = 'view'").fetchone()[0]
        agent = cookie_opener()
        login = agent.open(site.url + "/login", timeout=10).read().decode()
        agent.open(site.url + "/login", data=urllib.parse.urlencode(
            {"csrf_token": form_value(login, "csrf_token"), "username": "tanaka", "password": DEMO_PASSWORD}).encode(),
            timeout=10).read()
        statuses, lock, stop = [], threading.Lock(), threading.Event()

        def read(worker):
            for n in range(15):
                try:
                    with agent.open(f"{site.url}/agent/inquiries/{ids[(worker + n) % len(ids)]}", timeout=10) as page:
                        code = page.status
                except urllib.error.HTTPError as error:
                    code = error.code
                with lock:
                    statuses.append(code)

        def submit(worker):
            visitor = cookie_opener()
            html = visitor.open(site.url + "/inquiry", timeout=10).read().decode()
            fields = {"csrf_token": form_value(html, "csrf_token")}
            n = 0
            while not stop.is_set():
                n += 1
                body = urllib.parse.urlencode({**FORM, **fields, "token": f"load{worker}x{n:06d}",
                                               "message": f"負荷試験 {worker}-{n}"}).encode()
                visitor.open(site.url + "/inquiry", data=body, timeout=10).read()

        with ThreadPoolExecutor(8) as pool:
            writers = [pool.submit(submit, w) for w in range(4)]
            list(pool.map(read, range(4)))
            stop.set()
            for writer in writers:
                writer.result()
        assert statuses.count(200) == 60, sorted(set(statuses))
        with sqlite3.connect(database) as connection:
            views = connection.execute("SELECT count(*) FROM audit_event WHERE action = 'view'").fetchone()[0]
        assert views - views_before == 60  # every page shown was recorded
        assert "database is locked" not in site.log.read_text()
    finally:
        site.stop()
