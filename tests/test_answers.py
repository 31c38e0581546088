"""Answer templates: proposals, approval and versions, roles, review flags, FAQ publishing,
suggestions, the supervisor pages and the file import."""

import re

import pytest
from sqlalchemy import func, select

from hotline import answers, demo, inquiries
from hotline.answers import search as answer_search
from hotline.config import PROJECT_ROOT
from hotline.extensions import db
from hotline.faq import search as faq_search
from hotline.models import (
    AnswerTemplate, AnswerTemplateVersion, AuditEvent, FaqEntry, InquiryCategory, ReplyBy, TemplateStatus,
)

from .factories import approved_faq, make_draft, make_incident, publish

COUNT_BODY = "現在の件数です。{件数}"
PHONE_BODY = "お電話は{窓口電話}までお願いいたします。"
FORM = {"title": "ポイントの扱い", "category": "compensation", "incident_id": "",
        "questions": "ポイントはどうなりますか\nポイント消えるの", "keywords": "ポイント",
        "body": "ポイントの有効期限を延長いたします。{お問い合わせ窓口}", "key": ""}


def text(response) -> str:
    """Response body."""
    return response.get_data(as_text=True)


def fresh(template_id: int) -> AnswerTemplate:
    """The template as stored now."""
    db.session.rollback()
    return db.session.get(AnswerTemplate, template_id)


@pytest.fixture
def incident(staff):
    """An incident with a published first report (count 100 to 500, provisional)."""
    item = make_incident()
    publish(make_draft(item, staff["sup1"]), staff["sup1"], staff["sup2"])
    return item


def proposal(author, body=COUNT_BODY, title="件数について", incident=None, questions="何件漏れたの"):
    """A proposed template."""
    return answers.propose(author, title, questions, body, InquiryCategory.LEAKED_DATA, "件数", incident)


def approved(staff, **kwargs) -> AnswerTemplate:
    """A proposal approved by a supervisor, committed."""
    template = answers.approve(proposal(staff["agent"], **kwargs), staff["sup1"])
    db.session.commit()
    return template


# ---------------------------------------------------------------- domain


def test_proposal_approval_and_versions(staff, incident):
    template = proposal(staff["agent"], incident=incident)
    assert template.status is TemplateStatus.PROPOSAL and template.version == 1
    assert template.created_by_id == staff["agent"].id and template.key.startswith("q-")
    answers.save_template(template, {"body": COUNT_BODY + "ご不便をおかけします。"}, staff["sup1"])
    answers.approve(template, staff["sup2"])
    db.session.commit()
    template = fresh(template.id)
    assert template.status is TemplateStatus.APPROVED and template.version == 2
    assert template.approved_by_id == staff["sup2"].id and template.approved_at is not None
    history = [(v.version, v.body, v.edited_by_id, v.approved_by_id) for v in template.versions]
    assert history == [(1, COUNT_BODY, staff["agent"].id, None),
                       (2, COUNT_BODY + "ご不便をおかけします。", staff["sup1"].id, staff["sup2"].id)]
    answers.save_template(template, {"title": "漏えい件数"}, staff["sup1"])
    db.session.commit()
    template = fresh(template.id)
    assert template.status is TemplateStatus.APPROVED and template.version == 2 and template.title == "件数について"
    assert template.pending_version.version == 3 and template.pending_version.title == "漏えい件数"
    with pytest.raises(answers.AnswerError, match="書いた（編集した）方は承認できません"):
        answers.approve(template, staff["sup1"])
    answers.approve(template, staff["sup2"], version=3)
    db.session.commit()
    template = fresh(template.id)
    assert template.version == 3 and template.title == "漏えい件数" and template.pending_version is None
    assert template.versions[-1].approved_by_id == staff["sup2"].id and template.versions[0].title == "件数について"
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.target_type == "answer_template", AuditEvent.target_id == str(template.id))
        .order_by(AuditEvent.id)).all()
    assert actions == ["propose", "update", "approve", "update", "approve"]


