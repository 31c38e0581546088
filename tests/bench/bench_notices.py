"""Notice page benchmark: how far caching and the static export stretch one server.

Run by hand (pytest does not collect it):

    .venv/bin/python tests/bench/bench_notices.py [--seconds 5] [--clients 16]

Serves the demo with gunicorn (as `dev.py run` does) and measures, in the same run,
requests per second and latency p50/p99 for the incident page fetched
  1. in full (every request renders),
  2. revalidated with If-None-Match (the 304 a browser or CDN gets when nothing changed),
  3. as the file `flask notices export` wrote, from Python's own static file server
     (a deliberately modest stand-in for nginx or a CDN).
Prints ratios against the full render; asserts no absolute times.
"""
from __future__ import annotations

import argparse
import functools
import http.client
import statistics
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from hotline.demo import DEMO_SLUG  # noqa: E402
from tests.livesite import LiveSite  # noqa: E402


class QuietHandler(SimpleHTTPRequestHandler):
    """Static files without a log line per request."""

    def log_message(self, *args) -> None:
        pass


def hammer(port: int, path: str, headers: dict, seconds: float, clients: int) -> tuple[float, list[float], set[int]]:
    """Keep `clients` connections busy for `seconds`; returns (requests/s, latencies, statuses)."""
    latencies, statuses, lock = [], set(), threading.Lock()
    stop_at = time.monotonic() + seconds

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine = []
        while time.monotonic() < stop_at:
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            mine.append(time.perf_counter() - start)
            with lock:
                statuses.add(response.status)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies) / seconds, latencies, statuses


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
    site = LiveSite(work, work / "hotline.sqlite3")
    site.workers = 3
    for command in (("db", "upgrade"), ("demo", "load"), ("demo", "faq")):
        site.flask(*command)
    export = work / "export"
    site.flask("notices", "export", str(export))
    site.start()
    static = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(export)))
    threading.Thread(target=static.serve_forever, daemon=True).start()
    try:
        path = f"/notices/{DEMO_SLUG}/"
        conn = http.client.HTTPConnection("127.0.0.1", site.port)
        conn.request("GET", path)
        etag = conn.getresponse().getheader("ETag")
        runs = [
            ("full render (200)", site.port, path, {}),
            ("revalidation (304)", site.port, path, {"If-None-Match": etag}),
            ("static export file", static.server_address[1], path + "index.html", {}),
        ]
        results = []
        for label, port, url, headers in runs:
            hammer(port, url, headers, 1, args.clients)  # warm up
            rate, latencies, statuses = hammer(port, url, headers, args.seconds, args.clients)
            results.append((label, rate, latencies, statuses))
        base = results[0][1]
        print(f"{args.clients} clients, {args.seconds:.0f} s each, gunicorn with {site.workers} workers\n")
        print(f"{'mode':<22}{'req/s ratio':>12}{'p50 ratio':>11}{'p99 ratio':>11}  statuses")
        base_p50, base_p99 = percentile(results[0][2], 0.5), percentile(results[0][2], 0.99)
        for label, rate, latencies, statuses in results:
            print(f"{label:<22}{rate / base:>12.2f}{percentile(latencies, 0.5) / base_p50:>11.2f}"
                  f"{percentile(latencies, 0.99) / base_p99:>11.2f}  {sorted(statuses)}")
        print(f"\n(median latency of the full render: {statistics.median(results[0][2]) * 1000:.1f} ms on this machine)")
    finally:
        static.shutdown()
        site.stop()


if __name__ == "__main__":
    main()
