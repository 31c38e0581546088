"""Malformed and hostile requests get a clear answer, never a 500 or a half-written row."""

import pytest
from sqlalchemy import func, select

from hotline.extensions import db
from hotline.models import LoginAttempt


@pytest.mark.parametrize("query", ["%FF%FE", "%00abc", "%E3%81", "a%0D%0Ab"])
def test_broken_encodings_in_search_do_not_crash(client, query):
    response = client.get(f"/faq/search?q={query}")
    assert response.status_code in (200, 400)


def test_nul_bytes_and_invalid_utf8_in_a_form_are_just_a_wrong_login(client):
    response = client.post("/login", data=b"username=%FF%00x&password=secret-secret",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert "ユーザー名またはパスワードが正しくありません" in response.get_data(as_text=True)
    names = db.session.scalars(select(LoginAttempt.username)).all()
    assert names and all("\x00" not in name for name in names)


def test_thousands_of_form_parts_are_refused(client):
    data = {f"field{i}": "x" for i in range(1000)}
    response = client.post("/login", data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    assert db.session.scalar(select(func.count(LoginAttempt.id))) == 0


def test_sql_in_login_name_is_just_a_wrong_name(client, staff):
    response = client.post("/login", data={"username": "sup1' OR '1'='1' --", "password": "x' OR 1=1 --"})
    assert response.status_code == 200
    assert "正しくありません" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
