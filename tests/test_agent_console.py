"""The agent console: queue, concurrent claims, answering from templates, calls, proposals,
supervisor figures, CSV export and the audit log."""

import csv
import io
import threading

import pytest
from sqlalchemy import func, select

from hotline import answers, inquiries, mail
from hotline.extensions import db
from hotline.models import (
    AnswerTemplate, AuditEvent, Channel, Inquiry, InquiryCategory, InquiryStatus, OutboxMail,
    ReplyBy, TemplateStatus,
)
from hotline.models._types import utcnow

from .factories import PASSWORD, make_draft, make_incident, publish
from .pages import assert_valid_html, body

COUNT_BODY = "お問い合わせありがとうございます。{件数}\n窓口：{窓口電話}"


@pytest.fixture
def incident(staff):
    """An active incident with a published report (100 to 500 records, provisional)."""
    item = make_incident()
    publish(make_draft(item, staff["sup1"]), staff["sup1"], staff["sup2"])
    return item


@pytest.fixture
def template(staff, incident):
    """An approved template about the record count, indexed for suggestions."""
    item = answers.approve(answers.propose(staff["agent"], "漏えいした件数", "何件漏れたのですか\n件数を教えて",
                                           COUNT_BODY, InquiryCategory.LEAKED_DATA, "件数", incident), staff["sup1"])
    db.session.commit()
    return item


def make_inquiry(message="何件漏れたのですか。", category=InquiryCategory.LEAKED_DATA, **fields) -> Inquiry:
    values = dict(name="山田 太郎", email="taro@example.jp", phone="", reply_by=ReplyBy.EMAIL,
                  category=category, message=message, notice_number="")
    values.update(fields)
    item = inquiries.receive(values)
    db.session.commit()
    return item


def fresh(inquiry_id: int) -> Inquiry:
    db.session.rollback()
    return db.session.get(Inquiry, inquiry_id)


def test_queue_puts_urgent_first_then_oldest_and_shows_no_personal_data(client, login, staff, incident):
    old = make_inquiry("古い質問です")
    old.created_at = utcnow().replace(year=2026, month=11, day=1)
    new = make_inquiry("新しい質問です")
    urgent = make_inquiry("身に覚えのない請求がありました", name="至急 花子")
    db.session.commit()
    login("agent1")
    html = body(client.get("/agent/"))
    assert_valid_html(html)
    assert html.index(urgent.receipt) < html.index(old.receipt) < html.index(new.receipt)
    assert "至急" in html and "山田 太郎" not in html and "古い質問です" not in html
    filtered = body(client.get("/agent/?category=card_fraud"))
    assert old.receipt not in filtered
    assert body(client.get("/agent/?category=%27;DROP")).count("<tr") >= 1


