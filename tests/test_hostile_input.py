"""Malformed and hostile requests get a clear answer, never a 500 or a half-written row."""

import pytest
from sqlalchemy import func, select

from hotline.extensions import db
from hotline.models import LoginAttempt


@pytest.mark.parametrize("query", ["%FF%FE", "%00abc", "%E3%81", "a%0D%0Ab"])
def test_broken_encodings_in_search_do_not_crash(client, query):
    response = client.get(f"/faq/search?q={query}")
    assert response.status_code in (200, 400)


def test_nul_bytes_in_a_form_are_just_a_wrong_login(client):
    response = client.post("/login", data=b"username=ab%00x&password=secret-secret",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert "ユーザー名またはパスワードが正しくありません" in response.get_data(as_text=True)
    names = db.session.scalars(select(LoginAttempt.username)).all()
    assert names and all("\x00" not in name for name in names)


@pytest.mark.parametrize("body", [b"name=%FF%FE&email=a%40example.jp&message=x", b"name=taro&message=%E3%81",
                                  "name=太郎&message=こんにちは".encode("shift_jis")])
def test_bytes_that_are_not_utf8_are_refused_in_japanese_and_nothing_is_stored(client, body):
    from hotline.models import Inquiry

    response = client.post("/inquiry", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "読み取れない文字" in response.get_data(as_text=True) and "何も保存していません" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Inquiry.id))) == 0


def test_invalid_utf8_in_a_query_is_refused_in_japanese(client):
    response = client.get("/faq/search?q=%FF%FE")
    assert response.status_code == 400 and "読み取れない文字" in response.get_data(as_text=True)


@pytest.mark.parametrize("content_type", ["multipart/form-data", "application/x-www-form-urlencoded"])
def test_thousands_of_form_parts_are_refused(client, content_type):
    data = {f"field{i}": "x" for i in range(1000)}
    response = client.post("/login", data=data, content_type=content_type)
    assert response.status_code == 413 and "大きすぎます" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(LoginAttempt.id))) == 0