def test_nobody_approves_a_text_they_wrote_and_agents_keep_the_approved_text_meanwhile(staff, incident):
    own = proposal(staff["sup1"])
    with pytest.raises(answers.AnswerError, match="別の責任者"):
        answers.approve(own, staff["sup1"])          # one supervisor cannot create and approve alone
    template = approved(staff, incident=incident)
    answers.save_template(template, {"body": "改ざんした回答文です。"}, staff["sup2"])
    answers.save_template(template, {"body": "改ざんした回答文です。{窓口電話}"}, staff["sup1"])
    db.session.commit()
    assert "改ざん" not in answers.fill(fresh(template.id))   # agents still get the approved text
    for writer in ("sup1", "sup2"):                 # both wrote the waiting text
        with pytest.raises(answers.AnswerError, match="承認できません"):
            answers.approve(fresh(template.id), staff[writer])
    admin = staff["admin"]
    with pytest.raises(answers.AnswerError, match="表示した後に内容が変わりました"):
        answers.approve(fresh(template.id), admin, version=2)   # the first edit was shown, a second one came
    answers.approve(fresh(template.id), admin, version=3)
    db.session.commit()
    assert fresh(template.id).body == "改ざんした回答文です。{窓口電話}"


def test_a_waiting_edit_is_not_published_as_faq_and_the_edit_form_goes_on_from_it(staff, incident, client, login):
    template = approved(staff, incident=incident, title="ポイント", questions="ポイントはどうなる")
    answers.save_template(template, {"body": "未承認の文面です。"}, staff["sup1"])
    entry = answers.publish_as_faq(template, staff["sup2"])
    db.session.commit()
    assert "未承認" not in entry.answer
    login("sup2")
    page = client.get(f"/admin/answers/{template.id}").get_data(as_text=True)
    assert "承認待ちの変更（第2版" in page and "<ins>未承認の文面です。</ins>" in page
    assert 'name="version" value="2"' in page
    assert "未承認の文面です。" in client.get(f"/admin/answers/{template.id}/edit").get_data(as_text=True)


def test_saving_unchanged_values_adds_no_version(staff):
    template = approved(staff)
    answers.save_template(template, {"title": template.title, "body": template.body}, staff["sup1"])
    assert template.version == 1 and len(template.versions) == 1


def test_agent_cannot_approve_publish_retire_or_edit_shared_templates(staff, incident):
    template = proposal(staff["agent"])
    for action in (answers.approve, answers.retire, answers.publish_as_faq):
        with pytest.raises(answers.AnswerError, match="責任者以上"):
            action(template, staff["agent"])
    answers.save_template(template, {"title": "自分の提案は直せる"}, staff["agent"])
    answers.approve(template, staff["sup1"])
    with pytest.raises(answers.AnswerError, match="責任者以上"):
        answers.save_template(template, {"title": "書き換え"}, staff["agent"])
    other = proposal(staff["sup1"])
    with pytest.raises(answers.AnswerError):
        answers.save_template(other, {"title": "他人の提案"}, staff["agent"])


@pytest.mark.parametrize("body, message", [
    ("{人数}です", "使えない差し込み項目"),
    ("{件数", "閉じられていません"),
    ("{件数{期間}}", "入れ子"),
    ("件数}", "対応する"),
    ("{}", "空の"),
])
def test_bad_placeholders_are_refused_and_keep_the_stored_version(staff, body, message):
    template = approved(staff)
    with pytest.raises(answers.AnswerError, match=message) as caught:
        answers.save_template(template, {"body": body}, staff["sup1"])
    assert caught.value.field == "body" and "body" in caught.value.errors
    template = fresh(template.id)
    assert template.body == COUNT_BODY and template.version == 1
    with pytest.raises(answers.AnswerError, match=message):
        proposal(staff["agent"], body=body)


def test_new_report_with_changed_count_flags_count_template_only(staff, incident):
    count = approved(staff, incident=incident)
    phone = approved(staff, body=PHONE_BODY, title="電話番号", incident=incident)
    second = make_draft(incident, staff["sup1"], count_min=200, count_max=500)
    publish(second, staff["sup1"], staff["sup2"])
    count, phone = fresh(count.id), fresh(phone.id)
    assert count.status is TemplateStatus.NEEDS_REVIEW and phone.status is TemplateStatus.APPROVED
    assert "第二報" in count.review_reason and "対象となる方の数" in count.review_reason
    suggestions = answers.suggest("何件漏れたの")
    assert [s.template.id for s in suggestions][:1] == [count.id]
    assert "確認待ち" in suggestions[0].warning and "対象となる方の数" in suggestions[0].warning
    answers.approve(count, staff["sup2"])
    db.session.commit()
    count = fresh(count.id)
    assert count.status is TemplateStatus.APPROVED and count.review_reason == ""
    assert answers.suggest("何件漏れたの")[0].warning == ""


