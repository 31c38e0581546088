"""Affected-list benchmark: importing 100,000 rows, queueing 100,000 notices, printing 1,000 letters.

Run by hand (pytest does not collect it):

    .venv/bin/python tests/bench/bench_affected.py [--rows 100000] [--letters 1000] [--postgresql URL | --start-postgresql]

Each step is timed with the process's peak memory (max RSS), next to a baseline
measured in the same run on the same machine:
  - import: reading the same CSV with the csv module and inserting the rows as they
    are with executemany (no checks, no encryption, no 名寄せ);
  - queueing: inserting the same number of outbox rows with executemany;
  - letters: the same number of pages of plain text with the same font.
Prints times, rows per second, peak memory and the ratio to the baseline; no
absolute time is asserted anywhere.
"""
from __future__ import annotations

import argparse
import csv
import io
import sys
import tempfile
import time
import resource
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from hotline import create_app  # noqa: E402
from hotline.extensions import db  # noqa: E402

HEADER = ["会員番号", "氏名", "フリガナ", "メールアドレス", "電話番号", "郵便番号", "住所", "生年月日"]


def rows(n: int) -> list[list[str]]:
    """Fictional members; every tenth without email (letters)."""
    return [[f"M{n_:07d}", f"利用者 {n_}", "リヨウシャ", "" if n_ % 10 == 0 else f"u{n_}@example.jp",
             f"090{n_:08d}", "100-0001", f"東京都千代田区千代田{n_ % 9 + 1}-{n_ % 30 + 1}", "1980-04-01"]
            for n_ in range(n)]


def csv_file(data: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(data)
    return out.getvalue().encode("cp932")


# The budget for importing 100,000 rows on a shared 2-core machine (docs/performance-affected.md):
# a supervisor waits a couple of minutes at most, and the process stays well inside a small server.
IMPORT_BUDGET_SECONDS = 120
IMPORT_BUDGET_MB = 600


def measure(label: str, action):
    """Run `action`, returning its result and printing its time and how much it raised the process's peak memory.

    The peak is the kernel's maximum resident set size (tracemalloc would slow the
    measured code several times over); a step that stays below an earlier peak shows +0.
    """
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"  {label:<46} {seconds:8.2f} s   peak RSS {peak / 1024:7.1f} MB (+{(peak - before) / 1024:.1f})")
    return result, seconds


def setup(url: str | None, folder: Path):
    config = {"SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{folder / 'bench.sqlite3'}",
              "INSTANCE_PATH": str(folder), "SECRET_KEY": "bench", "TESTING": True}
    app = create_app(config)
    context = app.app_context()
    context.push()
    upgrade()
    from tests.affected_helpers import MEMBERS, incident_with_groups
    from tests.factories import make_user
    from hotline.models import Role

    staff = {"sup1": make_user("bench1", Role.SUPERVISOR), "sup2": make_user("bench2", Role.SUPERVISOR)}
    db.session.commit()
    return app, context, staff, incident_with_groups(staff, slug="bench"), MEMBERS


def timing_classes(app, rounds: int = 400) -> None:
    """Median time of /verify's and /affected's checks for a wrong input next to an unknown one.

    Both must do the same work (one indexed lookup, one keyed hash, one comparison), so
    a caller cannot tell from the time whether a notice number or member id exists.
    """
    import statistics

    from hotline import affected
    from hotline.models import AffectedPerson

    person = db.session.scalars(select(AffectedPerson).limit(1)).first()
    number, member = person.notice_number, person.member_id  # plain strings: nothing reloads between rounds

    def median(call) -> float:
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            call()
            times.append(time.perf_counter() - started)
            db.session.rollback()
        return statistics.median(times) * 1e6

    cases = {
        "verify: real number, wrong code": lambda: affected.verify_notice(number, "ZZZZZZ"),
        "verify: unknown number": lambda: affected.verify_notice("9999-9999-9999", "ZZZZZZ"),
        "affected: real member, wrong phone": lambda: affected.self_check(member, "09099999999"),
        "affected: unknown member": lambda: affected.self_check("NO-SUCH-MEMBER", "09099999999"),
    }
    with app.test_request_context():
        medians = {label: median(call) for label, call in cases.items()}
    for label, value in medians.items():
        print(f"  {label:<46} median {value:8.0f} µs")
    pairs = list(medians.values())
    print(f"  → wrong vs unknown: verify {pairs[0] / pairs[1]:.2f}×, affected {pairs[2] / pairs[3]:.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--postgresql", default=None, help="a database URL (default: a new SQLite file)")
    parser.add_argument("--start-postgresql", action="store_true",
                        help="start a temporary PostgreSQL server (Debian's binaries) and use it")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-affected-"))
    cluster = None
    if args.start_postgresql:
        from tests.pgserver import PostgresCluster, find_bin_dir

        cluster = PostgresCluster(find_bin_dir(), durable=True)
        cluster.start()
        args.postgresql = cluster.create_database("bench")
    try:
        run(args, folder)
    finally:
        if cluster is not None:
            cluster.stop()


