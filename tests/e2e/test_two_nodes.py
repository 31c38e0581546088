"""Two app nodes (separate instance folders, as on two machines) on one PostgreSQL server."""

import json
import os
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from cryptography.fernet import Fernet

from hotline.demo import DEMO_PASSWORD
from tests.livesite import LiveSite, cookie_opener, form_value
from tests.smtpserver import SmtpServer

ENTRY = """+++
id = "kiwi"
category = "テスト"
question = "キウイの配送はいつですか？"
+++
来週お届けいたします。
"""
FORM = {"name": "二台 試験", "email": "nodes@example.jp", "phone": "", "reply_by": "email", "category": "other",
        "consent": "y", "notice_number": "", "website": ""}



def _post_inquiry(site, n: int) -> int:
    visitor = cookie_opener()
    html = visitor.open(site.url + "/inquiry", timeout=10).read().decode()
    body = urllib.parse.urlencode({**FORM, "csrf_token": form_value(html, "csrf_token"), "token": f"two-nodes-{n:04d}",
                                   "message": f"二台構成の確認 {n}"}).encode()
    try:
        with visitor.open(site.url + "/inquiry", data=body, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _login(site):
    agent = cookie_opener()
    page = agent.open(site.url + "/login", timeout=10).read().decode()
    agent.open(site.url + "/login", data=urllib.parse.urlencode(
        {"csrf_token": form_value(page, "csrf_token"), "username": "tanaka", "password": DEMO_PASSWORD}).encode(),
        timeout=10).read()
    return agent


def _queue_url(agent, site) -> str:
    with agent.open(site.url + "/agent/", timeout=10) as response:
        return response.geturl()


def test_two_nodes_share_search_limits_accounts_and_mail(tmp_path, pg_cluster):
    url = pg_cluster.create_database(f"two_nodes_{os.getpid()}")
    smtp = SmtpServer()
    smtp.start()
    # Every node needs the same keys from the environment: a key file made in one node's
    # instance folder would leave the other unable to read what the first sealed.
    keys = {"HOTLINE_DATA_KEYS": Fernet.generate_key().decode(), "HOTLINE_LOOKUP_KEY": secrets.token_urlsafe(48)}
    nodes = []
    for name in ("node-a", "node-b"):
        folder = tmp_path / name
        folder.mkdir()
        site = LiveSite(folder, folder / "unused.sqlite3")
        site.env.update({"HOTLINE_DATABASE_URL": url, "HOTLINE_INQUIRY_LIMIT_PER_HOUR": "3",
                         "HOTLINE_SMTP_HOST": "127.0.0.1", "HOTLINE_SMTP_PORT": str(smtp.port), **keys})
        nodes.append(site)
    a, b = nodes
    a.flask("db", "upgrade")
    a.flask("demo", "load")
    for site in nodes:
        site.start()
    try:
        # An FAQ entry imported on node A's machine is found by search on node B within seconds.
        faq_folder = tmp_path / "faq"
        faq_folder.mkdir()
        (faq_folder / "kiwi.md").write_text(ENTRY, encoding="utf-8")
        a.flask("demo", "faq", str(faq_folder))
        deadline, found = time.monotonic() + 8, []
        while time.monotonic() < deadline and found != ["kiwi"]:
            with urllib.request.urlopen(f"{b.url}/faq/suggest?q={urllib.parse.quote('キウイ')}", timeout=10) as r:
                found = [hit["id"] for hit in json.load(r)["results"]]
            time.sleep(0.2)
        assert found == ["kiwi"]

        # The inquiry limit per address counts on both nodes together.
        statuses = [_post_inquiry(site, n) for n, site in enumerate([a, b, a, b])]
        assert statuses[:3] == [200, 200, 200] and statuses[3] == 429  # urllib follows the 303 to the receipt

        # A disabled account is refused on both nodes at its next request.
        agents = {site.url: _login(site) for site in nodes}
        assert all(_queue_url(agents[s.url], s).endswith("/agent/") for s in nodes)
        b.flask("users", "disable", "tanaka")
        assert all("/login" in _queue_url(agents[s.url], s) for s in nodes)

        # Mail senders on both nodes send each waiting message once.
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda site: site.flask("mail", "send"), nodes))
        assert smtp.wait_for(3)
        time.sleep(0.5)
        ids = [m.message["Message-ID"] for m in smtp.received]
        assert len(ids) == 3 and len(set(ids)) == 3, ids  # three confirmations, none twice
        for site in nodes:
            assert "Traceback" not in site.log.read_text()
    finally:
        for site in nodes:
            site.stop()
        smtp.stop()
