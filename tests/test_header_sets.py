"""The exact headers of each kind of response: a public page, a staff page, the CSV export, error pages.

Values are written out here rather than imported, so weakening one in the code fails a test.
"""

import pytest
from werkzeug.datastructures import Headers

from hotline.extensions import db

from .test_page_cache import SLUG, _node

POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
          "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
SECURITY = {
    "Content-Security-Policy": POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
TRANSPORT = {"Date", "Content-Length"}  # added by the server layer, whatever the page


def names(headers: Headers) -> set[str]:
    """The header names of a response, without those every response has."""
    return {name for name, _ in headers} - TRANSPORT


def assert_security(headers: Headers, referrer: str = "same-origin") -> None:
    """Each security header once, with exactly its value."""
    for name, value in {**SECURITY, "Referrer-Policy": referrer}.items():
        assert headers.getlist(name) == [value], name
    assert "Strict-Transport-Security" not in headers  # plain HTTP


def test_a_public_page_is_shareable_and_carries_every_security_header(client):
    response = client.get("/")
    assert response.status_code == 200
    assert_security(response.headers)
    assert names(response.headers) == {*SECURITY, "Content-Type", "ETag", "Cache-Control"}
    assert response.headers["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300, stale-if-error=86400"


def test_a_page_from_the_front_cache_has_the_same_headers(app, tmp_path, database_url):
    from hotline import demo

    demo.load_demo("development")
    db.session.commit()
    node = _node(tmp_path, database_url, "front")
    client = node.test_client()
    first, kept = client.get(f"/notices/{SLUG}/"), client.get(f"/notices/{SLUG}/")
    assert names(first.headers) == names(kept.headers) == {*SECURITY, "Content-Type", "ETag", "Last-Modified",
                                                           "Cache-Control"}
    assert_security(kept.headers)


def test_a_public_form_is_not_stored_and_varies_by_cookie(client):
    response = client.get("/inquiry")
    assert_security(response.headers)
    assert names(response.headers) == {*SECURITY, "Content-Type", "Cache-Control", "Vary"}
    assert response.headers["Cache-Control"] == "no-store"


def test_a_staff_page_is_never_stored_and_its_cookie_is_http_only(client, login, staff):
    login("agent1")
    response = client.get("/agent/")
    assert response.status_code == 200
    assert_security(response.headers)
    assert names(response.headers) == {*SECURITY, "Content-Type", "Cache-Control", "Vary", "Set-Cookie"}
    assert response.headers["Cache-Control"] == "no-store" and response.headers["Vary"] == "Cookie"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and cookie.startswith("hotline_session=")


def test_the_csv_export_is_an_attachment_never_stored(client, login, staff):
    login("sup1")
    response = client.get("/supervisor/inquiries.csv")
    assert response.status_code == 200
    assert_security(response.headers)
    assert names(response.headers) == {*SECURITY, "Content-Type", "Content-Disposition", "Cache-Control", "Vary",
                                       "Set-Cookie"}
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == "attachment; filename=inquiries.csv"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/no-such-page", "/agent/inquiries/99999999999999999999", "/notices/nothing-here/"])
def test_not_found_pages_carry_every_security_header_and_are_never_kept(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert_security(response.headers)
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers


def test_too_large_and_too_many_carry_every_security_header(client, app):
    too_large = client.post("/login", data={"username": "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)})
    assert too_large.status_code == 413
    assert_security(too_large.headers)
    app.config["STATUS_LIMIT_PER_HOUR"] = 1
    for _ in range(2):
        limited = client.post("/inquiry/status", data={"receipt": "2222-2222-2222", "contact": "a@example.jp"})
    assert limited.status_code == 429
    assert_security(limited.headers)
    assert int(limited.headers["Retry-After"]) > 0 and limited.headers["Cache-Control"] == "no-store"


def test_the_status_link_sends_no_referrer(client):
    response = client.get("/inquiry/status/" + "a" * 22)
    assert_security(response.headers, referrer="no-referrer")


def test_over_https_the_transport_header_is_added_with_its_whole_value(client):
    response = client.get("/", base_url="https://hotline.example.jp")
    assert response.headers.getlist("Strict-Transport-Security") == ["max-age=31536000; includeSubDomains"]
    assert names(response.headers) == {*SECURITY, "Content-Type", "ETag", "Cache-Control", "Strict-Transport-Security"}


@pytest.mark.parametrize("headers,allowed", [
    ({}, True),  # no browser headers at all: not a page on another site
    ({"Sec-Fetch-Site": "same-origin"}, True),
    ({"Sec-Fetch-Site": "none"}, True),  # typed into the address bar
    ({"Sec-Fetch-Site": "cross-site"}, False),
    ({"Sec-Fetch-Site": "same-site"}, False),  # a sibling subdomain is another site for our forms
    ({"Origin": "http://localhost"}, True),
    ({"Origin": "http://localhost/"}, True),
    ({"Origin": "https://evil.example"}, False),
    ({"Origin": "http://localhost.evil.example"}, False),
    ({"Origin": "null"}, False),
    ({"Origin": "http://localhost", "Sec-Fetch-Site": "cross-site"}, False),
])
def test_forms_without_a_token_accept_posts_from_this_site_only(app, headers, allowed):
    from hotline.web.security import same_origin

    with app.test_request_context("/faq/x/vote", method="POST", headers=headers):
        assert same_origin() is allowed


def test_a_public_page_answering_400_is_never_kept(client):
    response = client.get("/faq/search?q=%FF%FE")
    assert response.status_code == 400
    assert_security(response.headers)
    assert response.headers["Cache-Control"] == "no-store"


def test_validators_are_dropped_from_responses_that_must_not_be_kept(app, client):
    from flask import make_response

    from hotline.web.security import public

    def with_validators(status):
        response = make_response("本文", status)
        response.headers["ETag"] = '"v1"'
        response.headers["Last-Modified"] = "Tue, 01 Dec 2026 00:00:00 GMT"
        return response

    app.add_url_rule("/staff-with-validators", "staff_with_validators", lambda: with_validators(200))
    app.add_url_rule("/public-gone", "public_gone", public(lambda: with_validators(410)))
    app.add_url_rule("/public-fine", "public_fine", public(lambda: with_validators(200)))
    for path in ("/staff-with-validators", "/public-gone"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store", path
        assert "ETag" not in response.headers and "Last-Modified" not in response.headers, path
    kept = client.get("/public-fine")
    assert kept.headers["ETag"] == '"v1"' and "Last-Modified" in kept.headers
