"""The pages of the affected list: /verify, /affected, the agents' lookup and the supervisors' import."""

import io
import re

import pytest
from sqlalchemy import func, select

from hotline import affected
from hotline.extensions import db
from hotline.models import AffectedPerson, AuditEvent, Inquiry, InquiryCategory, NoticeChannel, NoticeEvent
from hotline.notices import latest_published

from .affected_helpers import MEMBER_ROWS, MEMBERS, csv_bytes, incident_with_groups


@pytest.fixture
def listed(app, staff):
    """An incident, its member list imported, and a notice sent to the first member."""
    incident = incident_with_groups(staff)
    affected.import_list(incident, csv_bytes(MEMBER_ROWS), "members.csv", group=MEMBERS, user=staff["sup1"])
    db.session.flush()
    taro = db.session.scalars(select(AffectedPerson).order_by(AffectedPerson.id)).first()
    from datetime import date

    db.session.add(NoticeEvent(person_id=taro.id, kind="sent", channel=NoticeChannel.EMAIL,
                               report_id=latest_published(incident).id, happened_on=date(2026, 11, 20)))
    db.session.commit()
    return {"incident": incident, "taro": taro, "number": taro.notice_number, "code": taro.verify_code}


def body(response) -> str:
    """The page without what differs between any two requests (the CSRF token)."""
    return re.sub(r'name="csrf_token"[^>]*>', "", response.get_data(as_text=True))


def test_verify_confirms_a_notice_we_sent_and_every_wrong_input_looks_the_same(client, listed):
    page = client.post("/verify", data={"number": listed["number"].replace("-", " "), "code": listed["code"].lower()})
    text = page.get_data(as_text=True)
    assert "当社からお送りしたお知らせです" in text
    assert "2026年11月20日にメールでお送りしたものです" in text
    assert "/notices/list-incident/" in text
    assert "山田" not in text and "taro@example.jp" not in text

    def typed(number, code):
        """The page for these inputs, with the inputs themselves (echoed back in the form) blanked."""
        response = client.post("/verify", data={"number": number, "code": code})
        return body(response).replace(number, "N").replace(code, "C")

    hanako = db.session.scalars(select(AffectedPerson).order_by(AffectedPerson.id)).all()[1]
    unknown = typed("9999-9999-9999", "ZZZZZZ")
    assert "当社からのお知らせとして確認できませんでした" in unknown
    assert typed(listed["number"], "ZZZZZZ") == unknown  # right number, wrong code
    assert typed("9999-9999-9999", listed["code"]) == unknown  # right code, unknown number
    assert typed(hanako.notice_number, hanako.verify_code) == unknown  # a real pair not sent yet
    assert "クレジットカード番号、セキュリティコード、暗証番号、パスワードをお尋ねすることはございません" in unknown


def test_a_suspicious_message_is_reported_in_one_click_as_urgent(client, listed):
    page = client.post("/verify/report", data={"number": "1111-2222-3333", "note": "SMSで「返金のため」とリンクが届いた"})
    assert "ご報告を受け付けました" in page.get_data(as_text=True)
    inquiry = db.session.scalar(select(Inquiry))
    assert inquiry.urgent and inquiry.category == InquiryCategory.SUSPICIOUS_CONTACT
    assert "1111-2222-3333" in inquiry.message and "返金のため" in inquiry.message


def test_verify_is_rate_limited_with_retry_after(client, listed, app):
    app.config["VERIFY_PER_HOUR"] = 2
    for _ in range(2):
        assert client.post("/verify", data={"number": "1", "code": "2"}).status_code == 200
    limited = client.post("/verify", data={"number": "1", "code": "2"})
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 60
    assert "お知らせの真偽確認を一時的に制限しております" in limited.get_data(as_text=True)


def test_self_check_answers_the_person_and_nobody_else(client, listed):
    found = client.post("/affected", data={"first": "m0001".upper(), "second": "09011112222"})
    text = found.get_data(as_text=True)
    assert "お客様は、本件の対象となっております" in text
    assert "会員のお客様として" in text
    assert "クレジットカード番号" in text and "漏えいの可能性を否定できない" in text
    assert "パスワード" in text and "漏えいしていないことを確認" in text
    assert "2026年11月20日にメールでお送りしております" in text
    assert "taro@example.jp" not in text
    def typed(first, second):
        response = client.post("/affected", data={"first": first, "second": second})
        return body(response).replace(first, "A").replace(second, "B")

    wrong_phone = typed("M0001", "09099999999")
    assert "対象の方として確認できませんでした" in wrong_phone
    assert typed("M9999", "09011112222") == wrong_phone
    checks = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "self_check")).all()
    assert checks == ["該当あり", "該当なし", "該当なし"]


