"""Search stays correct across gunicorn worker processes when entries change elsewhere."""

import json
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

ENTRY = """+++
id = "{key}"
category = "テスト"
question = "{question}"
+++
{answer}
"""


def suggest(site, query: str) -> list[str]:
    """Ids returned by the JSON suggest endpoint."""
    url = f"{site.url}/faq/suggest?q={urllib.parse.quote(query)}"
    with urllib.request.urlopen(url, timeout=10) as response:
        return [r["id"] for r in json.load(response)["results"]]


def test_every_worker_sees_an_update_made_by_another_process(live_site, tmp_path):
    live_site.flask("demo", "load")  # the two demo supervisors bring the file in and approve it
    folder = tmp_path / "faq"
    folder.mkdir()
    (folder / "a.md").write_text(ENTRY.format(key="kiwi", question="キウイの配送はいつですか？", answer="来週です。"),
                                 encoding="utf-8")
    live_site.flask("demo", "faq", str(folder))
    with ThreadPoolExecutor(8) as pool:
        before = list(pool.map(lambda _: suggest(live_site, "キウイ"), range(40)))
    assert all(ids == ["kiwi"] for ids in before)

    (folder / "a.md").write_text(ENTRY.format(key="kiwi", question="メロンの配送はいつですか？", answer="来週です。"),
                                 encoding="utf-8")
    live_site.flask("demo", "faq", str(folder))
    with ThreadPoolExecutor(8) as pool:
        after_new = list(pool.map(lambda _: suggest(live_site, "メロン"), range(40)))
        after_old = list(pool.map(lambda _: suggest(live_site, "キウイ"), range(40)))
    assert all(ids == ["kiwi"] for ids in after_new)
    assert all(ids == [] for ids in after_old)
    assert "Traceback" not in live_site.log.read_text()


def test_searches_counted_in_the_statistics_never_fail_when_workers_write_at_once(live_site, tmp_path):
    live_site.flask("demo", "load")
    folder = tmp_path / "faq-load"
    folder.mkdir()
    (folder / "a.md").write_text(ENTRY.format(key="card", question="カードは再発行できますか？",
                                              answer="再発行の手続きをご案内いたします。"), encoding="utf-8")
    live_site.flask("demo", "faq", str(folder))
    live_site.stop()  # statistics written with every search, not every two seconds: the worst case
    live_site.env["HOTLINE_SEARCH_STATS_SECONDS"] = "0"
    live_site.start()
    statuses = []

    def searches(worker):
        # Each search reads, then records its query: new queries every time, so every request writes.
        for n in range(25):
            url = f"{live_site.url}/faq/search?q={urllib.parse.quote(f'カード 再発行 {worker}-{n}')}"
            try:
                with urllib.request.urlopen(url, timeout=8) as response:
                    statuses.append(response.status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(searches, range(8)))
    assert statuses.count(200) == 200, sorted(set(statuses))
    assert "database is locked" not in live_site.log.read_text()
    with sqlite3.connect(live_site.database) as database:  # one address: counted up to its ceiling
        assert database.execute("SELECT SUM(searches) FROM search_stat").fetchone() == (120,)
