"""Headers, error pages and oversized input."""

from hotline.extensions import db

from .test_header_sets import assert_security


def test_security_headers_on_public_pages(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    for directive in ["script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]:
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_not_found_page_is_japanese(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.get_data(as_text=True)


def test_oversized_body_gets_413_page(client, app):
    response = client.post("/login", data={"username": "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)})
    assert response.status_code == 413
    assert "大きすぎます" in response.get_data(as_text=True)


def test_unexpected_error_shows_reference_not_traceback(app, client):
    @app.route("/boom")
    def boom():
        raise RuntimeError("secret detail")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.testing = False
    response = client.get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "参照番号" in body and "secret detail" not in body and "Traceback" not in body
    assert_security(response.headers)  # the error page carries every security header, exactly
    assert response.headers["Cache-Control"] == "no-store"
    db.session.rollback()


def test_csrf_is_enforced_when_enabled(app, staff):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    response = client.post("/login", data={"username": "sup1", "password": "x" * 20})
    assert response.status_code == 400
    response = client.post("/logout")
    assert response.status_code == 400


def test_hsts_is_sent_over_https_only(client, app):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://hotline.example.jp")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    app.config["PROXY_HOPS"] = 1
    from werkzeug.middleware.proxy_fix import ProxyFix

    proxied = app.test_client()
    app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1)
    behind = proxied.get("/", headers={"X-Forwarded-Proto": "https"})
    assert behind.headers["Strict-Transport-Security"].startswith("max-age=")


def test_links_follow_the_bind_address_when_no_public_url_is_set(monkeypatch, tmp_path):
    from hotline import config

    monkeypatch.delenv("HOTLINE_PUBLIC_URL", raising=False)
    monkeypatch.setenv("HOTLINE_BIND", "127.0.0.1:8123")
    assert config.from_environment(str(tmp_path))["PUBLIC_URL"] == "http://127.0.0.1:8123"
    monkeypatch.setenv("HOTLINE_PUBLIC_URL", "https://support.example.jp/")
    assert config.from_environment(str(tmp_path))["PUBLIC_URL"] == "https://support.example.jp"


def test_connections_to_a_database_server_are_tested_before_use_and_a_sqlite_file_is_not(tmp_path, monkeypatch):
    from hotline import config

    monkeypatch.delenv("HOTLINE_DATABASE_URL", raising=False)
    assert config.from_environment(str(tmp_path))["SQLALCHEMY_ENGINE_OPTIONS"] == {
        "hide_parameters": True, "pool_pre_ping": False}
    monkeypatch.setenv("HOTLINE_DATABASE_URL", "postgresql+psycopg://hotline@127.0.0.1/hotline")
    assert config.from_environment(str(tmp_path))["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
