"""Where crowds come: public pages and intake against a bare Flask app, in one run.

Run by hand (pytest does not collect it):

    .venv/bin/python tests/bench/bench_public.py [--seconds 5] [--clients 8] [--start-postgresql] [--only intake]

Starts the demo under gunicorn (2 workers; SQLite, or a PostgreSQL server it starts with
fsync on) and, beside it, a bare Flask app under
gunicorn (2 workers) that returns the very bytes the demo returned for each page. Both are
hammered by the same client threads for the same time; the table gives each action's
requests per second as a ratio to the bare app. Absolute figures are printed once, for
the record only: on a shared 2-core machine they are noise, the ratios are not.

Actions: every public page (anonymous, so the front cache may answer), three of them again
with a session cookie (through the view: version check, kept body), an FAQ search whose
query is new on every request (so no result cache helps), and the inquiry form's POST
(committed, with its receipt; the limits per address are lifted for the run).
"""
from __future__ import annotations

import argparse
import http.client
import itertools
import re
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench_notices import hammer, percentile  # noqa: E402

from hotline.demo import DEMO_SLUG  # noqa: E402
from tests.livesite import LiveSite  # noqa: E402

PAGES = {"top page": "/", "notice list": "/notices/", "incident page": f"/notices/{DEMO_SLUG}/",
         "report page": f"/notices/{DEMO_SLUG}/1", "feed": "/notices/feed.atom", "FAQ list": "/faq/",
         "FAQ entry": "/faq/card-replace"}
# A visitor carrying a session cookie (staff, or a customer who opened the inquiry form) is
# never answered by the front cache: these rows measure the view's version check plus the
# body kept for that version, without any template render.
WITH_SESSION = ("incident page", "FAQ list", "FAQ entry")
SESSION_COOKIE = {"Cookie": "hotline_session=not-a-valid-signature"}
SEARCH_WORDS = ["カード", "再発行", "漏えい", "補償", "パスワード", "不正利用", "明細", "退会", "窓口", "期間"]

BARE_APP = '''
import json, os
from flask import Flask, Response
app = Flask("bare")
PAGES = json.load(open(os.environ["BARE_PAGES"], encoding="utf-8"))
@app.route("/", defaults={"path": ""}, methods=["GET", "POST"])
@app.route("/<path:path>", methods=["GET", "POST"])
def page(path):
    return Response(PAGES.get("/" + path, PAGES["/"]), content_type="text/html; charset=utf-8")
'''


