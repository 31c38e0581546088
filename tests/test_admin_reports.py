"""Admin report pages: drafting, review by a second person, publication, immutability."""

import re

from sqlalchemy import select

from hotline import notices
from hotline.extensions import db
from hotline.models import Certainty, DataCategory, IncidentStatus, LeakStatus, Report, ReportState

from .factories import make_draft, make_incident, publish

GROUP_FIELDS = ("name", "affected", "unit", "count_min", "count_max", "count_approx", "count_certainty", "cleared",
                "final_scope", "note", "reason")


def as_form(data: dict) -> dict:
    """Form field names: a group's fields (count_min, cat_name …) belong to the first group, groups-0-…."""
    return {f"groups-0-{key}" if key in GROUP_FIELDS or key.startswith(("cat_", "note_", "free-")) else key: value
            for key, value in data.items()}


VALID = as_form({
    "situation": "不正アクセスにより、お客様情報が漏えいしました。",
    "apology": "深くお詫び申し上げます。",
    "period_certainty": "provisional",
    "name": "お客様", "affected": "yes", "unit": "件",
    "count_min": "100", "count_max": "500", "count_certainty": "provisional",
    "damage_certainty": "provisional", "cause_certainty": "provisional",
    "contact_phone": "0120-111-222", "contact_hours": "9:00〜18:00", "contact_form_url": "/inquiry",
    "cat_name": "confirmed",
})


def fresh(report_id: int) -> Report:
    """The report as stored now."""
    db.session.rollback()
    return db.session.scalar(select(Report).where(Report.id == report_id))


def text(response) -> str:
    """Response body."""
    return response.get_data(as_text=True)


def follow(client, response):
    """The page a redirect leads to."""
    assert response.status_code == 302, response.status_code
    return client.get(response.headers["Location"])


def test_new_report_button_creates_a_draft_and_opens_its_edit_page(client, login, staff):
    incident = make_incident()
    db.session.commit()
    login("sup1")
    response = client.post(f"/admin/incidents/{incident.id}/reports/new")
    report = db.session.scalars(select(Report)).one()
    assert response.headers["Location"].endswith(f"/admin/reports/{report.id}/edit")
    assert report.state is ReportState.DRAFT and report.author_id == staff["sup1"].id
    assert "第一報を編集" in text(client.get(response.headers["Location"]))


def test_new_report_for_closed_incident_is_refused_with_message(client, login, staff):
    incident = make_incident(status=IncidentStatus.CLOSED)
    db.session.commit()
    login("sup1")
    response = follow(client, client.post(f"/admin/incidents/{incident.id}/reports/new"))
    assert "収束した事案には新しい報を作成できません" in text(response)
    assert db.session.scalars(select(Report)).all() == []


def test_saving_the_edit_form_stores_fields_and_categories(client, login, staff):
    report = make_draft(make_incident(), staff["sup1"])
    db.session.commit()
    login("sup1")
    data = {**VALID, **as_form({"cat_card_number": "possible", "note_card_number": "調査中です", "period_start": "2026-09-01"})}
    response = client.post(f"/admin/reports/{report.id}/edit", data=data)
    assert response.status_code == 302
    stored = fresh(report.id)
    assert stored.groups[0].count_max == 500 and str(stored.period_start) == "2026-09-01"
    assert stored.groups[0].item_status("クレジットカード番号") is LeakStatus.POSSIBLE
    assert [i.note for i in stored.groups[0].items if i.category is DataCategory.CARD_NUMBER] == ["調査中です"]


def test_report_page_shows_provisional_figures_with_their_caveat(client, login, staff):
    report = make_draft(make_incident(), staff["sup1"], count_min=1200, count_max=4800)
    db.session.commit()
    login("agent1")
    html = text(client.get(f"/admin/reports/{report.id}"))
    assert "少なくとも1,200件" in html and "最大で4,800件に及ぶ可能性" in html
    assert "下書き" in html


def test_submit_is_refused_while_findings_block_and_the_message_is_shown(client, login, staff):
    report = make_draft(make_incident(contact_phone="", contact_form_url=""), staff["sup1"])
    db.session.commit()
    login("sup1")
    response = client.post(f"/admin/reports/{report.id}/submit")
    assert response.status_code == 409
    assert "整合性チェックで公開できない問題が見つかりました" in text(response)
    assert "問い合わせ窓口" in text(response) and "公開できない問題" in text(response)
    assert fresh(report.id).state is ReportState.DRAFT