def test_self_check_by_email_and_birth_date(client, listed, app):
    app.config["AFFECTED_CHECK"] = "email_birth"
    form = client.get("/affected").get_data(as_text=True)
    assert "ご登録のメールアドレス" in form and "生年月日" in form
    found = client.post("/affected", data={"first": "Hanako@Example.jp", "second": "1975年12月31日"})
    assert "お客様は、本件の対象となっております" in found.get_data(as_text=True)
    assert "準備が整い次第お送りいたします" in found.get_data(as_text=True)
    wrong = client.post("/affected", data={"first": "hanako@example.jp", "second": "1975-12-30"})
    assert "対象の方として確認できませんでした" in wrong.get_data(as_text=True)


def test_agents_find_callers_by_exact_values_and_every_view_is_audited(client, listed, login, staff):
    assert client.get("/agent/people").status_code == 302  # login first
    login("agent1")
    by_phone = client.post("/agent/people", data={"kind": "phone", "q": "090-1111-2222"})
    assert "山田 太郎" in by_phone.get_data(as_text=True)
    # Contact data never travels in a URL: a GET with a phone searches nothing.
    assert "山田 太郎" not in client.get("/agent/people?kind=phone&q=09011112222").get_data(as_text=True)
    by_number = client.get(f"/agent/people?kind=notice&q={listed['number']}")
    assert "山田 太郎" in by_number.get_data(as_text=True)
    assert "一致する方は、対象者リストにおりません" in client.post(
        "/agent/people", data={"kind": "email", "q": "taro@example"}).get_data(as_text=True)
    page = client.get(f"/agent/people/{listed['taro'].id}").get_data(as_text=True)
    assert "クレジットカード番号：<strong>漏えいの可能性を否定できない</strong>" in page
    assert "2026年11月20日 送付（メール）" in page
    views = db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "view", AuditEvent.target_type == "affected_person"))
    searches = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "search"))
    assert (views, searches) == (3, 3)
    assert client.get("/agent/people/99999999999").status_code == 404


def test_supervisors_import_on_the_page_and_see_every_error(client, listed, login, staff):
    login("agent1")
    assert client.get("/supervisor/affected").status_code == 403
    client.post("/logout")
    login("sup1")
    bad = csv_bytes([["G1", "高橋 次郎", "", "", "0000", "", "", ""]])
    refused = client.post("/supervisor/affected", data={"file": (io.BytesIO(bad), "gifts.csv"),
                                                        "group": "ギフトのお届け先の方"},
                          content_type="multipart/form-data")
    assert refused.status_code == 422
    assert "2行目・電話番号: 電話番号として読めません" in refused.get_data(as_text=True)
    # A file larger than the site's form limit (512 KB) is accepted here.
    rows = [[f"G{n}", f"高橋 次郎{n}", "", f"g{n}@example.jp", "", "", "東京都" + "あ" * 150, ""] for n in range(1200)]
    big = csv_bytes(rows)
    assert len(big) > 550 * 1024
    done = client.post("/supervisor/affected", data={"file": (io.BytesIO(big), "gifts.csv"),
                                                     "group": "ギフトのお届け先の方"},
                       content_type="multipart/form-data", follow_redirects=True)
    assert "新規1200名" in done.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AffectedPerson.id))) == 1203


def test_the_page_takes_as_many_rows_as_answer_in_time_and_sends_longer_lists_to_the_command(
        client, listed, login, app, staff):
    app.config["AFFECTED_PAGE_IMPORT_MAX_ROWS"] = 3
    login("sup1")
    page = client.get("/supervisor/affected").get_data(as_text=True)
    assert "この画面から取り込めるのは3行まで" in page
    rows = [[f"G{n}", f"高橋 次郎{n}", "", f"g{n}@example.jp", "", "", "", ""] for n in range(4)]
    refused = client.post("/supervisor/affected", data={"file": (io.BytesIO(csv_bytes(rows)), "gifts.csv"),
                                                        "group": "ギフトのお届け先の方"}, content_type="multipart/form-data")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "flask affected import" in text and "3行までです" in text
    assert db.session.scalar(select(func.count(AffectedPerson.id))) == 3  # nothing added
    affected.import_list(listed["incident"], csv_bytes(rows), "gifts.csv", group="ギフトのお届け先の方",
                         user=staff["sup1"])  # the command's path has the file limit only
    assert db.session.scalar(select(func.count(AffectedPerson.id))) == 7


def test_an_answer_to_someone_on_the_list_names_their_own_groups(app, listed, staff):
    from hotline import answers, inquiries
    from hotline.inquiries import answering
    from hotline.models import ReplyBy

    from .affected_helpers import GIFT_ROWS, GIFTS

    affected.import_list(listed["incident"], csv_bytes(GIFT_ROWS), "gifts.csv", group=GIFTS, user=staff["sup1"])
    template = answers.approve(answers.propose(staff["agent"], "漏えいした情報", "私の何が漏れたの",
                                               "お客様に関わる情報は次のとおりです。\n{対象の情報}",
                                               InquiryCategory.LEAKED_DATA, "項目", listed["incident"]), staff["sup1"])
    db.session.commit()

    def ask(number: str):
        return inquiries.receive({"name": "山田 太郎", "email": "taro@example.jp", "phone": "", "reply_by": ReplyBy.EMAIL,
                                  "category": InquiryCategory.LEAKED_DATA, "message": "何が漏れたのですか",
                                  "notice_number": number})

    own, error = answering.suggested_text(template, ask(listed["number"]))
    assert error == ""
    assert "【会員のお客様として】" in own and "【ギフトのお届け先の方として】" in own
    general, _ = answering.suggested_text(template, ask(""))
    assert "【会員のお客様】" in general and "として】" not in general