def test_flags_only_templates_of_the_same_incident_or_shared_ones(staff, incident):
    other = make_incident(slug="other-incident")
    db.session.commit()
    mine, theirs, shared = (approved(staff, incident=incident), approved(staff, incident=other),
                            approved(staff, title="共通"))
    publish(make_draft(incident, staff["sup1"], count_min=300), staff["sup1"], staff["sup2"])
    assert [fresh(t.id).status for t in (mine, theirs, shared)] == [
        TemplateStatus.NEEDS_REVIEW, TemplateStatus.APPROVED, TemplateStatus.NEEDS_REVIEW]


def test_fill_uses_the_latest_report_with_caveats(staff, incident):
    template = approved(staff, incident=incident)
    filled = answers.fill(template)
    assert "少なくとも100件" in filled and "最大で500件に及ぶ可能性" in filled and "{" not in filled


def test_publish_as_faq_renders_facts_and_is_found_by_public_search(client, staff, incident):
    template = approved(staff, body="ポイントの有効期限を延長いたします。{件数}", title="ポイントの有効期限",
                        questions="ポイントの有効期限はどうなりますか\nポイント失効しちゃう", incident=incident)
    entry = answers.publish_as_faq(template, staff["sup1"])
    db.session.commit()
    assert entry.key == f"qa-{template.key}" and "少なくとも100件" in entry.answer and "{件数}" not in entry.answer
    page = text(client.get("/faq/search", query_string={"q": "ポイント 失効"}))
    assert "<mark>ポイント</mark>の有効期限はどうなりますか" in page and f"/faq/{entry.key}" in page
    template = fresh(template.id)
    answers.save_template(template, {"body": "期限を半年延長いたします。"}, staff["sup1"])
    answers.approve(template, staff["sup2"])
    answers.publish_as_faq(template, staff["sup1"])
    db.session.commit()
    assert db.session.scalar(select(func.count(FaqEntry.id))) == 1
    assert "半年" in text(client.get(f"/faq/{entry.key}"))


def test_publish_as_faq_is_refused_without_a_published_report(staff):
    make_incident()
    template = approved(staff)
    with pytest.raises(answers.AnswerError, match="公開済みの報がない"):
        answers.publish_as_faq(template, staff["sup1"])
    assert db.session.scalar(select(func.count(FaqEntry.id))) == 0


def test_index_follows_commits_not_rollbacks(staff):
    template = proposal(staff["agent"], title="ポイントの扱い", questions="ポイントはどうなるの")
    db.session.commit()
    answers.approve(template, staff["sup1"])
    db.session.rollback()
    assert answers.suggest("ポイント") == []
    answers.approve(fresh(template.id), staff["sup1"])
    db.session.commit()
    assert [s.template.key for s in answers.suggest("ポイント")] == [template.key]
    answers.retire(fresh(template.id), staff["sup1"])
    db.session.commit()
    assert answers.suggest("ポイント") == []


def test_record_use_counts_and_refuses_proposals(staff):
    template = approved(staff)
    answers.record_use(template, staff["agent"])
    answers.record_use(template, staff["agent"])
    db.session.commit()
    assert fresh(template.id).times_used == 2
    with pytest.raises(answers.AnswerError, match="使えません"):
        answers.record_use(proposal(staff["agent"]), staff["agent"])


@pytest.fixture
def demo_answers(app, runner):
    """The demo incident and the shipped answers/*.md, imported through the CLI."""
    demo.load_demo("development")
    db.session.commit()
    result = runner.invoke(args=["demo", "answers"])
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("query, key", [
    ("クレカ止めたほうがいい？", "card-replace"),
    ("変なメールが来たんだけど", "suspicious-contact"),
    ("もう退会したいです、情報消して", "delete-my-data"),
    ("何人分漏れたんですか", "leak-count"),
    ("お詫びの手紙って本物？", "letter-genuine"),
    ("身に覚えのない請求がきた", "fraudulent-charge"),
    ("次の発表いつ？", "next-report"),
    ("なんで今頃になって知らせるの", "why-late"),
])
def test_suggest_ranks_the_right_template_for_colloquial_questions(demo_answers, query, key):
    assert [s.template.key for s in answers.suggest(query)][:1] == [key]