def test_correction_statement_lifts_the_correctable_block(client, login, staff):
    incident = make_incident()
    publish(make_draft(incident, staff["sup1"], count_min=300, count_max=300, count_certainty=Certainty.CONFIRMED),
            staff["sup1"], staff["sup2"])
    second = make_draft(incident, staff["sup1"])
    db.session.commit()
    login("sup1")
    changed = {**VALID, **as_form({"count_min": "400", "count_max": "400", "count_certainty": "confirmed"})}
    client.post(f"/admin/reports/{second.id}/edit", data=changed)
    refused = client.post(f"/admin/reports/{second.id}/submit")
    assert refused.status_code == 409 and "訂正文" in text(refused)
    client.post(f"/admin/reports/{second.id}/edit", data={**changed, "correction": "第一報でお知らせした件数（300件）を400件に訂正いたします。集計に漏れがございました。"})
    accepted = client.post(f"/admin/reports/{second.id}/submit")
    assert accepted.status_code == 302
    assert fresh(second.id).state is ReportState.AWAITING_APPROVAL
    html = text(client.get(f"/admin/reports/{second.id}"))
    assert "訂正として公表" in html and "訂正とお詫び" in html


def submitted_by_sup1(client, login, staff) -> int:
    """A draft by sup1, submitted for approval through the page; sup1 stays logged in."""
    report = make_draft(make_incident(), staff["sup1"])
    db.session.commit()
    login("sup1")
    assert client.post(f"/admin/reports/{report.id}/submit").status_code == 302
    return report.id


def test_author_cannot_approve_own_draft_and_nothing_changes(client, login, staff):
    report_id = submitted_by_sup1(client, login, staff)
    page = text(client.get(f"/admin/reports/{report_id}"))
    assert "承認して公開する" not in page and "あなたは承認できません" in page
    response = client.post(f"/admin/reports/{report_id}/approve")
    assert response.status_code == 409 and "作成者本人は自分の報を承認できません" in text(response)
    stored = fresh(report_id)
    assert (stored.state, stored.number, stored.approver_id) == (ReportState.AWAITING_APPROVAL, None, None)


def test_second_supervisor_approves_and_publishes(app, client, login, staff):
    report_id = submitted_by_sup1(client, login, staff)
    other = app.test_client()
    other.post("/login", data={"username": "sup2", "password": "correct horse battery staple"})
    assert "あなたの承認待ち" in text(other.get("/admin/"))
    page = other.get(f"/admin/reports/{report_id}")
    assert "承認して公開する" in text(page)
    version = re.search(r'name="version" value="([0-9a-f]{64})"', page.get_data(as_text=True)).group(1)
    assert other.post(f"/admin/reports/{report_id}/approve").status_code == 409  # no version seen: refused
    response = follow(other, other.post(f"/admin/reports/{report_id}/approve", data={"version": version}))
    assert "承認し、公開しました" in text(response)
    stored = fresh(report_id)
    assert stored.state is ReportState.PUBLISHED and stored.number == 1 and stored.approver_id == staff["sup2"].id


def test_approval_queue_lists_only_reports_by_others(client, login, staff):
    submitted_by_sup1(client, login, staff)
    assert "あなたの承認待ち" not in text(client.get("/admin/"))


def test_published_report_cannot_be_edited_through_the_routes(client, login, staff):
    report = publish(make_draft(make_incident(), staff["sup1"]), staff["sup1"], staff["sup2"])
    login("sup1")
    page = text(client.get(f"/admin/reports/{report.id}"))
    assert "公開済み" in page and "編集する" not in page and "削除する" not in page
    edit_page = client.get(f"/admin/reports/{report.id}/edit")
    assert edit_page.status_code == 409 and "公開済みの報は変更できません" in text(edit_page)
    for action, data in (("edit", {**VALID, "situation": "書き換え"}), ("delete", {}), ("submit", {})):
        response = client.post(f"/admin/reports/{report.id}/{action}", data=data)
        assert response.status_code == 409, action
    stored = fresh(report.id)
    assert stored.state is ReportState.PUBLISHED and stored.situation != "書き換え"


