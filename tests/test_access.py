"""Every URL that is not explicitly public refuses an anonymous visitor."""

import re

import pytest

from hotline.web.security import is_public_endpoint

SAMPLE_VALUES = {"int": "1", "string": "x", "path": "x/y", "default": "x"}


def concrete_url(rule) -> str:
    """Fill a rule's variables with sample values."""
    def fill(match):
        converter = match.group(1) or "default"
        return SAMPLE_VALUES.get(converter, "1")

    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>", fill, rule.rule)


def staff_rules(app):
    """Rules of endpoints not marked public."""
    return [r for r in app.url_map.iter_rules() if not is_public_endpoint(r.endpoint)]


def test_there_are_staff_routes_to_check(app):
    assert len(staff_rules(app)) >= 1


def test_every_non_public_url_refuses_anonymous_users(app, client):
    for rule in staff_rules(app):
        url = concrete_url(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code in (302, 401, 403), (method, url, response.status_code)
            if response.status_code == 302:
                assert "/login" in response.headers["Location"], (method, url)


def test_public_endpoints_are_few_and_deliberate(app):
    public = {r.endpoint for r in app.url_map.iter_rules() if is_public_endpoint(r.endpoint)}
    assert all(e.startswith(("public.", "faq.", "inquiry.", "check.", "callback.", "subscribe.", "auth.login",
                             "auth.logout", "static"))
               for e in public), public


@pytest.mark.parametrize("path", ["/admin/", "/admin/nonexistent"])
def test_staff_pages_are_never_cached(client, path, staff, login):
    login("sup1")
    response = client.get(path)
    assert response.headers["Cache-Control"] == "no-store"