def test_shipped_templates_import_once_and_fill_with_caveats(demo_answers, runner):
    assert "（12 件）" in demo_answers.output
    again = runner.invoke(args=["answers", "import", str(PROJECT_ROOT / "answers"), "--author", "sato"])
    assert "承認待ち 0 件、変更なし 12 件" in again.output
    templates = db.session.scalars(select(AnswerTemplate)).all()
    assert {t.status for t in templates} == {TemplateStatus.APPROVED}
    assert {t.category for t in templates} == set(InquiryCategory)
    for template in templates:
        assert "{" not in answers.fill(template), template.key
    count = next(t for t in templates if t.key == "leak-count")
    assert "少なくとも31,200名" in answers.fill(count)
    assert "（12 件）" in runner.invoke(args=["answers", "reindex"]).output
    assert len(answer_search.search_templates("カード", limit=20)) > 0


def test_import_keeps_templates_edited_in_the_back_office(demo_answers, runner, staff, tmp_path):
    template = db.session.scalar(select(AnswerTemplate).filter_by(key="leak-count"))
    answers.save_template(template, {"title": "件数（責任者が修正）"}, staff["sup1"])
    db.session.commit()
    folder = tmp_path / "answers"
    folder.mkdir()
    source = (PROJECT_ROOT / "answers" / "leak-count.md").read_text(encoding="utf-8")
    (folder / "leak-count.md").write_text(source.replace("ご案内いたします。", "ご案内します。"), encoding="utf-8")
    result = runner.invoke(args=["answers", "import", str(folder), "--author", "sato"])
    assert "leak-count" in result.output and fresh(template.id).pending_version.title == "件数（責任者が修正）"


def test_import_refuses_a_bad_file_naming_it(app, runner, staff, tmp_path):
    (tmp_path / "bad.md").write_text('+++\nid = "bad"\ntitle = "t"\ncategory = "その他"\n'
                                     'questions = ["q"]\n+++\n{不明な項目}です', encoding="utf-8")
    result = runner.invoke(args=["answers", "import", str(tmp_path), "--author", "sup1"])
    assert result.exit_code != 0 and "bad.md" in result.output and "使えない差し込み項目" in result.output
    assert db.session.scalar(select(func.count(AnswerTemplate.id))) == 0


def test_an_imported_file_is_used_only_after_a_second_supervisor_approves_it(app, runner, staff, tmp_path):
    demo.load_demo("development")
    db.session.commit()
    source = (PROJECT_ROOT / "answers" / "leak-count.md").read_text(encoding="utf-8")
    (tmp_path / "leak-count.md").write_text(source, encoding="utf-8")
    assert runner.invoke(args=["answers", "import", str(tmp_path)]).exit_code != 0  # --author is required
    refused = runner.invoke(args=["answers", "import", str(tmp_path), "--author", "agent1"])
    assert refused.exit_code != 0 and "責任者以上" in refused.output
    result = runner.invoke(args=["answers", "import", str(tmp_path), "--author", "sup1"])
    assert result.exit_code == 0 and "承認待ち 1 件" in result.output and "別の責任者が承認" in result.output
    template = db.session.scalar(select(AnswerTemplate).filter_by(key="leak-count"))
    assert template.status is TemplateStatus.PROPOSAL and answers.suggest("何件漏れたのですか") == []
    with pytest.raises(answers.AnswerError, match="承認できません"):
        answers.approve(template, staff["sup1"])
    answers.approve(template, staff["sup2"])
    db.session.commit()
    approved_body = template.body
    (tmp_path / "leak-count.md").write_text(source.replace("ご案内いたします。", "お知らせいたします。"), encoding="utf-8")
    changed = runner.invoke(args=["answers", "import", str(tmp_path), "--author", "sup1"])
    assert "承認待ち 1 件" in changed.output
    template = fresh(template.id)
    assert template.status is TemplateStatus.APPROVED and template.body == approved_body  # agents keep this text
    assert "お知らせいたします。" in template.pending_version.body
    again = runner.invoke(args=["answers", "import", str(tmp_path), "--author", "sup1"])
    assert "承認待ち 0 件、変更なし 1 件" in again.output
    events = db.session.scalars(select(AuditEvent).filter_by(target_type="answer_template")
                                .order_by(AuditEvent.id)).all()
    assert [(e.action, e.user_id) for e in events] == [
        ("propose", staff["sup1"].id), ("approve", staff["sup2"].id), ("update", staff["sup1"].id)]