def test_return_to_draft_needs_a_reason_and_shows_it_to_the_author(app, client, login, staff):
    report_id = submitted_by_sup1(client, login, staff)
    other = app.test_client()
    other.post("/login", data={"username": "sup2", "password": "correct horse battery staple"})
    empty = other.post(f"/admin/reports/{report_id}/return", data={"reason": "  "})
    assert empty.status_code == 422 and "差し戻しの理由を入力してください" in text(empty)
    assert fresh(report_id).state is ReportState.AWAITING_APPROVAL
    other.post(f"/admin/reports/{report_id}/return", data={"reason": "件数の根拠を追記してください。"})
    assert fresh(report_id).state is ReportState.DRAFT
    page = text(client.get(f"/admin/reports/{report_id}"))
    assert "差し戻されました" in page and "件数の根拠を追記してください。" in page


def test_editing_a_report_awaiting_approval_returns_it_to_draft(client, login, staff):
    report_id = submitted_by_sup1(client, login, staff)
    assert "保存すると下書きに戻り" in text(client.get(f"/admin/reports/{report_id}/edit"))
    client.post(f"/admin/reports/{report_id}/edit", data=VALID)
    assert fresh(report_id).state is ReportState.DRAFT


def test_deleting_a_draft_removes_it(client, login, staff):
    report_id = make_draft(make_incident(), staff["sup1"]).id
    db.session.commit()
    login("sup2")
    response = follow(client, client.post(f"/admin/reports/{report_id}/delete"))
    assert "下書きを削除しました" in text(response)
    assert fresh(report_id) is None


def test_dashboard_lists_reports_with_state_author_and_approver(client, login, staff):
    incident = make_incident()
    publish(make_draft(incident, staff["sup1"]), staff["sup1"], staff["sup2"])
    make_draft(incident, staff["sup2"])
    db.session.commit()
    login("agent1")
    html = text(client.get("/admin/"))
    assert "第一報" in html and "公開済み" in html and "第二報" in html and "下書き" in html
    assert "SUP1" in html and "SUP2" in html


def _article_blocks(html: str) -> list[str]:
    """The text of every block of a report's article, headings' levels ignored."""
    blocks = re.findall(r'<(?:section|p|footer) class="(?:summary-box|correction|corrected-note|provisional-note|changes|notice-item[^"]*|signatory)"'
                        r'.*?</(?:section|p|footer)>', html, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", b).split()) for b in blocks]


def test_the_approver_sees_exactly_what_readers_will_see(client, login, staff):
    incident = make_incident()
    publish(make_draft(incident, staff["sup1"], count_min=100, count_max=500), staff["sup1"], staff["sup2"])
    second = make_draft(incident, staff["sup1"], count_min=120, count_max=400, customer_actions="明細をご確認ください。",
                        categories={DataCategory.NAME: (LeakStatus.CONFIRMED, ""),
                                    DataCategory.EMAIL: (LeakStatus.POSSIBLE, "")})
    notices.submit_for_approval(second, staff["sup1"])
    db.session.commit()
    login("sup2")
    preview = text(client.get(f"/admin/reports/{second.id}"))
    assert "前回のお知らせ（第一報）からの変更点" in preview
    seen = _article_blocks(preview)
    version = re.search(r'name="version" value="([0-9a-f]{64})"', preview).group(1)
    assert client.post(f"/admin/reports/{second.id}/approve", data={"version": version}).status_code == 302
    public = text(client.get(f"/notices/{incident.slug}/2"))
    assert seen and seen == _article_blocks(public)


def test_the_approver_writes_a_judgement_where_the_check_asks_for_one(client, login, staff):
    report = make_draft(make_incident(), staff["sup1"], situation="決済画面が改ざんされ、カード情報が送信されていた可能性がございます。",
                        categories={DataCategory.CARD_NUMBER: (LeakStatus.NOT_LEAKED, "")})
    notices.submit_for_approval(report, staff["sup1"])
    db.session.commit()
    login("sup2")
    page = text(client.get(f"/admin/reports/{report.id}"))
    assert "承認者の判断が必要" in page and 'name="judgement"' in page
    version = re.search(r'name="version" value="([0-9a-f]{64})"', page).group(1)
    refused = client.post(f"/admin/reports/{report.id}/approve", data={"version": version})
    assert refused.status_code == 409 and "判断の理由" in text(refused)
    assert fresh(report.id).state is ReportState.AWAITING_APPROVAL
    accepted = client.post(f"/admin/reports/{report.id}/approve",
                           data={"version": version, "judgement": "決済代行会社の画面で入力され、当社を経由しないことを確認。"})
    assert accepted.status_code == 302 and fresh(report.id).approver_judgement.startswith("決済代行会社")
