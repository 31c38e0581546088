"""Shared text blocks ({文面:名前}): written once, approved by a second supervisor, shown in
every template and FAQ entry using them, with a where-used list; a change flags templates."""

import pytest
from sqlalchemy import select

from hotline import answers, faq
from hotline.extensions import db
from hotline.faq import blocks
from hotline.faq import search as faq_search
from hotline.models import AuditEvent, InquiryCategory, TemplateStatus, TextBlock

from .factories import make_draft, make_incident, publish
from .pages import body

WARNING = "当社からカード番号をお伺いすることはございません。"


@pytest.fixture
def block(staff):
    item = blocks.request_edit(None, "カード番号の注意", WARNING, staff["sup1"])
    blocks.approve_edit(item, staff["sup2"])
    db.session.commit()
    return item


def test_a_block_is_usable_only_once_a_second_supervisor_approves_it(staff):
    item = blocks.request_edit(None, "受付時間", "9:00〜20:00（土日祝日も受け付けております）", staff["sup1"])
    assert item.version == 0 and blocks.unknown_in("{文面:受付時間}") == ["受付時間"]
    with pytest.raises(blocks.BlockError, match="書いた方は承認できません"):
        blocks.approve_edit(item, staff["sup1"])
    with pytest.raises(blocks.BlockError, match="表示した後"):
        blocks.approve_edit(item, staff["sup2"], shown="0" * 64)
    blocks.approve_edit(item, staff["sup2"], blocks.pending_hash(item))
    assert blocks.unknown_in("{文面:受付時間}") == [] and item.version == 1
    assert blocks.expand("受付：｛文面：受付時間｝") == "受付：9:00〜20:00（土日祝日も受け付けております）"


@pytest.mark.parametrize("name, text, message", [
    ("", WARNING, "名前は40文字以内"), ("名前{x}", WARNING, "名前は40文字以内"),
    ("注意", "", "文面を入力"), ("注意", "{件数}です", "｛｝を含めず"), ("注意", "あ" * 2001, "2,000文字以内"),
])
def test_bad_names_and_texts_are_refused(staff, name, text, message):
    with pytest.raises(blocks.BlockError, match=message):
        blocks.request_edit(None, name, text, staff["sup1"])


def test_agents_cannot_write_blocks(staff):
    with pytest.raises(blocks.BlockError, match="責任者以上"):
        blocks.request_edit(None, "注意", WARNING, staff["agent"])


def test_templates_and_faq_entries_show_the_block_and_follow_its_change(client, staff, block):
    incident = make_incident()
    publish(make_draft(incident, staff["sup1"]), staff["sup1"], staff["sup2"])
    template = answers.approve(answers.propose(
        staff["agent"], "電話での確認", "電話でカード番号を聞かれた", "ご安心ください。{文面:カード番号の注意}",
        InquiryCategory.SUSPICIOUS_CONTACT, "", incident), staff["sup1"])
    entry = answers.publish_as_faq(template, staff["sup1"])
    db.session.commit()
    faq_search.rebuild()
    assert answers.fill(template) == "ご安心ください。" + WARNING
    assert "{文面:カード番号の注意}" in entry.answer   # the entry keeps the block, so it follows changes
    assert WARNING in body(client.get(f"/faq/{entry.key}"))
    used_templates, used_entries = blocks.where_used(block)
    assert used_templates == [template] and used_entries == [entry]
    blocks.request_edit(block, "", "当社から、お電話やメールでカード番号をお伺いすることは一切ございません。", staff["sup2"])
    db.session.commit()
    assert WARNING in body(client.get(f"/faq/{entry.key}"))      # not before approval
    changed = blocks.approve_edit(block, staff["sup1"])
    db.session.commit()
    faq_search.sync(changed)
    assert "一切ございません" in body(client.get(f"/faq/{entry.key}")) and "一切ございません" in answers.fill(template)
    assert [h.entry.key for h in faq_search.search_faq("一切ございません")][:1] == [entry.key]
    template = db.session.get(type(template), template.id)
    assert template.status is TemplateStatus.NEEDS_REVIEW and "共通文面「カード番号の注意」が第2版" in template.review_reason
    assert db.session.scalar(select(AuditEvent).filter_by(target_type="answer_template", action="flag")) is not None


def test_an_unknown_block_is_refused_in_templates_and_faq_entries(staff, block):
    with pytest.raises(answers.AnswerError, match="共通文面「ない文面」はありません"):
        answers.propose(staff["agent"], "件名", "質問", "{文面:ない文面}", InquiryCategory.OTHER, "", None)
    with pytest.raises(faq.FaqChangeError, match="共通文面「ない文面」はありません"):
        faq.request_change(None, {"key": "x", "category": "c", "question": "q", "alternatives": "", "keywords": "",
                                  "answer": "{文面:ない文面}", "display_order": 1, "published": True,
                                  "expires_on": ""}, staff["sup1"])


def test_the_block_pages_show_where_used_and_the_waiting_change(client, login, staff, block):
    login("sup1")
    assert "{文面:カード番号の注意}" in body(client.get("/admin/faq/blocks"))
    client.post(f"/admin/faq/blocks/{block.id}", data={"body": WARNING + "\nご注意ください。"})
    page = body(client.get(f"/admin/faq/blocks/{block.id}"))
    assert "承認待ちの変更" in page and "<ins>ご注意ください。</ins>" in page and "あなたが書いたため" in page
    refused = client.post("/admin/faq/blocks/new", data={"name": "カード番号の注意", "body": "重複"})
    assert refused.status_code == 422 and "既にあります" in body(refused)
    client.post("/logout")
    login("sup2")
    shown = blocks.pending_hash(db.session.get(TextBlock, block.id))
    client.post(f"/admin/faq/blocks/{block.id}/approve", data={"shown": shown})
    assert db.session.get(TextBlock, block.id).body.endswith("ご注意ください。")


def test_withdrawing_a_new_block_removes_it(client, login, staff):
    login("sup1")
    client.post("/admin/faq/blocks/new", data={"name": "試し", "body": "試しの文面"})
    item = db.session.scalar(select(TextBlock))
    client.post(f"/admin/faq/blocks/{item.id}/withdraw")
    assert db.session.scalar(select(TextBlock)) is None