def test_an_imported_proposal_edited_by_a_second_supervisor_needs_a_third_to_approve(app, runner, staff, tmp_path):
    demo.load_demo("development")
    db.session.commit()
    source = (PROJECT_ROOT / "answers" / "leak-count.md").read_text(encoding="utf-8")
    (tmp_path / "leak-count.md").write_text(source, encoding="utf-8")
    assert runner.invoke(args=["answers", "import", str(tmp_path), "--author", "sup1"]).exit_code == 0
    template = db.session.scalar(select(AnswerTemplate).filter_by(key="leak-count"))
    answers.save_template(template, {"title": "件数（鈴木が修正）"}, staff["sup2"])
    db.session.commit()
    for writer in (staff["sup1"], staff["sup2"]):
        with pytest.raises(answers.AnswerError, match="承認できません"):
            answers.approve(fresh(template.id), writer)
    answers.approve(fresh(template.id), staff["admin"])
    db.session.commit()
    assert fresh(template.id).status is TemplateStatus.APPROVED


def test_demo_answers_are_refused_in_production(app, runner):
    app.config["HOTLINE_ENV"] = "production"
    result = runner.invoke(args=["demo", "answers"])
    assert result.exit_code != 0 and "本番設定" in result.output
    assert db.session.scalar(select(func.count(AnswerTemplate.id))) == 0


# ---------------------------------------------------------------- pages


def test_agent_may_read_and_propose_but_actions_are_403(client, login, staff, incident):
    template = approved(staff, incident=incident)
    login("agent1")
    assert client.get("/admin/answers/").status_code == 200
    page = text(client.get(f"/admin/answers/{template.id}"))
    assert "少なくとも100件" in page and "承認・廃止・FAQへの公開には責任者の権限が必要です" in page
    for action in ("approve", "retire", "publish-faq"):
        assert client.post(f"/admin/answers/{template.id}/{action}").status_code == 403
    assert client.get(f"/admin/answers/{template.id}/edit").status_code == 403
    response = client.post("/admin/answers/new", data=FORM)
    assert response.status_code == 302
    created = db.session.scalar(select(AnswerTemplate).filter_by(title="ポイントの扱い"))
    assert created.status is TemplateStatus.PROPOSAL and created.created_by_id == staff["agent"].id
    assert fresh(template.id).status is TemplateStatus.APPROVED
    assert db.session.scalar(select(func.count(FaqEntry.id))) == 0


def test_supervisor_approves_publishes_and_retires_through_the_pages(client, login, staff, incident):
    template = proposal(staff["agent"], incident=incident)
    db.session.commit()
    login("sup1")
    listing = text(client.get("/admin/answers/"))
    assert "承認待ちの提案（1件）" in listing
    assert client.post(f"/admin/answers/{template.id}/approve").status_code == 302
    assert fresh(template.id).status is TemplateStatus.APPROVED
    response = client.post(f"/admin/answers/{template.id}/publish-faq")
    assert response.status_code == 302
    assert "少なくとも100件" in text(client.get(f"/faq/qa-{template.key}"))
    again = client.post(f"/admin/answers/{template.id}/approve")
    assert again.status_code == 409 and "既に承認済み" in text(again)
    assert client.post(f"/admin/answers/{template.id}/retire").status_code == 302
    assert fresh(template.id).status is TemplateStatus.RETIRED


def test_list_filters_and_highlights_review(client, login, staff, incident):
    count = approved(staff, incident=incident)
    approved(staff, body=PHONE_BODY, title="電話番号のご案内", incident=incident)
    publish(make_draft(incident, staff["sup1"], count_min=250), staff["sup1"], staff["sup2"])
    login("agent1")
    page = text(client.get("/admin/answers/"))
    assert "確認が必要なテンプレート（1件）" in page and "対象となる方の数" in page
    filtered = text(client.get("/admin/answers/", query_string={"status": "needs_review"}))
    assert count.title in filtered and "電話番号のご案内" not in filtered
    by_category = text(client.get("/admin/answers/", query_string={"category": "card_fraud"}))
    assert "該当するテンプレートはありません" in by_category
    assert client.get("/admin/answers/", query_string={"status": "'; DROP TABLE user; --"}).status_code == 200


