"""Subscribers: how long 20,000 report mails take to queue, and that the publish itself stays fast.

Run by hand (pytest does not collect it):

    .venv/bin/python tests/bench/bench_subscribers.py [--subscribers 20000]

A fresh SQLite database with the demo incident and N confirmed subscribers. Times the
publish of a new report (which only notes a broadcast), then the mail sender's pump that
queues one mail per subscriber, due at the configured pace. The baseline, in the same run,
inserts the same number of plain outbox rows with executemany.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select, update  # noqa: E402

from hotline import create_app, notices, subscribers  # noqa: E402
from hotline.extensions import db  # noqa: E402
from hotline.models import Broadcast, OutboxMail, Subscriber, User  # noqa: E402
from hotline.models._sealed import lookup_hash  # noqa: E402
from hotline.models._types import utcnow  # noqa: E402
from hotline.models.mail import MailStatus  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=20_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hotline-bench-subscribers-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{work / 'hotline.sqlite3'}", "INSTANCE_PATH": str(work),
                      "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        from hotline import demo
        demo.load_demo("development")
        db.session.execute(update(Broadcast).values(done_at=utcnow()))  # the demo's own reports went out before
        db.session.commit()
        incident = notices.active_incidents()[0]
        confirmed = utcnow() - timedelta(days=1)
        rows = [dict(incident_id=incident.id, email=f"reader{n}@example.jp", stop_token_hash=f"{n:064d}",
                     email_hash=lookup_hash("subscriber", f"reader{n}@example.jp"), confirmed_at=confirmed,
                     created_at=confirmed)
                for n in range(args.subscribers)]
        db.session.execute(insert(Subscriber), rows)
        db.session.commit()
        t = time.perf_counter()
        db.session.execute(insert(OutboxMail), [dict(
            kind="plain", to_addr=f"reader{n}@example.jp", to_name="", subject="件名", body="本文" * 100,
            message_id=f"<{n}@bench>", status=MailStatus.PENDING, attempts=0, next_attempt_at=confirmed,
            last_error="") for n in range(args.subscribers)])
        db.session.commit()
        bare = time.perf_counter() - t
        sato, suzuki = (db.session.scalar(select(User).filter_by(username=u)) for u in ("sato", "suzuki"))
        draft = notices.start_draft(incident, sato)
        db.session.commit()
        notices.submit_for_approval(draft, sato)
        t = time.perf_counter()
        notices.approve_and_publish(draft, suzuki, notices.content_hash(draft))
        db.session.commit()
        publish = time.perf_counter() - t
        t = time.perf_counter()
        queued = subscribers.pump()
        pump = time.perf_counter() - t
        due = db.session.execute(select(func.min(OutboxMail.next_attempt_at), func.max(OutboxMail.next_attempt_at))
                                 .filter_by(kind="subscriber_report")).one()
        print(f"{args.subscribers:,} confirmed subscribers (SQLite)\n")
        print("| step | time | note |")
        print("| --- | --- | --- |")
        print(f"| publish the report | {publish * 1000:.0f} ms | one broadcast row, no mail |")
        print(f"| queue the mail (pump) | {pump:.1f} s | {queued:,} mails, {bare and pump / bare:.1f}× plain executemany "
              f"({bare:.1f} s) |")
        print(f"| delivery spread | {(due[1] - due[0]).total_seconds() / 60:.0f} min | at "
              f"{app.config['SUBSCRIBER_MAILS_PER_HOUR']:,} per hour |")


if __name__ == "__main__":
    main()
