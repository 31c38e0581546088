"""Staff login: sessions, throttling, revocation, redirects."""

from sqlalchemy import func, select

from hotline.extensions import db
from hotline.models import AuditEvent, LoginAttempt
from hotline.staff import accounts

from .factories import PASSWORD


def test_login_and_logout(client, staff, login):
    login("sup1")
    assert client.get("/admin/").status_code == 200
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 302


def test_session_cookie_flags(client, staff, app):
    response = client.post("/login", data={"username": "sup1", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_wrong_password_is_refused_in_japanese_and_recorded(client, staff):
    response = client.post("/login", data={"username": "sup1", "password": "wrong password!"})
    assert response.status_code == 200
    assert "ユーザー名またはパスワードが正しくありません" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(LoginAttempt.id))) == 1
    assert client.get("/admin/").status_code == 302


def test_repeated_failures_make_the_same_source_wait_and_then_ask_for_the_code(client, staff, app):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/login", data={"username": "sup1", "password": "nope nope nope"})
    response = client.post("/login", data={"username": "sup1", "password": PASSWORD})
    assert response.status_code == 429 and response.headers["Retry-After"] == "1"
    assert "1秒間お待ちいただいております" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_cookie_replayed_after_logout_is_refused(app, staff, login, client):
    login("sup1")
    stolen = client.get_cookie("hotline_session").value
    client.post("/logout")
    other = app.test_client()
    other.set_cookie("hotline_session", stolen)
    assert other.get("/admin/").status_code == 302


def test_disabled_account_loses_its_session_at_once(client, staff, login):
    login("sup1")
    accounts.set_active(staff["sup1"], False)
    db.session.commit()
    assert client.get("/admin/").status_code == 302
    response = client.post("/login", data={"username": "sup1", "password": PASSWORD})
    assert response.status_code == 200


def test_session_id_rotates_at_login(client, staff):
    with client.session_transaction() as session:
        session["planted"] = "by attacker"
    client.post("/login", data={"username": "sup1", "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session


def test_absolute_session_timeout(client, staff, login, app):
    login("sup1")
    with client.session_transaction() as session:
        session["login_at"] -= (app.config["STAFF_SESSION_MAX_HOURS"] + 1) * 3600
    assert client.get("/admin/").status_code == 302


def test_open_redirects_are_refused(client, staff):
    for target in ["//evil.example/", "https://evil.example/", "/\\evil.example", "/%09/evil.example", "/%5Cevil.example"]:
        client.post("/logout")
        response = client.post(f"/login?next={target}", data={"username": "sup1", "password": PASSWORD})
        assert response.headers["Location"] == "/admin/", target


def test_internal_next_is_followed(client, staff):
    response = client.post("/login?next=/admin/", data={"username": "sup1", "password": PASSWORD})
    assert response.headers["Location"] == "/admin/"


def test_login_is_audited(client, staff):
    client.post("/login", data={"username": "sup1", "password": PASSWORD})
    assert db.session.scalar(select(AuditEvent).filter_by(action="login")).user_id == staff["sup1"].id


def test_audit_rows_cannot_be_changed(staff):
    import pytest

    from hotline import audit

    audit.record("test", "user", 1, user=staff["sup1"])
    db.session.commit()
    row = db.session.scalar(select(AuditEvent).filter_by(action="test"))
    row.action = "tampered"
    with pytest.raises(audit.AuditImmutable):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, row.id))
    with pytest.raises(audit.AuditImmutable):
        db.session.flush()


def test_short_passwords_are_refused(app):
    import pytest

    from hotline.models import Role

    with pytest.raises(accounts.AccountError, match="12文字以上"):
        accounts.create_user("newuser", "", "short", Role.AGENT)


def test_users_create_command(runner):
    result = runner.invoke(args=["users", "create", "yamada", "--role", "supervisor", "--name", "山田"],
                           input="a long enough password\na long enough password\n")
    assert result.exit_code == 0, result.output
    assert accounts.authenticate("yamada", "a long enough password").has_role
    duplicate = runner.invoke(args=["users", "create", "yamada"], input="a long enough password\na long enough password\n")
    assert duplicate.exit_code != 0 and "既に使われています" in duplicate.output


def _listed_state(runner, username: str) -> str:
    """The state column `flask users list` prints for one account."""
    rows = [line.split("\t") for line in runner.invoke(args=["users", "list"]).output.splitlines()]
    return next(row[3] for row in rows if row[0] == username)


def test_a_disabled_account_can_be_enabled_again_and_accounts_listed(runner, client, staff, login):
    assert runner.invoke(args=["users", "disable", "sup1"]).exit_code == 0
    assert _listed_state(runner, "sup1") == "無効" and _listed_state(runner, "sup2") == "有効"
    response = client.post("/login", data={"username": "sup1", "password": PASSWORD})
    assert response.status_code == 200  # refused while disabled
    result = runner.invoke(args=["users", "enable", "sup1"])
    assert result.exit_code == 0 and "有効にしました" in result.output
    assert _listed_state(runner, "sup1") == "有効"
    login("sup1")
    assert runner.invoke(args=["users", "enable", "nobody"]).exit_code != 0


def test_account_commands_are_audited_with_the_administrator_or_the_command_account(runner, staff):
    from hotline.models import User

    password = "a long enough password\na long enough password\n"
    assert runner.invoke(args=["users", "create", "kimura", "--role", "agent"], input=password).exit_code == 0
    assert runner.invoke(args=["users", "disable", "sup1", "--by", "admin1"]).exit_code == 0
    assert runner.invoke(args=["users", "enable", "sup1", "--by", "admin1"]).exit_code == 0
    assert runner.invoke(args=["users", "reset-mfa", "sup1", "--by", "admin1"]).exit_code == 0
    refused = runner.invoke(args=["users", "disable", "sup2", "--by", "sup1"])  # a supervisor is not an administrator
    assert refused.exit_code != 0 and "有効な管理者" in refused.output
    rows = db.session.execute(select(AuditEvent.action, AuditEvent.target_id, AuditEvent.detail, AuditEvent.user_id,
                                     AuditEvent.origin).where(AuditEvent.target_type == "user")
                              .order_by(AuditEvent.id)).all()
    kimura = db.session.scalar(select(User.id).filter_by(username="kimura"))
    admin, sup1 = staff["admin"].id, staff["sup1"].id
    assert [tuple(r)[:4] for r in rows] == [("create", str(kimura), "role=agent", None), ("disable", str(sup1), "", admin),
                                            ("enable", str(sup1), "", admin), ("mfa_reset", str(sup1), "", admin)]
    assert all(r.origin.startswith("os:") for r in rows)  # the operating-system account beside the administrator
    assert db.session.get(User, staff["sup2"].id).active

