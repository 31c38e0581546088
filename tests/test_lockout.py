"""Failed logins slow guessing but never let a stranger keep a staff member out (staff/lockout.py)."""

from datetime import timedelta

import pyotp
from sqlalchemy import func, select

from hotline.extensions import db
from hotline.models import AuditEvent, LoginAttempt
from hotline.staff import lockout

from .factories import PASSWORD
from .pages import body

ATTACKER, OFFICE = {"REMOTE_ADDR": "203.0.113.7"}, {"REMOTE_ADDR": "198.51.100.20"}


def attack(client, app, name="sup1", times=None, environ=ATTACKER):
    """Wrong passwords for `name` from the attacker's address."""
    for _ in range(times or app.config["LOGIN_MAX_FAILURES"]):
        client.post("/login", data={"username": name, "password": "guess guess guess"}, environ_base=environ)
    for row in db.session.scalars(select(LoginAttempt)):  # long enough ago that this source need not wait
        row.created_at -= timedelta(seconds=90)
    db.session.commit()


def with_code(staff, name="sup1") -> pyotp.TOTP:
    """Give the account an authenticator app; returns its generator."""
    secret = pyotp.random_base32()
    staff[name].totp_secret = secret
    db.session.commit()
    return pyotp.TOTP(secret)


def events(action: str) -> int:
    """How many audit rows of one kind exist."""
    return db.session.scalar(select(func.count(AuditEvent.id)).filter_by(action=action))


def test_failures_from_elsewhere_do_not_keep_the_owner_out(client, app, staff):
    totp = with_code(staff)
    attack(client, app)
    alone = client.post("/login", data={"username": "sup1", "password": PASSWORD}, environ_base=OFFICE)
    assert alone.status_code == 200 and "確認コードも入力していただく必要があります" in body(alone)
    assert 'autocomplete="one-time-code"' in body(alone) and client.get("/admin/").status_code == 302
    response = client.post("/login", data={"username": "sup1", "password": PASSWORD, "code": totp.now()},
                           environ_base=OFFICE)
    assert response.status_code == 302
    warned = client.get("/admin/")
    assert warned.status_code == 200 and "ログインの失敗が6回ありました" in body(warned)


def test_a_wrong_code_with_the_right_password_does_not_pass_and_says_nothing_more(client, app, staff):
    with_code(staff)
    attack(client, app)
    response = client.post("/login", data={"username": "sup1", "password": PASSWORD, "code": "000000"},
                           environ_base=OFFICE)
    assert response.status_code == 200 and client.get("/admin/").status_code == 302
    wrong_password = client.post("/login", data={"username": "sup1", "password": "guess", "code": "000000"},
                                 environ_base=OFFICE)
    assert body(wrong_password).count("確認コードも入力していただく必要があります") == body(response).count(
        "確認コードも入力していただく必要があります")  # the same answer: no hint which part was wrong


def test_one_source_waits_longer_with_each_failure(app, staff):
    limit, window = app.config["LOGIN_MAX_FAILURES"], app.config["LOGIN_FAILURE_WINDOW_MINUTES"]
    waits = []
    for _ in range(limit + 4):
        waits.append(lockout.gate("sup1", "203.0.113.7", limit, window).wait_seconds)
        db.session.add(LoginAttempt(username=lockout.hashed("sup1"), address=lockout.hashed("203.0.113.7")))
        db.session.flush()
    assert waits[:limit] == [0] * limit and waits[limit:] == [1, 2, 4, 8]
    assert lockout.gate("sup1", "198.51.100.20", limit, window).wait_seconds == 0  # another source does not wait
    assert lockout.gate("sup1", "198.51.100.20", limit, window).needs_code  # but the account is under attack
    assert not lockout.gate("sup2", "198.51.100.20", limit, window).needs_code


def test_spraying_from_one_address_asks_everyone_there_for_the_code(client, app, staff):
    limit = app.config["LOGIN_MAX_FAILURES"]
    for number in range(limit * 4):
        client.post("/login", data={"username": f"nobody{number}", "password": "guess guess"}, environ_base=ATTACKER)
    asked = client.post("/login", data={"username": "sup2", "password": PASSWORD}, environ_base=ATTACKER)
    assert "確認コードも入力していただく必要があります" in body(asked)
    assert client.post("/login", data={"username": "sup2", "password": PASSWORD},
                       environ_base=OFFICE).status_code == 302


def test_failed_logins_and_waits_are_in_the_audit_log(client, app, staff):
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1):
        client.post("/login", data={"username": "sup1", "password": "guess guess guess"}, environ_base=ATTACKER)
    assert events("login_failed") == app.config["LOGIN_MAX_FAILURES"] and events("login_throttled") == 1
    row = db.session.scalar(select(AuditEvent).filter_by(action="login_failed").limit(1))
    assert row.target_id == str(staff["sup1"].id) and "guess" not in row.detail


def test_a_wait_caused_by_someone_behind_the_same_address_never_keeps_out_the_owner_with_the_code(client, app, staff):
    totp = with_code(staff)
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit + 8):  # a stranger in the same office keeps guessing, each time just within the wait
        client.post("/login", data={"username": "sup1", "password": "guess guess guess"}, environ_base=OFFICE)
    assert client.post("/login", data={"username": "sup1", "password": "guess"}, environ_base=OFFICE).status_code == 429
    right_password_only = client.post("/login", data={"username": "sup1", "password": PASSWORD, "code": ""},
                                      environ_base=OFFICE)
    wrong_password = client.post("/login", data={"username": "sup1", "password": "guess", "code": ""},
                                 environ_base=OFFICE)
    assert right_password_only.status_code == wrong_password.status_code == 429  # the wait gives nothing away
    assert body(right_password_only) == body(wrong_password)
    owner = client.post("/login", data={"username": "sup1", "password": PASSWORD, "code": totp.now()},
                        environ_base=OFFICE)
    assert owner.status_code == 302 and client.get("/admin/").status_code == 200


def test_someone_with_the_password_cannot_guess_codes_without_end(client, app, staff):
    totp = with_code(staff)
    client.post("/login", data={"username": "sup1", "password": PASSWORD}, environ_base=ATTACKER)
    for _ in range(lockout.MAX_CODE_FAILURES):
        client.post("/login/code", data={"code": "000000"}, environ_base=ATTACKER)
    assert not lockout.code_tries_left(staff["sup1"], app.config["LOGIN_FAILURE_WINDOW_MINUTES"])
    assert client.post("/login/code", data={"code": totp.now()}, environ_base=ATTACKER).status_code == 429
    attack(client, app, environ=OFFICE)  # and through a wait, with the password and the right code
    through = client.post("/login", data={"username": "sup1", "password": PASSWORD, "code": totp.now()},
                          environ_base=OFFICE)
    assert through.status_code in (200, 429) and client.get("/admin/").status_code == 302  # not even the right code
    wrong = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.detail == lockout.WRONG_CODE))
    assert wrong >= lockout.MAX_CODE_FAILURES
