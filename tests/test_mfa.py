"""Second factor for staff: enrollment, login with a code, replay, throttling, requirement."""

import re
import time

import pyotp
from sqlalchemy import func, select

from hotline.extensions import db
from hotline.models import AuditEvent, User
from hotline.staff import mfa

from .factories import PASSWORD
from .pages import assert_valid_html, body


def enroll(client, login) -> str:
    """Log in as sup1 and turn on the second factor; returns the secret."""
    login("sup1")
    html = body(client.get("/account/mfa"))
    assert_valid_html(html)
    assert 'src="data:image/svg+xml' in html
    secret = re.search(r'class="secret">([A-Z2-7]+)<', html).group(1)
    wrong = client.post("/account/mfa", data={"code": "000000"})
    assert "確認コードが正しくありません" in body(wrong)
    response = client.post("/account/mfa", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    return secret


def user(name="sup1") -> User:
    db.session.rollback()
    return db.session.scalar(select(User).filter_by(username=name))


def test_enrollment_stores_the_secret_and_is_audited(client, login, staff):
    secret = enroll(client, login)
    assert user().totp_secret == secret
    assert db.session.scalar(select(func.count(AuditEvent.id)).filter_by(action="mfa_enable")) == 1
    assert "二段階認証が有効です" in body(client.get("/account/mfa"))


def test_login_asks_for_the_code_and_a_code_works_once(app, client, login, staff):
    secret = enroll(client, login)
    client.post("/logout")
    step1 = client.post("/login", data={"username": "sup1", "password": PASSWORD})
    assert step1.headers["Location"].endswith("/login/code")
    assert client.get("/admin/").status_code == 302  # not logged in yet
    assert "確認コード" in body(client.get("/login/code"))
    bad = client.post("/login/code", data={"code": "123456" if pyotp.TOTP(secret).now() != "123456" else "654321"})
    assert "正しくないか" in body(bad)
    code = pyotp.TOTP(secret).at(time.time() + 30)  # next step: newer than the one used to enroll
    ok = client.post("/login/code", data={"code": code})
    assert ok.status_code == 302 and client.get("/admin/").status_code == 200
    client.post("/logout")
    client.post("/login", data={"username": "sup1", "password": PASSWORD})
    replay = client.post("/login/code", data={"code": code})
    assert "既に使われています" in body(replay) and client.get("/admin/").status_code == 302


def test_code_step_without_a_password_goes_back_to_login(client, staff):
    response = client.get("/login/code")
    assert response.headers["Location"].endswith("/login")
    assert client.post("/login/code", data={"code": "123456"}).headers["Location"].endswith("/login")


def test_wrong_codes_are_throttled(app, client, login, staff):
    from hotline.staff import lockout

    enroll(client, login)
    client.post("/logout")
    client.post("/login", data={"username": "sup1", "password": PASSWORD})
    codes = [client.post("/login/code", data={"code": "000001"}).status_code for _ in range(lockout.MAX_CODE_FAILURES + 1)]
    assert codes == [200] * lockout.MAX_CODE_FAILURES + [429]


def test_full_width_code_and_drift_of_one_step(staff):
    account = staff["sup1"]
    secret = mfa.new_secret()
    now = time.time()
    previous = pyotp.TOTP(secret).at(now - 30)
    assert mfa.enable(account, secret, previous.translate(str.maketrans("0123456789", "０１２３４５６７８９")), now)
    assert not mfa.verify(account, previous, now)  # already used for enrollment
    assert mfa.verify(account, pyotp.TOTP(secret).at(now), now)
    assert not mfa.verify(account, pyotp.TOTP(secret).at(now + 120), now)


def test_when_required_staff_must_enroll_before_anything_else(app, client, login, staff):
    app.config["REQUIRE_MFA"] = True
    login("agent1")
    assert client.get("/agent/").headers["Location"].endswith("/account/mfa")
    assert "二段階認証の設定が必要です" in body(client.get("/account/mfa"))
    assert client.get("/").status_code == 200  # public pages stay reachable


def test_reset_command_removes_the_factor_and_ends_sessions(client, login, runner, staff):
    enroll(client, login)
    version = user().session_version
    result = runner.invoke(args=["users", "reset-mfa", "sup1"])
    assert result.exit_code == 0 and "解除しました" in result.output
    assert user().totp_secret is None and user().session_version == version + 1
    assert client.get("/admin/").status_code == 302
    assert runner.invoke(args=["users", "reset-mfa", "nobody"]).exit_code != 0