def test_two_agents_claiming_at_the_same_moment_cannot_both_win(app, staff, incident):
    target_id = make_inquiry().id
    clients = []
    for name in ("agent1", "sup1"):
        c = app.test_client()
        assert c.post("/login", data={"username": name, "password": PASSWORD}).status_code == 302
        clients.append(c)
    barrier = threading.Barrier(2)
    results = []

    def claim(c):
        barrier.wait()
        results.append(c.post(f"/agent/inquiries/{target_id}/claim").headers["Location"])

    threads = [threading.Thread(target=claim, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [r for r in results if r.endswith(f"/agent/inquiries/{target_id}")]
    assert len(winners) == 1 and len(results) == 2
    claimed = fresh(target_id)
    assert claimed.status is InquiryStatus.ASSIGNED and claimed.assigned_to_id in (staff["agent"].id, staff["sup1"].id)
    events = db.session.scalar(select(func.count(AuditEvent.id)).filter_by(action="claim", target_id=str(target_id)))
    assert events == 1


@pytest.mark.parametrize("round_", range(4))  # a race lost once in a while must still fail the suite
def test_claims_from_four_browsers_at_once_give_one_owner(app, staff, incident, round_):
    clients = []
    for name in ("agent1", "sup1", "sup2", "admin1"):
        c = app.test_client()
        assert c.post("/login", data={"username": name, "password": PASSWORD}).status_code == 302
        clients.append(c)
    for _ in range(3):
        target_id = make_inquiry().id
        db.session.rollback()  # reading the id began a transaction (outside a request: with the write lock)
        barrier = threading.Barrier(len(clients))
        codes = []

        def claim(c, target_id=target_id, barrier=barrier, codes=codes):
            barrier.wait()
            response = c.post(f"/agent/inquiries/{target_id}/claim")
            codes.append(response.headers["Location"].endswith(f"/agent/inquiries/{target_id}"))

        threads = [threading.Thread(target=claim, args=(c,)) for c in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(codes) == 4 and codes.count(True) == 1
        owner = fresh(target_id).assigned_to_id
        claims = db.session.scalars(select(AuditEvent).filter_by(action="claim", target_id=str(target_id))).all()
        assert [e.user_id for e in claims] == [owner]


def test_opening_an_inquiry_is_recorded_and_hostile_text_is_escaped(client, login, staff, incident):
    item = make_inquiry('<script>alert("x")</script><img src=x onerror=alert(1)>', name="<b>名前</b>")
    login("agent1")
    html = body(client.get(f"/agent/inquiries/{item.id}"))
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "&lt;b&gt;名前&lt;/b&gt;" in html
    assert_valid_html(html)
    views = db.session.scalars(select(AuditEvent).filter_by(action="view", target_type="inquiry")).all()
    assert len(views) == 1 and views[0].user_id == staff["agent"].id


def test_answering_with_a_suggested_template_records_version_and_sends_mail(client, login, staff, template, smtp):
    item = make_inquiry("漏れた件数を教えてください")
    login("agent1")
    client.post(f"/agent/inquiries/{item.id}/claim")
    page = body(client.get(f"/agent/inquiries/{item.id}"))
    assert "漏えいした件数" in page  # suggested by the search module
    filled = body(client.get(f"/agent/inquiries/{item.id}?template={template.id}"))
    assert "少なくとも100件" in filled and "最大で500件" in filled and "0120-111-222" in filled
    text = answers.fill(template, item.incident)
    response = client.post(f"/agent/inquiries/{item.id}/answer",
                           data={"template_id": template.id, "text": text, "channel": "email"})
    assert response.status_code == 302
    done = fresh(item.id)
    assert done.status is InquiryStatus.ANSWERED and done.template_id == template.id
    assert done.template_version == template.version and done.template_edited is False
    assert db.session.get(AnswerTemplate, template.id).times_used == 1
    assert mail.deliver_pending().sent == 1 and smtp.wait_for(1)
    answer_mail = [r for r in smtp.received if "回答" in str(r.message["Subject"])][0]
    assert "少なくとも100件" in answer_mail.message.get_content()


def test_an_edited_template_answer_is_marked_edited(client, login, staff, template):
    item = make_inquiry()
    login("agent1")
    client.post(f"/agent/inquiries/{item.id}/claim")
    text = answers.fill(template, item.incident) + "\n追記：ご不便をおかけします。"
    client.post(f"/agent/inquiries/{item.id}/answer", data={"template_id": template.id, "text": text, "channel": "phone"})
    done = fresh(item.id)
    assert done.template_edited is True and done.answer_channel == "phone"
    assert db.session.scalar(select(func.count(OutboxMail.id)).filter_by(kind="answer")) == 0


def test_script_in_an_answer_reaches_the_mail_as_plain_text(client, login, staff, incident, smtp):
    item = make_inquiry()
    login("agent1")
    client.post(f"/agent/inquiries/{item.id}/claim")
    client.post(f"/agent/inquiries/{item.id}/answer", data={"text": "<script>alert(1)</script>です", "channel": "email"})
    assert mail.deliver_pending().sent == 1 and smtp.wait_for(1)
    message = [r.message for r in smtp.received if "回答" in str(r.message["Subject"])][0]
    assert message.get_content_type() == "text/plain"
    assert "<script>alert(1)</script>です" in message.get_content()
    html = body(client.get(f"/agent/inquiries/{item.id}"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;です" in html


def test_only_the_assigned_agent_or_a_supervisor_may_answer(client, login, staff, incident):
    item = make_inquiry()
    assert inquiries.claim(item.id, staff["sup2"])
    db.session.commit()
    login("agent1")
    response = client.post(f"/agent/inquiries/{item.id}/answer", data={"text": "回答", "channel": "phone"})
    assert "他の担当者が対応中" in body(response) and fresh(item.id).status is InquiryStatus.ASSIGNED


def test_answer_errors_keep_the_text(client, login, staff, incident):
    item = make_inquiry(email="", phone="0312345678", reply_by=ReplyBy.PHONE)
    login("agent1")
    client.post(f"/agent/inquiries/{item.id}/claim")
    response = client.post(f"/agent/inquiries/{item.id}/answer", data={"text": "書きかけの回答", "channel": "email"})
    html = body(response)
    assert "書きかけの回答" in html and fresh(item.id).status is InquiryStatus.ASSIGNED
    empty = body(client.post(f"/agent/inquiries/{item.id}/answer", data={"text": "", "channel": "phone"}))
    assert "回答文を入力してください" in empty


def test_release_wait_and_resume(client, login, staff, incident):
    item = make_inquiry()
    login("agent1")
    client.post(f"/agent/inquiries/{item.id}/claim")
    client.post(f"/agent/inquiries/{item.id}/wait", data={"note": "カード会社に確認中"})
    assert fresh(item.id).status is InquiryStatus.WAITING and "カード会社に確認中" in fresh(item.id).staff_note
    client.post(f"/agent/inquiries/{item.id}/resume")
    assert fresh(item.id).status is InquiryStatus.ASSIGNED
    client.post(f"/agent/inquiries/{item.id}/release")
    assert fresh(item.id).status is InquiryStatus.NEW and fresh(item.id).assigned_to_id is None


def test_logging_a_phone_call_in_two_clicks(client, login, staff, incident, app):
    app.config["ONCALL_EMAIL"] = "oncall@example.jp"
    login("agent1")
    assert client.get("/agent/calls/new").status_code == 200
    response = client.post("/agent/calls/new", data={"name": "電話 一郎", "phone": "090-1111-2222", "email": "",
                                                     "category": "suspicious_contact",
                                                     "message": "当社を名乗るSMSが届いた", "reply_by": "phone"})
    item = db.session.scalar(select(Inquiry))
    assert response.headers["Location"].endswith(f"/agent/inquiries/{item.id}")
    assert item.channel is Channel.PHONE and item.assigned_to_id == staff["agent"].id and item.urgent
    assert item.logged_by_id == staff["agent"].id and item.consent_at is None
    assert db.session.scalar(select(func.count(OutboxMail.id)).filter_by(kind="oncall_alert")) == 1
    bad = client.post("/agent/calls/new", data={"name": "", "phone": "1", "category": "other", "message": "x"})
    assert "お名前を入力してください" in body(bad) and "桁数" in body(bad)


def test_a_new_question_becomes_a_proposal_then_faq_found_by_search(client, login, staff, incident):
    item = make_inquiry("ポイントは使えなくなりますか？", category=InquiryCategory.OTHER)
    login("agent1")
    client.post(f"/agent/inquiries/{item.id}/claim")
    client.post(f"/agent/inquiries/{item.id}/answer", data={
        "text": "お持ちのポイントはそのままお使いいただけます。", "channel": "email", "propose": "y",
        "proposal_title": "ポイントの扱い", "proposal_question": "ポイントは使えなくなりますか"})
    proposal = db.session.scalar(select(AnswerTemplate).filter_by(title="ポイントの扱い"))
    assert proposal.status is TemplateStatus.PROPOSAL and "山田" not in proposal.questions
    approved = answers.approve(proposal, staff["sup1"])
    answers.publish_as_faq(approved, staff["sup1"])
    db.session.commit()
    html = body(client.get("/faq/search", query_string={"q": "ポイント使えない"}))
    assert "/faq/qa-" in html and "<mark>ポイント</mark>は" in html and "そのままお" in html


def test_templates_needing_review_are_suggested_with_a_warning(client, login, staff, template, incident):
    publish(make_draft(incident, staff["sup1"], count_min=300, count_max=900,
                       correction="件数の上限を500件から900件に訂正いたします。"), staff["sup1"], staff["sup2"])
    assert db.session.get(AnswerTemplate, template.id).status is TemplateStatus.NEEDS_REVIEW
    item = make_inquiry("漏れた件数は何件ですか")
    login("agent1")
    html = body(client.get(f"/agent/inquiries/{item.id}"))
    assert "責任者の確認待ち" in html


def test_supervisor_overview_and_csv_export_are_for_supervisors(client, login, staff, incident, template):
    make_inquiry(message="=HYPERLINK(\"http://evil\")", name="+cmd|' /C calc'!A0")
    make_inquiry(message="@SUM(1)", name="-2+3")
    login("agent1")
    assert client.get("/supervisor/").status_code == 403
    assert client.get("/supervisor/inquiries.csv").status_code == 403
    client.post("/logout")
    login("sup1")
    overview = body(client.get("/supervisor/"))
    assert "未回答の問い合わせ（2件" in overview and "回答テンプレートの利用" in overview
    response = client.get("/supervisor/inquiries.csv")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=HYPERLINK(\"http://evil\")" in cells and "'+cmd|' /C calc'!A0" in cells
    assert "'@SUM(1)" in cells and "'-2+3" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert db.session.scalar(select(func.count(AuditEvent.id)).filter_by(action="export")) == 1
    assert client.get("/supervisor/audit").status_code == 403


def test_audit_log_is_for_admins_and_lists_views(client, login, staff, incident):
    item = make_inquiry()
    inquiries.open_for(item.id, staff["agent"])
    db.session.commit()
    login("admin1")
    html = body(client.get("/supervisor/audit?action=view"))
    assert "AGENT1" in html and f"問い合わせ：受付番号 {item.receipt}" in html and 'data-label="操作">閲覧' in html
    assert client.get("/supervisor/audit?before=abc").status_code == 400
    client.post("/logout")
    client.post("/login", data={"username": "nobody-here", "password": "wrong wrong wrong"})
    login("admin1")
    failed = body(client.get("/supervisor/audit?action=login_failed"))
    assert "ログイン失敗" in failed and "アカウント" in failed
    assert "（ログイン前）" in failed and "（システム）" not in failed
    assert '<option value="login_failed" selected>ログイン失敗</option>' in failed  # the filter in words
    created = body(client.get("/supervisor/audit?action=create&target=inquiry"))
    assert 'data-label="詳細">受付経路：フォーム、至急ではない<' in created and "urgent=" not in created


def test_audit_details_read_as_words():
    from hotline.agent.audit_words import detail_label

    assert detail_label("answer", "channel=email template=2:1 edited=True") == (
        "回答方法：メール、テンプレート2（第1版）、文面を編集して送信")
    assert detail_label("login_throttled", "wait=3s") == "3秒の待機"
    assert detail_label("login_failed", "wrong code") == "確認コードの誤り"
    assert detail_label("decide_reporting", "sensitive=0 financial=1 wrongful=1 over_thousand=0") == (
        "要配慮個人情報：該当しない、財産的被害のおそれ：該当、不正の目的：該当、本人が1,000人超：該当しない")
    assert detail_label("publish", "version=ab12 judgement=ログで 確認済み") == "版の指紋 ab12、承認者の判断：ログで 確認済み"
    assert detail_label("publish_faq", "faq:card-replace v2") == "FAQ「card-replace」、第2版"
    assert detail_label("call", "no_answer attempt=2") == "出なかった・話し中、2回目の架電"
    assert detail_label("import", "会員一覧: 3行（新規3・更新0）") == "会員一覧: 3行（新規3・更新0）"  # words stay words
    assert detail_label("file", "preliminary 2026-11-05") == "速報 2026-11-05"
    assert detail_label("answer", "") == ""


def test_a_proposal_needs_a_title_and_a_question(client, login, staff, incident):
    item = make_inquiry("ギフト券の期限は？", category=InquiryCategory.OTHER)
    login("agent1")
    client.post(f"/agent/inquiries/{item.id}/claim")
    html = body(client.post(f"/agent/inquiries/{item.id}/answer", data={
        "text": "延長いたします。", "channel": "email", "propose": "y", "proposal_title": "ギフト券"}))
    assert "お客様が尋ねそうな質問を入力してください" in html and "延長いたします。" in html
    assert fresh(item.id).status is InquiryStatus.ASSIGNED
    assert db.session.scalar(select(func.count(AnswerTemplate.id))) == 0
    page = body(client.get(f"/agent/inquiries/{item.id}?template="))
    assert "テンプレートを使わずに書く" in page and "新しい質問の提案" in page


def test_the_whole_mail_is_previewed_and_the_next_inquiry_offered(client, login, staff, incident):
    item, waiting = make_inquiry("いつ分かりますか。"), make_inquiry("カードが心配です。")
    login("agent1")
    client.post(f"/agent/inquiries/{item.id}/claim")
    preview = body(client.post(f"/agent/inquiries/{item.id}/answer",
                               data={"text": "調査中でございます。", "channel": "email", "preview": "1"}))
    assert "メールで送る場合の全文" in preview and "山田 太郎 様" in preview
    assert f"お問い合わせ（受付番号：{item.receipt}）について回答いたします" in preview and "送信専用です" in preview
    assert fresh(item.id).status is InquiryStatus.ASSIGNED  # a preview records nothing
    assert_valid_html(preview)
    done = client.post(f"/agent/inquiries/{item.id}/answer", data={"text": "調査中でございます。", "channel": "email"})
    assert f"next={waiting.id}" in done.headers["Location"]
    page = body(client.get(done.headers["Location"]))
    assert "次の未対応の問い合わせへ" in page and f"/agent/inquiries/{waiting.id}" in page


def test_the_queue_polls_counts_without_personal_data(client, login, staff, incident):
    make_inquiry("カードを不正利用されました", category=InquiryCategory.CARD_FRAUD)
    assert client.get("/agent/queue/counts").status_code == 302
    login("agent1")
    assert client.get("/agent/queue/counts").get_json() == {"new": 1, "urgent": 1}
    page = body(client.get("/agent/"))
    assert "queue-watch.js" in page and 'data-urgent="1"' in page
    assert "【至急1】（未対応1）受付一覧" in page


def test_a_template_is_filled_for_the_inquiry_without_reloading(client, login, staff, incident, template):
    item = make_inquiry()
    login("agent1")
    data = client.get(f"/agent/inquiries/{item.id}/template?id={template.id}").get_json()
    assert data["id"] == str(template.id) and "使用中のテンプレート" in data["note"]
    assert "少なくとも100件" in data["text"] and "0120-111-222" in data["text"] and "{" not in data["text"]
    assert client.get(f"/agent/inquiries/{item.id}/template?id=abc").get_json()["text"] == ""
    assert client.get("/agent/inquiries/99999/template?id=1").status_code == 404
    page = body(client.get(f"/agent/inquiries/{item.id}"))
    assert "template-switch.js" in page and 'id="template-pick"' in page


def test_an_answer_with_an_unfilled_input_slot_is_refused_and_the_text_kept(client, login, staff, incident):
    template = answers.approve(answers.propose(staff["agent"], "折り返しの日時", "折り返してほしい",
                                               "{入力:折り返し日時}にお電話いたします。", InquiryCategory.OTHER, "",
                                               incident), staff["sup1"])
    db.session.commit()
    item = make_inquiry("折り返してほしいです")
    login("agent1")
    client.post(f"/agent/inquiries/{item.id}/claim")
    page = client.get(f"/agent/inquiries/{item.id}", query_string={"template": template.id}).get_data(as_text=True)
    assert "【入力してください：折り返し日時】にお電話いたします。" in page
    refused = client.post(f"/agent/inquiries/{item.id}/answer", data={
        "text": "【入力してください：折り返し日時】にお電話いたします。", "channel": "email",
        "template_id": str(template.id)})
    text = refused.get_data(as_text=True)
    assert "入力が必要な箇所が残っています：「折り返し日時」" in text and "入力した回答文は残っています" in text
    assert fresh(item.id).status is not InquiryStatus.ANSWERED
    client.post(f"/agent/inquiries/{item.id}/answer", data={
        "text": "12月3日（木）10時にお電話いたします。", "channel": "email", "template_id": str(template.id)})
    assert fresh(item.id).status is InquiryStatus.ANSWERED
    with pytest.raises(answers.AnswerError, match="FAQとしては公開できません"):
        answers.publish_as_faq(db.session.get(AnswerTemplate, template.id), staff["sup1"])


def test_the_csv_export_is_written_a_batch_at_a_time_with_each_agents_name(client, login, staff, incident):
    from hotline.inquiries import export as inquiry_export

    items = [make_inquiry(f"問い合わせ {n}") for n in range(5)]
    inquiries.claim(items[1].id, staff["agent"])
    db.session.commit()
    chunks = list(inquiry_export.csv_chunks(rows_per_chunk=2))
    assert len(chunks) == 3 and chunks[0].startswith("\ufeff受付番号")
    rows = list(csv.reader(io.StringIO("".join(chunks).lstrip("\ufeff"))))
    assert [row[0] for row in rows[1:]] == [item.receipt for item in items]
    assert rows[2][12] == "AGENT1" and rows[1][12] == ""
    login("sup1")
    response = client.get("/supervisor/inquiries.csv")
    assert response.get_data(as_text=True) == "".join(chunks)
    assert db.session.scalar(select(AuditEvent.detail).filter_by(action="export")) == "rows=5"
    assert inquiry_export.export_csv(staff["sup1"], rows_per_chunk=2) == "".join(chunks)  # the pieces, joined as they are