def fetch(port: int, path: str) -> bytes:
    """One GET."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    return conn.getresponse().read()


def start_bare(work: Path, pages: dict[str, str]) -> LiveSite:
    """gunicorn -w 2 (started as every test server is) serving a bare Flask app with the recorded bytes."""
    import json

    folder = work / "bare"
    folder.mkdir()
    (folder / "bare_app.py").write_text(BARE_APP, encoding="utf-8")
    (folder / "pages.json").write_text(json.dumps(pages, ensure_ascii=False), encoding="utf-8")
    bare = LiveSite(folder, folder / "unused.sqlite3")
    bare.app, bare.cwd = "bare_app:app", folder
    bare.env["BARE_PAGES"] = str(folder / "pages.json")
    bare.start()
    return bare


def hammer_search(port: int, seconds: float, clients: int) -> float:
    """FAQ searches, each with a query no earlier request used (no result cache hit)."""
    counter = itertools.count()
    lock = threading.Lock()
    done = [0]
    stop_at = time.monotonic() + seconds

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop_at:
            n = next(counter)
            query = f"{SEARCH_WORDS[n % len(SEARCH_WORDS)]} {SEARCH_WORDS[(n // 10) % 10]} {n}"
            conn.request("GET", "/faq/search?q=" + urllib.parse.quote(query))
            conn.getresponse().read()
            with lock:
                done[0] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0] / seconds


def hammer_intake(port: int, seconds: float, clients: int) -> tuple[float, set[int]]:
    """Accepted inquiries per second: each client reads the form once (cookie, CSRF), then posts."""
    lock = threading.Lock()
    done, statuses = [0], set()
    stop_at = time.monotonic() + seconds
    run = f"{time.time_ns() % 10**9:09d}"  # submission tokens of another run are not double submits

    def client(index: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        conn.request("GET", "/inquiry")
        response = conn.getresponse()
        html = response.read().decode()
        cookie = response.getheader("Set-Cookie", "").split(";")[0]
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        n = 0
        while time.monotonic() < stop_at:
            n += 1
            body = urllib.parse.urlencode({
                "csrf_token": csrf, "name": "負荷 太郎", "email": f"load{index}-{n}@example.jp", "phone": "",
                "reply_by": "email", "category": "other", "message": f"負荷試験のお問い合わせ {index}-{n}",
                "notice_number": "", "consent": "y", "website": "", "token": f"bench{run}{index:03d}x{n:08d}"})
            conn.request("POST", "/inquiry", body=body, headers={
                "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
            reply = conn.getresponse()
            reply.read()
            with lock:
                statuses.add(reply.status)
                done[0] += reply.status == 303

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0] / seconds, statuses


def main() -> None:
    """Start both servers, measure each action, print the ratios."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--only", choices=("pages", "session", "search", "intake"), action="append",
                        help="measure only these groups of actions (repeatable; default: all)")
    parser.add_argument("--start-postgresql", action="store_true",
                        help="serve from a temporary PostgreSQL server (Debian's binaries) instead of SQLite")
    args = parser.parse_args()
    wanted = set(args.only or ("pages", "session", "search", "intake"))
    work = Path(tempfile.mkdtemp(prefix="hotline-bench-public-"))
    site = LiveSite(work, work / "hotline.sqlite3")
    cluster = None
    if args.start_postgresql:
        from tests.pgserver import PostgresCluster, find_bin_dir

        cluster = PostgresCluster(find_bin_dir(), durable=True)
        cluster.start()
        site.env["HOTLINE_DATABASE_URL"] = cluster.create_database("bench")
    site.env.update({"HOTLINE_INQUIRY_LIMIT_PER_HOUR": "100000000", "HOTLINE_INQUIRY_POSTS_PER_HOUR": "100000000",
                     "HOTLINE_PAGE_CACHE_SECONDS": "2"})  # the shipped default, which the tests turn off
    for command in (("db", "upgrade"), ("demo", "load"), ("demo", "faq")):
        site.flask(*command)
    site.start()
    bare = None
    try:
        recorded = {path: fetch(site.port, path).decode() for path in PAGES.values()}
        bare = start_bare(work, recorded)
        bare_port = bare.port
        rows = []
        for label, path in PAGES.items() if "pages" in wanted else ():
            hammer(bare_port, path, {}, 1, args.clients)
            base = hammer(bare_port, path, {}, args.seconds, args.clients)
            hammer(site.port, path, {}, 1, args.clients)
            ours = hammer(site.port, path, {}, args.seconds, args.clients)
            rows.append((label, ours[0], base[0], percentile(ours[1], 0.5), percentile(base[1], 0.5),
                         sorted(ours[2])))
        for label in WITH_SESSION if "session" in wanted else ():
            path = PAGES[label]
            base = hammer(bare_port, path, SESSION_COOKIE, args.seconds, args.clients)
            ours = hammer(site.port, path, SESSION_COOKIE, args.seconds, args.clients)
            rows.append((f"{label}, with a session cookie", ours[0], base[0], percentile(ours[1], 0.5),
                         percentile(base[1], 0.5), sorted(ours[2])))
        base = hammer(bare_port, PAGES["FAQ list"], {}, args.seconds, args.clients)
        if "search" in wanted:
            rows.append(("FAQ search, uncached", hammer_search(site.port, args.seconds, args.clients), base[0],
                         None, None, []))
        if "intake" in wanted:
            intake, statuses = hammer_intake(site.port, args.seconds, args.clients)
            rows.append(("inquiry intake (POST)", intake, base[0], None, None, sorted(statuses)))
        backend = "PostgreSQL" if cluster else "SQLite"
        print(f"{args.clients} clients, {args.seconds:.0f} s per action; both servers gunicorn -w 2; {backend}\n")
        print("| action | req/s ratio to bare Flask | p50 ratio | statuses |")
        print("| --- | --- | --- | --- |")
        for label, ours, base_rate, p50, base_p50, codes in rows:
            p50_ratio = f"{p50 / base_p50:.1f}" if p50 and base_p50 else "—"
            print(f"| {label} | {ours / base_rate:.3f} | {p50_ratio} | {codes} |")
        print(f"\n(bare Flask, for the record: {base[0]:.0f} req/s on the FAQ list's bytes)")
    finally:
        if bare is not None:
            bare.stop()
        site.stop()
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