def test_an_inquiry_with_a_notice_number_shows_whether_the_list_has_it(client, listed, login, staff):
    from hotline import inquiries
    from hotline.models import ReplyBy

    def ask(number: str) -> int:
        item = inquiries.receive({"name": "山田 太郎", "email": "taro@example.jp", "phone": "", "reply_by": ReplyBy.EMAIL,
                                  "category": InquiryCategory.LEAKED_DATA, "message": "届いた書面について",
                                  "notice_number": number})
        db.session.commit()
        return item.id

    known, unknown = ask(listed["number"]), ask("9999-9999-9999")
    login("agent1")
    assert "対象者リスト：会員のお客様" in client.get(f"/agent/inquiries/{known}").get_data(as_text=True)
    assert "対象者リストにこの番号はありません" in client.get(f"/agent/inquiries/{unknown}").get_data(as_text=True)
    # The number links to the person's page through the exact lookup (audited).
    assert "山田 太郎" in client.get(f"/agent/people?kind=notice&q={listed['number']}").get_data(as_text=True)


def test_self_check_is_rate_limited(client, listed, app):
    app.config["AFFECTED_CHECKS_PER_HOUR"] = 1
    assert client.post("/affected", data={"first": "M1", "second": "1"}).status_code == 200
    limited = client.post("/affected", data={"first": "M0001", "second": "09011112222"})
    assert limited.status_code == 429 and "対象かどうかの確認を一時的に制限しております" in limited.get_data(as_text=True)


def test_suggestions_put_the_askers_group_first_and_other_groups_aside(client, listed, login, staff):
    from hotline import answers, inquiries
    from hotline.answers import search as answer_search
    from hotline.models import ReplyBy

    from .affected_helpers import GIFTS
    from .factories import approved_template

    members = approved_template("members-card", f"{MEMBERS}のカード情報について", "カード会社へご連絡ください。")
    gifts = approved_template("gifts-card", f"{GIFTS}のカード情報について", "お届け先の方のカード情報はお預かりしておりません。")
    db.session.commit()
    answer_search.rebuild()
    text = "カード情報について教えてください"
    known = [MEMBERS, GIFTS]
    shown, _ = answers.suggest_all(text, groups=[GIFTS], known=known)
    assert shown[0].template.id == gifts.id and shown[0].groups == (GIFTS,)
    shown, others = answers.suggest_all(text, groups=[MEMBERS], known=known)
    assert [s.template.id for s in shown][:1] == [members.id] and gifts.id in {s.template.id for s in others}
    item = inquiries.receive({"name": "山田 太郎", "email": "taro@example.jp", "phone": "", "reply_by": ReplyBy.EMAIL,
                              "category": InquiryCategory.LEAKED_DATA, "message": text,
                              "notice_number": listed["number"]})
    db.session.commit()
    login("agent1")
    page = client.get(f"/agent/inquiries/{item.id}").get_data(as_text=True)
    suggested = page.split('<ol class="suggested">')[1].split("</ol>")[0]
    assert f"{MEMBERS}向け" in suggested and f"{GIFTS}向け" not in suggested


@pytest.mark.parametrize("pair", ["member_phone", "email_birth"])
def test_the_self_check_finds_the_person_through_an_index(client, listed, app, pair):
    """A lookup by the hash alone must not read the whole list (100,000 people: 40 ms a check)."""
    from sqlalchemy import event

    if db.engine.dialect.name != "sqlite":
        pytest.skip("the query plan is read with SQLite's EXPLAIN QUERY PLAN")
    app.config["AFFECTED_CHECK"] = pair
    executed = []

    def seen(_connection, _cursor, statement, parameters, *_rest):
        if "FROM affected_person" in statement and "_hash =" in statement:
            executed.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        client.post("/affected", data={"first": "M0001", "second": "09011112222"})
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert executed
    statement, parameters = executed[0]
    with db.engine.connect() as connection:
        plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
    assert "USING INDEX" in plan and "SCAN affected_person" not in plan, plan


def test_the_lists_channels_are_counted_by_the_database_as_each_person_would_be_reached(listed):
    from collections import Counter

    people = db.session.scalars(select(AffectedPerson).order_by(AffectedPerson.id)).all()
    assert len(people) >= 3
    people[0].email_bounced = True  # mail bounced: a letter if there is an address, else nothing
    people[1].letter_returned = True
    people[2].email, people[2].email_bounced = "", False
    db.session.commit()
    counted = affected.channel_counts(listed["incident"])
    assert counted == {channel: Counter(p.channel for p in people)[channel] for channel in NoticeChannel}
    assert sum(counted.values()) == len(people)
