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
(committed, with its receipt), each post from an address of its own as the proxy in front
reports it, counted against the shipped limits per address. Beside it, the
floor: the bare app storing the same post's four fields with one durable INSERT in a table of
its own (SQLite with synchronous=FULL, or the same PostgreSQL server), no form checks, no
CSRF, no session: what any durable intake costs on this machine.
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
from flask import Flask, Response, redirect, request
app = Flask("bare")
PAGES = json.load(open(os.environ["BARE_PAGES"], encoding="utf-8"))
DATABASE = os.environ.get("BARE_DATABASE", "")
CONNECTION = []


def connection():
    if not CONNECTION:
        if DATABASE.startswith("postgresql"):
            import psycopg
            CONNECTION.append(psycopg.connect(DATABASE, autocommit=True))
        else:
            import sqlite3
            raw = sqlite3.connect(DATABASE, isolation_level=None, timeout=10)
            raw.execute("PRAGMA synchronous=FULL")
            CONNECTION.append(raw)
    return CONNECTION[0]


@app.route("/inquiry", methods=["GET", "POST"])
def inquiry():
    if request.method == "GET":
        return Response(PAGES["/inquiry"], content_type="text/html; charset=utf-8")
    form, raw = request.form, connection()
    row = (form["name"], form["email"], form["message"], form["token"])
    if DATABASE.startswith("postgresql"):
        with raw.transaction():
            raw.execute("INSERT INTO bare_post (name, email, message, token) VALUES (%s, %s, %s, %s)", row)
    else:
        raw.execute("BEGIN IMMEDIATE")
        try:
            raw.execute("INSERT INTO bare_post (name, email, message, token) VALUES (?, ?, ?, ?)", row)
        finally:
            raw.execute("COMMIT")
    return redirect("/inquiry/thanks", 303)


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


def bare_database(work: Path, postgresql_url: str | None) -> str:
    """The floor's database: one table with a unique token, as durable as the site's
    (SQLite in WAL with synchronous=FULL, or the same PostgreSQL server)."""
    if postgresql_url:
        import psycopg

        with psycopg.connect(postgresql_url, autocommit=True) as raw:
            raw.execute("CREATE TABLE bare_post (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text,"
                        " email text, message text, token text UNIQUE)")
        return postgresql_url
    import sqlite3

    path = work / "bare-floor.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("CREATE TABLE bare_post (id INTEGER PRIMARY KEY, name TEXT, email TEXT, message TEXT, token TEXT UNIQUE)")
    raw.close()
    return str(path)


def start_bare(work: Path, pages: dict[str, str], database: str = "") -> LiveSite:
    """gunicorn -w 2 (started as every test server is) serving a bare Flask app with the recorded
    bytes; its POST /inquiry stores four fields in `database` with one durable commit (the floor)."""
    import json

    folder = work / "bare"
    folder.mkdir()
    (folder / "bare_app.py").write_text(BARE_APP, encoding="utf-8")
    (folder / "pages.json").write_text(json.dumps(pages, ensure_ascii=False), encoding="utf-8")
    bare = LiveSite(folder, folder / "unused.sqlite3")
    bare.app, bare.cwd = "bare_app:app", folder
    bare.env["BARE_PAGES"] = str(folder / "pages.json")
    bare.env["BARE_DATABASE"] = database
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
                "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
                "X-Forwarded-For": f"10.{index}.{(n >> 8) & 255}.{n & 255}"})
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
    # Behind one proxy (a CDN), so each post carries the address of its sender: a crowd is
    # many people posting once each, counted against the shipped limits per address.
    site.env.update({"HOTLINE_PROXY_HOPS": "1", "HOTLINE_PAGE_CACHE_SECONDS": "2"})  # the shipped default, which the tests turn off
    for command in (("db", "upgrade"), ("demo", "load"), ("demo", "faq")):
        site.flask(*command)
    site.start()
    bare = None
    try:
        recorded = {path: fetch(site.port, path).decode() for path in [*PAGES.values(), "/inquiry"]}
        floor_url = None
        if cluster is not None:
            floor_url = cluster.create_database("bare").replace("postgresql+psycopg://", "postgresql://")
        bare = start_bare(work, recorded, bare_database(work, floor_url))
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
        base = hammer(bare_port, PAGES["incident page"], {}, args.seconds, args.clients)  # the notice's bytes
        if "search" in wanted:
            rows.append(("FAQ search, uncached", hammer_search(site.port, args.seconds, args.clients), base[0],
                         None, None, []))
        if "intake" in wanted:
            floor, floor_statuses = hammer_intake(bare_port, args.seconds, args.clients)
            rows.append(("the floor: bare Flask storing the post with one durable INSERT", floor, base[0], None, None,
                         sorted(floor_statuses)))
            intake, statuses = hammer_intake(site.port, args.seconds, args.clients)
            rows.append(("inquiry intake (POST)", intake, base[0], None, None, sorted(statuses)))
        backend = "PostgreSQL" if cluster else "SQLite"
        print(f"{args.clients} clients, {args.seconds:.0f} s per action; both servers gunicorn -w 2; {backend}\n")
        print("| action | req/s ratio to bare Flask | p50 ratio | statuses |")
        print("| --- | --- | --- | --- |")
        for label, ours, base_rate, p50, base_p50, codes in rows:
            p50_ratio = f"{p50 / base_p50:.1f}" if p50 and base_p50 else "—"
            print(f"| {label} | {ours / base_rate:.3f} | {p50_ratio} | {codes} |")
        print(f"\n(bare Flask, for the record: {base[0]:.0f} req/s on the incident page's bytes,"
              " the baseline of the search and intake rows)")
    finally:
        if bare is not None:
            bare.stop()
        site.stop()
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
