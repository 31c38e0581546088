"""The back office with many inquiries: queue, supervisor figures, audit log and CSV export.

Run by hand (pytest does not collect it):

    .venv/bin/python tests/bench/bench_backoffice.py [--inquiries 500000] [--postgresql URL]

Fills a fresh database (SQLite by default) with the demo and N inquiries (a fifth waiting,
a tenth claimed, the rest answered, a few urgent) and as many audit rows, then times each
page in-process (median of a few requests, logged in as the demo's admin) and the CSV
export, with the Python memory the export needed at its peak (tracemalloc). The baseline,
measured in the same run, is a bare `SELECT count(*)` over the inquiries and, for the
export, reading every row with the sqlite3/DBAPI cursor and writing it with the csv module.
"""
from __future__ import annotations

import argparse
import csv
import io
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from hotline import create_app, demo  # noqa: E402
from hotline.extensions import db  # noqa: E402
from hotline.models import AuditEvent, Inquiry  # noqa: E402
from hotline.models._types import utcnow  # noqa: E402
from hotline.models.inquiries import Channel, InquiryCategory, InquiryStatus, ReplyBy  # noqa: E402

PAGES = {"queue": "/agent/", "supervisor figures": "/supervisor/", "audit log": "/supervisor/audit"}
BATCH = 10_000


def fill(n: int) -> None:
    """N inquiries and N audit rows, inserted in batches with executemany."""
    start = utcnow() - timedelta(days=20)
    categories = list(InquiryCategory)
    for first in range(0, n, BATCH):
        inquiries, events = [], []
        for k in range(first, min(n, first + BATCH)):
            status = (InquiryStatus.NEW if k % 5 == 0 else InquiryStatus.ASSIGNED if k % 10 == 1
                      else InquiryStatus.ANSWERED)
            at = start + timedelta(seconds=k * 3)
            inquiries.append(dict(
                receipt=f"B{k:011d}", channel=Channel.WEB, status=status, urgent=k % 97 == 0,
                category=categories[k % len(categories)], name=f"利用者 {k}", email=f"user{k}@example.jp",
                reply_by=ReplyBy.EMAIL, message=f"ベンチマーク用のお問い合わせ {k} です。", created_at=at,
                updated_at=at, answered_at=at + timedelta(hours=3) if status is InquiryStatus.ANSWERED else None,
                assigned_to_id=4 if status is not InquiryStatus.NEW else None))
            events.append(dict(action="create", target_type="inquiry", target_id=str(k + 1), detail="channel=web",
                               created_at=at))
        db.session.execute(insert(Inquiry), inquiries)
        db.session.execute(insert(AuditEvent), events)
        db.session.commit()


def timed(fn, repeat: int = 5) -> float:
    """Median seconds of `repeat` calls."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--inquiries", type=int, default=500_000)
    parser.add_argument("--postgresql", help="an empty database's URL instead of a fresh SQLite file")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hotline-bench-backoffice-"))
    url = args.postgresql or f"sqlite:///{work / 'hotline.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(work), "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": False, "REQUIRE_MFA": False, "PAGE_CACHE_SECONDS": 0})
    with app.app_context():
        upgrade()
        demo.load_demo("development")
        db.session.commit()
        t = time.perf_counter()
        fill(args.inquiries)
        print(f"{args.inquiries:,} inquiries and audit rows inserted in {time.perf_counter() - t:.0f} s "
              f"({'PostgreSQL' if args.postgresql else 'SQLite'})\n")
        base = timed(lambda: db.session.execute(text("SELECT count(*) FROM inquiry")).scalar())
        raw = db.engine.raw_connection()

        def bare_export():
            out = io.StringIO()
            writer = csv.writer(out)
            cursor = raw.cursor()
            cursor.execute("SELECT receipt, created_at, name, email, phone, message FROM inquiry ORDER BY created_at")
            for row in cursor:
                writer.writerow(row)
            return len(out.getvalue())
        bare = timed(bare_export, repeat=1)
    client = app.test_client()
    response = client.post("/login", data={"username": "admin", "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302, response.status_code
    print("| what | median | ratio to the baseline |")
    print("| --- | --- | --- |")
    print(f"| baseline: SELECT count(*) | {base * 1000:.1f} ms | 1 |")
    for label, path in PAGES.items():
        assert client.get(path).status_code == 200, path
        seconds = timed(lambda: client.get(path))
        print(f"| {label} ({path}) | {seconds * 1000:.0f} ms | {seconds / base:.0f}× |")
    t = time.perf_counter()
    size = sum(len(chunk) for chunk in client.get("/supervisor/inquiries.csv", buffered=False).response)
    export = time.perf_counter() - t
    tracemalloc.start()  # a second run for the memory alone: tracing slows Python down several times
    sum(len(chunk) for chunk in client.get("/supervisor/inquiries.csv", buffered=False).response)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"| CSV export, {size / 1e6:.0f} MB | {export:.1f} s, peak {peak / 1e6:.0f} MB of Python memory "
          f"| {export / bare:.1f}× the bare csv export ({bare:.1f} s) |")


if __name__ == "__main__":
    main()