def test_twenty_thousand_url_encoded_fields_are_refused_before_any_view(client, staff):
    from urllib.parse import urlencode

    body = urlencode({"username": "sup1", "password": "x", **{f"f{i}": "x" for i in range(20_000)}})
    response = client.post("/login", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert db.session.scalar(select(func.count(LoginAttempt.id))) == 0


def test_sql_in_login_name_is_just_a_wrong_name(client, staff):
    response = client.post("/login", data={"username": "sup1' OR '1'='1' --", "password": "x' OR 1=1 --"})
    assert response.status_code == 200
    assert "正しくありません" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


HUGE = "99999999999999999999"


@pytest.mark.parametrize("path", [
    f"/agent/inquiries/{HUGE}", f"/admin/reports/{HUGE}", f"/admin/reports/{HUGE}/edit",
    f"/admin/incidents/{HUGE}/edit", f"/admin/answers/{HUGE}", f"/notices/2026-midori-store/{HUGE}",
    f"/agent/inquiries/{2**31}", f"/admin/faq/{2**63}", "/admin/reports/-1",
])
def test_ids_beyond_a_database_integer_are_not_found(client, login, staff, path):
    login("admin1")
    assert client.get(path).status_code == 404


def test_the_largest_database_integer_is_still_looked_up(client, login, staff):
    login("admin1")
    assert client.get(f"/admin/reports/{2**31 - 1}").status_code == 404  # looked up, not there


def test_huge_numbers_in_query_strings_are_refused_cleanly(client, login, staff):
    from hotline.inquiries import answering

    login("admin1")
    assert client.get(f"/supervisor/audit?before={2**40}").status_code == 400
    assert answering.template_for(str(10**17)) is None and answering.template_for(str(2**31)) is None


@pytest.mark.parametrize("digit", ["%C2%B2", "%D9%A1", "%EF%BC%91"])  # ², Arabic-Indic 1, full-width 1
def test_digits_that_are_not_ascii_in_query_strings_and_forms_are_refused_cleanly(client, login, staff, digit):
    from hotline.models._types import as_id
    from .factories import receive_inquiry

    login("admin1")
    inquiry = receive_inquiry()
    db.session.commit()
    assert client.get(f"/supervisor/audit?before={digit}").status_code == 400
    for path in (f"/agent/inquiries/{inquiry.id}?template={digit}", f"/agent/inquiries/{inquiry.id}/template?id={digit}",
                 f"/agent/inquiries/{inquiry.id}?next={digit}"):
        assert client.get(path).status_code in (200, 404), path
    assert [as_id(v) for v in ("12", "²", "١", "１", "", None, "-1", str(2**31))] == [12, None, None, None, None, None, None, None]


def test_nul_bytes_leave_every_name_and_every_value_of_a_repeated_field():
    from werkzeug.datastructures import ImmutableMultiDict

    from hotline.web.security import _without_nul

    clean = ImmutableMultiDict([("name", "山田"), ("tag", "a"), ("tag", "b")])
    assert _without_nul(clean) is clean  # nothing to drop: the very same object
    dirty = ImmutableMultiDict([("na\x00me", "山\x00田"), ("tag", "a"), ("tag", "b\x00")])
    assert list(_without_nul(dirty).items(multi=True)) == [("name", "山田"), ("tag", "a"), ("tag", "b")]
    only_key = ImmutableMultiDict([("k\x00", "v")])
    assert list(_without_nul(only_key).items(multi=True)) == [("k", "v")]
    only_value = ImmutableMultiDict([("name", "山\x00田")])
    assert list(_without_nul(only_value).items(multi=True)) == [("name", "山田")]
    only_second = ImmutableMultiDict([("tag", "a"), ("tag", "b\x00")])
    assert list(_without_nul(only_second).items(multi=True)) == [("tag", "a"), ("tag", "b")]


def test_the_form_a_view_reads_has_no_nul_bytes(app):
    from flask import request

    with app.test_request_context("/inquiry", method="POST", data="name=%E5%B1%B1%00%E7%94%B0&tag=a&tag=b%00",
                                  content_type="application/x-www-form-urlencoded"):
        assert request.form["name"] == "山田" and request.form.getlist("tag") == ["a", "b"]


@pytest.mark.parametrize("extra, status", [(0, 200), (1, 413)])
def test_the_form_part_limit_holds_to_the_part(app, extra, status):
    from werkzeug.exceptions import RequestEntityTooLarge

    limit = app.config["MAX_FORM_PARTS"]
    body = "&".join(f"f{n}=x" for n in range(limit + extra))
    with app.test_request_context("/inquiry", method="POST", data=body,
                                  content_type="application/x-www-form-urlencoded"):
        from flask import request

        if status == 413:
            with pytest.raises(RequestEntityTooLarge):
                request.form  # noqa: B018
        else:
            assert len(request.form) == limit


@pytest.mark.parametrize("part", [
    b'Content-Disposition: form-data; name="msg"\r\n\r\n\xff\xfe',
    b'Content-Disposition: form-data; name="msg"\r\n\r\nok\r\n--XB\r\nContent-Disposition: form-data; name="x"\r\n\r\n\x82\xa0',
    b'Content-Disposition: form-data; name="msg"\r\n\r\nok\r\n--XB\r\nContent-Disposition: form-data; name="msg"\r\n\r\n\x82\xa0',
])
def test_a_multipart_part_that_is_not_utf8_is_refused(app, part):
    from hotline.web.security import BadEncoding

    body = b"--XB\r\n" + part + b"\r\n--XB--\r\n"
    with app.test_request_context("/inquiry", method="POST", data=body, content_type="multipart/form-data; boundary=XB"):
        from flask import request

        with pytest.raises(BadEncoding):
            request.form  # noqa: B018


@pytest.mark.parametrize("body", [b"%EF%BF%BD=x&name=taro", b"name=taro&message=%EF%BF%BD"])
def test_a_replacement_character_in_a_field_name_or_value_is_refused(app, body):
    """U+FFFD is what an undecodable byte became on its way here: refused, not stored, in names as in values."""
    from hotline.web.security import BadEncoding

    with app.test_request_context("/inquiry", method="POST", data=body,
                                  content_type="application/x-www-form-urlencoded"):
        from flask import request

        with pytest.raises(BadEncoding):
            request.form  # noqa: B018