def run(args, folder: Path) -> None:
    """Every step, printed as it finishes."""
    app, context, staff, incident, group = setup(args.postgresql, folder)
    app.config["AFFECTED_IMPORT_MAX_BYTES"] = 200 * 1024 * 1024
    from hotline import affected
    from hotline.affected import campaigns, letters, sending
    from hotline.models import AffectedPerson, DeliveryStatus, NoticeDelivery

    data = rows(args.rows)
    payload = csv_file(data)
    print(f"{args.rows:,} rows ({len(payload) / 1024 / 1024:.1f} MB CSV, Shift_JIS) on {db.engine.dialect.name}")

    def baseline_import():
        table = list(csv.reader(io.StringIO(payload.decode("cp932"))))[1:]
        with db.engine.begin() as connection:
            connection.execute(text("CREATE TABLE raw_rows (a TEXT, b TEXT, c TEXT, d TEXT, e TEXT, f TEXT, g TEXT, h TEXT)"))
            connection.execute(text("INSERT INTO raw_rows VALUES (:a, :b, :c, :d, :e, :f, :g, :h)"),
                               [dict(zip("abcdefgh", row)) for row in table])

    _r, base = measure("baseline: csv + executemany", baseline_import)

    def real_import():
        affected.import_list(incident, payload, "members.csv", group=group, user=staff["sup1"])
        db.session.commit()

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    _r, took = measure("import (checks, 名寄せ, encryption)", real_import)
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    print(f"  → {args.rows / took:,.0f} rows/s, {took / base:.1f}× the baseline")
    seconds_budget = IMPORT_BUDGET_SECONDS * max(args.rows, 100_000) / 100_000  # small runs: fixed costs dominate
    verdict = "within" if took <= seconds_budget and grown <= IMPORT_BUDGET_MB else "OVER"
    print(f"  → budget ({seconds_budget:.0f} s, +{IMPORT_BUDGET_MB} MB for {args.rows:,} rows): {verdict} "
          f"({took:.0f} s, +{grown:.0f} MB)")
    _r, again = measure("import of the same file again (all updates)", real_import)
    print(f"  → {again / base:.1f}× the baseline; people: "
          f"{db.session.scalar(select(func.count(AffectedPerson.id))):,}")

    timing_classes(app)
    campaign = campaigns.create(incident, staff["sup1"])
    # The pace and the backlog are part of what is approved: set them first, or the campaign stops itself.
    campaigns.update(campaign, {"pace_per_hour": 10 ** 9, "pause_backlog": 10 ** 9}, staff["sup1"])
    campaigns.submit(campaign, staff["sup1"])
    _r, approve = measure("approve: one delivery per person", lambda: (
        campaigns.approve(campaign, staff["sup2"], campaigns.content_hash(campaign)), db.session.commit()))

    def queue_all():
        from datetime import timedelta

        from hotline.models._types import utcnow

        moment = utcnow().replace(hour=1)
        count = 0
        while True:
            campaign.last_pump_at = moment - timedelta(hours=1)
            campaign.credit = 10 ** 9
            queued = sending._queue_some(campaign, moment)
            paused = campaign.paused_reason  # read before the commit: no transaction left open
            db.session.commit()
            count += queued
            if paused:
                raise SystemExit(f"the campaign paused itself: {paused}")
            if not queued:
                return count

    queued, took = measure("queue every email (text per person, sealed)", queue_all)

    def baseline_outbox():
        with db.engine.begin() as connection:
            connection.execute(text("CREATE TABLE raw_mail (a TEXT, b TEXT, c TEXT)"))
            connection.execute(text("INSERT INTO raw_mail VALUES (:a, :b, :c)"),
                               [{"a": f"u{i}@example.jp", "b": "件名", "c": "本文" * 400} for i in range(queued)])

    _r, base_mail = measure("baseline: the same number of rows, executemany", baseline_outbox)
    print(f"  → {queued:,} notices, {queued / took:,.0f}/s, {took / base_mail:.1f}× the baseline")

    try:
        letters.font_path()
    except letters.LetterError as error:
        print(f"letters skipped: {error}")
        db.engine.dispose()
        return
    waiting = db.session.scalar(select(func.count(NoticeDelivery.id)).where(
        NoticeDelivery.status == DeliveryStatus.TO_PRINT))
    count = min(args.letters, waiting)

    def baseline_pdf():
        pdf = letters._document()
        for _ in range(count):
            pdf.add_page()
            pdf.set_font("jp", size=9)
            pdf.multi_cell(0, 4.5, "個人情報の漏えいに関するお詫びとお知らせ。" * 60)
        return bytes(pdf.output())

    _r, base_pdf = measure(f"baseline: {count} plain pages, same font", baseline_pdf)
    (number, pdf, printed), took = measure(f"letters: batch of {count}", lambda: letters.print_batch(
        campaign, staff["sup1"], count))
    print(f"  → {printed} letters, {len(pdf) / 1024 / 1024:.1f} MB PDF, {took / base_pdf:.1f}× the baseline")
    db.session.remove()
    db.engine.dispose()
    context.pop()


if __name__ == "__main__":
    main()