def test_bad_template_shows_error_next_to_the_field_and_keeps_old_version(client, login, staff):
    template = approved(staff)
    login("sup1")
    data = {**FORM, "title": template.title, "body": "残したい本文 {件数"}
    response = client.post(f"/admin/answers/{template.id}/edit", data=data)
    page = text(response)
    assert response.status_code == 422
    error = re.search(r'<p class="field-error" id="body-error">([^<]*)</p>', page)
    assert error and "閉じられていません" in error.group(1) and "8文字目" in error.group(1)
    assert "残したい本文 {件数" in page
    template = fresh(template.id)
    assert template.body == COUNT_BODY and template.version == 1
    assert db.session.scalar(select(func.count(AnswerTemplateVersion.id))) == 1


def test_duplicate_key_is_shown_next_to_the_key(client, login, staff):
    template = approved(staff)
    login("sup1")
    response = client.post("/admin/answers/new", data={**FORM, "key": template.key})
    assert response.status_code == 422
    assert re.search(r'id="key-error">[^<]*既に使われています', text(response))


def test_hostile_input_is_stored_and_shown_safely(client, login, staff, incident):
    login("sup1")
    hostile = {**FORM, "title": "<script>alert(1)</script>'; DROP TABLE answer_template; --",
               "questions": "<img src=x onerror=alert(1)>\n普通の質問\x07\x00",
               "body": "<b>太字</b>\x1b[31m 本文\u202e{窓口電話}"}
    response = client.post("/admin/answers/new", data=hostile)
    assert response.status_code == 302
    template = db.session.scalar(select(AnswerTemplate))
    assert template.title.startswith("<script>") and "\x07" not in template.questions
    assert "\x1b" not in template.body and "\u202e" not in template.body
    for url in ("/admin/answers/", f"/admin/answers/{template.id}", f"/admin/answers/{template.id}/edit"):
        page = text(client.get(url))
        assert "<script>alert(1)</script>" not in page and "<img src=x" not in page and "<b>太字</b>" not in page
    page = text(client.get(f"/admin/answers/{template.id}"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "0120-111-222" in page
    assert db.session.scalar(select(func.count(AnswerTemplate.id))) == 1


def test_actions_need_a_csrf_token(app, client, login, staff):
    template = proposal(staff["agent"])
    db.session.commit()
    login("sup1")
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/admin/answers/{template.id}/approve").status_code == 400
    assert client.post("/admin/answers/new", data=FORM).status_code == 400
    assert fresh(template.id).status is TemplateStatus.PROPOSAL
    page = text(client.get(f"/admin/answers/{template.id}"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(f"/admin/answers/{template.id}/approve", data={"csrf_token": token}).status_code == 302
    assert fresh(template.id).status is TemplateStatus.APPROVED


def test_anonymous_visitors_are_sent_to_login(client, staff):
    template = proposal(staff["agent"])
    db.session.commit()
    for url in ("/admin/answers/", f"/admin/answers/{template.id}"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post(f"/admin/answers/{template.id}/approve").status_code == 302
    assert fresh(template.id).status is TemplateStatus.PROPOSAL


def test_first_faq_publish_builds_the_missing_faq_index(staff, incident):
    template = approved(staff, incident=incident, title="ポイント", questions="ポイントはどうなる")
    answers.publish_as_faq(template, staff["sup1"])
    db.session.commit()
    assert f"qa-{template.key}" in faq_search.search.document_ids(faq_search.index_dir())


def test_suggestions_leave_out_stray_matches(demo_answers):
    keys = [s.template.key for s in answers.suggest("補償", limit=3)]
    assert keys == ["compensation"]


def test_faq_made_from_a_template_follows_the_new_report_facts(client, staff, incident):
    template = approved(staff, incident=incident)
    answers.publish_as_faq(template, staff["sup1"])
    db.session.commit()
    entry_key = template.faq_entry.key
    assert "最大で500件" in text(client.get(f"/faq/{entry_key}"))
    publish(make_draft(incident, staff["sup1"], count_min=320, count_max=900,
                       correction="調査の結果、対象となる件数の上限を500件から900件に訂正いたします。"),
            staff["sup1"], staff["sup2"])
    page = text(client.get(f"/faq/{entry_key}"))
    assert "少なくとも320件" in page and "最大で900件" in page and "最大で500件" not in page
    assert fresh(template.id).status is TemplateStatus.NEEDS_REVIEW
    assert "自動で差し替えました" in fresh(template.id).review_reason


def test_a_faq_entry_that_could_not_follow_the_new_facts_is_said_so_in_the_review_reason(
        client, staff, incident, monkeypatch):
    from hotline.answers import review

    template = approved(staff, incident=incident)
    answers.publish_as_faq(template, staff["sup1"])
    db.session.commit()
    entry_key = template.faq_entry.key

    def refuse(*_args, **_kwargs):
        raise answers.AnswerError("この版の承認者の記録がないため、FAQとして公開できません。")

    monkeypatch.setattr(review, "publish_template_text", refuse)
    publish(make_draft(incident, staff["sup1"], count_min=320, count_max=900,
                       correction="調査の結果、対象となる件数の上限を500件から900件に訂正いたします。"),
            staff["sup1"], staff["sup2"])
    reason = fresh(template.id).review_reason
    assert "自動で差し替えられませんでした（この版の承認者の記録がないため" in reason and "自動で差し替えました" not in reason
    assert "最大で500件" in text(client.get(f"/faq/{entry_key}"))  # the old facts, and the reason says so
    assert db.session.scalar(select(AuditEvent).filter_by(action="refresh_faq_failed")) is not None


def test_weak_suggestions_are_shown_apart_as_other_candidates(demo_answers):
    shown, others = answers.suggest_all("補償", limit=3)
    assert [s.template.key for s in shown] == ["compensation"]
    assert others and "compensation" not in {s.template.key for s in others}
    assert len(others) <= 3


def test_the_inquiry_page_lists_other_candidates_under_their_own_heading(demo_answers, client, login, staff):
    item = inquiries.receive(dict(name="山田 太郎", email="taro@example.jp", phone="", reply_by=ReplyBy.EMAIL,
                                  category=InquiryCategory.COMPENSATION, message="補償", notice_number=""))
    db.session.commit()
    login("agent1")
    page = client.get(f"/agent/inquiries/{item.id}").get_data(as_text=True)
    head, _, tail = page.partition("その他の候補")
    assert tail, "no other candidates shown"
    assert head.count('class="suggested"') == 1 and 'class="suggested others"' in tail


def test_an_earlier_version_comes_back_as_an_edit_waiting_for_approval(staff, incident, client, login):
    template = approved(staff, incident=incident)
    answers.save_template(template, {"body": "第2版の回答文です。"}, staff["sup1"])
    answers.approve(template, staff["sup2"])
    db.session.commit()
    login("sup1")
    response = client.post(f"/admin/answers/{template.id}/revert/1")
    assert response.status_code == 302
    template = fresh(template.id)
    assert template.body == "第2版の回答文です。" and template.pending_version.body == COUNT_BODY
    with pytest.raises(answers.AnswerError, match="承認できません"):
        answers.approve(template, staff["sup1"])
    answers.approve(template, staff["sup2"])
    assert template.body == COUNT_BODY and template.version == 3
    with pytest.raises(answers.AnswerError, match="同じです"):
        answers.revert(template, 1, staff["sup1"])


def test_an_expired_template_is_no_longer_offered_used_or_published(staff, incident):
    from datetime import timedelta

    from hotline.models._types import today_in_japan

    template = approved(staff, incident=incident, title="年末の受付時間", questions="年末は電話できますか")
    with pytest.raises(answers.AnswerError, match="今日以降"):
        answers.save_template(template, {"expires_on": today_in_japan() - timedelta(days=1)}, staff["sup1"])
    answers.save_template(template, {"expires_on": today_in_japan()}, staff["sup1"])
    db.session.commit()
    assert [s.template.key for s in answers.suggest("年末 電話")] == [template.key]   # the last day still counts
    entry = answers.publish_as_faq(template, staff["sup1"])
    db.session.commit()
    assert entry.expires_on == today_in_japan()
    template.expires_on = today_in_japan() - timedelta(days=1)  # as on the next day
    approved_faq(entry, expires_on=template.expires_on.isoformat())
    db.session.commit()
    assert answers.suggest("年末 電話") == [] and template.expired
    with pytest.raises(answers.AnswerError, match="掲載期限"):
        answers.record_use(template)
    with pytest.raises(answers.AnswerError, match="掲載期限"):
        answers.publish_as_faq(template, staff["sup1"])
    assert entry.key not in {h.entry.key for h in faq_search.search_faq("年末 電話")}
