"""Public pages from memory: the front cache (seconds, anonymous only) and bodies kept per version."""

import time

import pytest
from flask import request_started, template_rendered

from hotline import create_app, demo
from hotline.extensions import db
from sqlalchemy import select

from hotline.models import Inquiry

from .conftest import IsolatedClient, _base_config
from .factories import PASSWORD, make_draft, make_incident, publish

SLUG = demo.DEMO_SLUG
TTL = 0.6


def _node(tmp_path, database_url, name: str, seconds: float = TTL):
    """Another application (as on another machine) on the same database, with the front cache on."""
    config = _base_config(tmp_path / name, database_url)
    config["PAGE_CACHE_SECONDS"] = seconds
    node = create_app(config)
    node.test_client_class = IsolatedClient
    return node


@pytest.fixture
def node(app, tmp_path, database_url):
    demo.load_demo("development")
    db.session.commit()
    return _node(tmp_path, database_url, "node-a")


class Counter:
    """How many requests entered Flask, and how many templates were rendered, for one app."""

    def __init__(self, app):
        self.requests = self.renders = 0
        request_started.connect(self._request, app, weak=False)
        template_rendered.connect(self._render, app, weak=False)

    def _request(self, sender, **extra):
        self.requests += 1

    def _render(self, sender, template, context, **extra):
        self.renders += 1


def test_anonymous_reads_are_answered_from_memory_until_the_seconds_pass(node):
    seen = Counter(node)
    client = node.test_client()
    first = client.get(f"/notices/{SLUG}/")
    assert first.status_code == 200 and seen.requests == 1
    for _ in range(5):
        again = client.get(f"/notices/{SLUG}/")
        assert again.get_data() == first.get_data() and again.headers["ETag"] == first.headers["ETag"]
        assert again.headers["Content-Security-Policy"] and "public" in again.headers["Cache-Control"]
    assert seen.requests == 1
    time.sleep(TTL + 0.1)
    client.get(f"/notices/{SLUG}/")
    assert seen.requests == 2 and seen.renders == 1  # past the seconds: the view checked the version, no render


def test_a_publish_elsewhere_shows_everywhere_within_the_seconds(node, staff, tmp_path, database_url):
    incident = make_incident("second-case")
    publish(make_draft(incident, staff["sup1"]), staff["sup1"], staff["sup2"])
    other = _node(tmp_path, database_url, "node-b")
    for each in (node, other):
        assert "第二報" not in each.test_client().get("/notices/second-case/").get_data(as_text=True)
    second = make_draft(incident, staff["sup1"], situation="調査の結果、新たに判明した事実がございます。")
    publish(second, staff["sup1"], staff["sup2"])  # neither node handled it: only the database changed
    time.sleep(TTL + 0.1)
    for each in (node, other):
        page = each.test_client().get("/notices/second-case/").get_data(as_text=True)
        assert "第二報" in page and "新たに判明した事実がございます。" in page


def test_a_revalidation_gets_304_from_memory_and_head_gets_no_body(node):
    seen = Counter(node)
    client = node.test_client()
    tag = client.get("/notices/").headers["ETag"]
    assert client.get("/notices/", headers={"If-None-Match": tag}).status_code == 304
    assert client.get("/notices/", headers={"If-None-Match": '"other"'}).status_code == 200
    head = client.head("/notices/")
    assert head.status_code == 200 and head.get_data() == b"" and int(head.headers["Content-Length"]) > 1000
    assert seen.requests == 1


def test_visitors_with_a_session_and_unshared_pages_always_reach_the_application(node):
    seen = Counter(node)
    for _ in range(3):
        node.test_client().get("/inquiry")  # a form (its own CSRF token in a real session): not a shared page
        node.test_client().get("/faq/search?q=カード")  # search results are not kept either
    assert seen.requests == 6
    rendered_before = seen.renders
    staff = node.test_client()
    staff.set_cookie(node.config["SESSION_COOKIE_NAME"], "signed-session-value")
    for _ in range(2):
        response = staff.get(f"/notices/{SLUG}/")
        assert "private" in response.headers["Cache-Control"]
    assert seen.requests == 8 and seen.renders == rendered_before + 1  # both through the view, rendered once for the version
    shared = node.test_client().get(f"/notices/{SLUG}/")
    assert "public" in shared.headers["Cache-Control"] and seen.requests == 9
    assert node.test_client().get(f"/notices/{SLUG}/").headers["Cache-Control"] == shared.headers["Cache-Control"]
    assert seen.requests == 9


def test_a_staff_write_on_this_worker_starts_the_front_cache_afresh(node, staff):
    reader = node.test_client()
    reader.get("/notices/")
    seen = Counter(node)
    reader.get("/notices/")
    assert seen.requests == 0
    agent = node.test_client()
    assert agent.post("/login", data={"username": "agent1", "password": PASSWORD}).status_code == 302
    reader.get("/notices/")
    assert seen.requests == 1  # a login is no write: the reader still got the page from memory
    waiting = db.session.scalar(select(Inquiry.id).where(Inquiry.assigned_to_id.is_(None)).order_by(Inquiry.id))
    assert agent.post(f"/agent/inquiries/{waiting}/claim").status_code in (302, 303)
    reader.get("/notices/")
    assert seen.requests == 3  # the claim, then the page through the view again


def test_the_contact_beside_search_results_is_read_again_after_the_seconds(node, staff):
    from datetime import date

    def phone_shown():
        page = node.test_client().get("/faq/search?q=カード").get_data(as_text=True)
        return page.split("専用窓口：", 1)[1].split("</a>", 1)[0].rsplit(">", 1)[1]

    before = phone_shown()
    incident = make_incident("newer-case", aware_on=date(2026, 12, 1))
    publish(make_draft(incident, staff["sup1"], contact_phone="0120-999-000"), staff["sup1"], staff["sup2"])
    assert before != "0120-999-000" and phone_shown() == before  # kept for the seconds
    time.sleep(TTL + 0.1)
    assert phone_shown() == "0120-999-000"
