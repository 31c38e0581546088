"""A template published as a public FAQ entry is public under the category and display limit
its approver was shown, not under values one person changed afterwards (they take effect at
once for agents, without approval)."""

from datetime import date

import pytest

from hotline import answers
from hotline.answers import faq_publish
from hotline.extensions import db
from hotline.models import AnswerTemplate, FaqChange, InquiryCategory, User

from .factories import make_incident, raw_sql

BODY = "ポイントの有効期限を延長いたします。"


@pytest.fixture
def template(staff):
    """A template written by an agent and approved by sup1, with a display limit, committed."""
    make_incident()
    item = answers.propose(staff["agent"], "ポイントの扱い", "ポイントはどうなりますか", BODY,
                           InquiryCategory.COMPENSATION, "ポイント", None)
    answers.save_template(item, {"expires_on": date(2027, 1, 10)}, staff["agent"])
    answers.approve(item, staff["sup1"])
    db.session.commit()
    return item


def fresh(template_id: int) -> AnswerTemplate:
    """The template as stored now."""
    db.session.rollback()
    return db.session.get(AnswerTemplate, template_id)


def test_the_approval_records_the_category_and_limit_shown(template):
    version = fresh(template.id).current_version
    assert (version.approved_category, version.approved_expires_on) == (InquiryCategory.COMPENSATION, date(2027, 1, 10))


def test_a_category_changed_after_approval_does_not_reach_the_public_faq(template, staff):
    answers.save_template(template, {"category": "card_fraud", "expires_on": date(2027, 6, 30)}, staff["sup2"])
    db.session.commit()
    entry = answers.publish_as_faq(fresh(template.id), staff["sup2"])
    db.session.commit()
    assert (entry.category, entry.expires_on) == (InquiryCategory.COMPENSATION.label, date(2027, 1, 10))
    change = db.session.get(FaqChange, entry.approved_change_id)
    assert change.decided_by_id == staff["sup1"].id
    # agents sort by the new category at once
    assert fresh(template.id).category is InquiryCategory.CARD_FRAUD


def test_a_limit_brought_forward_on_the_template_applies_to_the_faq(template, staff):
    answers.save_template(template, {"expires_on": date(2026, 12, 20)}, staff["sup2"])
    db.session.commit()
    entry = answers.publish_as_faq(fresh(template.id), staff["sup2"])
    assert entry.expires_on == date(2026, 12, 20)


def test_an_existing_entry_keeps_its_own_category_and_limit(template, staff):
    entry = answers.publish_as_faq(template, staff["sup2"])
    db.session.commit()
    answers.save_template(fresh(template.id), {"category": "deletion", "expires_on": date(2027, 6, 30)}, staff["sup2"])
    db.session.commit()
    template = fresh(template.id)
    answers.save_template(template, {"body": BODY + "詳しくはお知らせをご覧ください。"}, staff["sup2"])
    answers.approve(template, staff["sup1"])
    db.session.commit()
    entry = answers.publish_as_faq(template, staff["sup2"])
    db.session.commit()
    assert (entry.category, entry.expires_on) == (InquiryCategory.COMPENSATION.label, date(2027, 1, 10))
    assert "詳しくは" in entry.answer


def test_an_approved_limit_that_has_passed_is_not_pushed_back_by_one_person(template, staff, monkeypatch):
    answers.save_template(template, {"expires_on": date(2027, 6, 30)}, staff["sup2"])
    db.session.commit()
    monkeypatch.setattr(faq_publish, "today_in_japan", lambda: date(2027, 2, 1))
    with pytest.raises(answers.AnswerError, match="承認時の掲載期限（2027年01月10日）を過ぎている"):
        answers.publish_as_faq(fresh(template.id), staff["sup2"])
    assert fresh(template.id).faq_entry is None


def test_an_expired_faq_entry_is_not_put_back_from_its_template(template, staff, monkeypatch):
    answers.publish_as_faq(template, staff["sup2"])
    db.session.commit()
    answers.save_template(fresh(template.id), {"expires_on": date(2027, 6, 30)}, staff["sup2"])
    db.session.commit()
    monkeypatch.setattr(faq_publish, "today_in_japan", lambda: date(2027, 2, 1))
    with pytest.raises(answers.AnswerError, match="FAQの掲載期限（2027年01月10日）を過ぎている.*FAQの編集画面"):
        answers.publish_as_faq(fresh(template.id), staff["sup2"])
    assert fresh(template.id).faq_entry.expires_on == date(2027, 1, 10)


def test_a_version_approved_without_a_recorded_category_is_not_published(template, staff):
    template_id, sup2 = template.id, staff["sup2"].id
    db.session.close()
    raw_sql("DROP TRIGGER answer_version_shown") if db.engine.dialect.name == "sqlite" else raw_sql(
        "ALTER TABLE answer_template_version DISABLE TRIGGER answer_version_shown")
    raw_sql("UPDATE answer_template_version SET approved_category = NULL WHERE template_id = :id", id=template_id)
    with pytest.raises(answers.AnswerError, match="承認時のカテゴリーの記録がない"):
        answers.publish_as_faq(fresh(template_id), db.session.get(User, sup2))


def test_the_template_page_says_which_category_the_faq_would_show(client, login, template, staff):
    login("sup2")
    page = client.get(f"/admin/answers/{template.id}").get_data(as_text=True)
    assert "承認時の" not in page
    answers.save_template(fresh(template.id), {"category": "card_fraud"}, staff["sup2"])
    db.session.commit()
    page = client.get(f"/admin/answers/{template.id}").get_data(as_text=True)
    assert (f"カテゴリーは承認時の「{InquiryCategory.COMPENSATION.label}」になります。"
            f"「{InquiryCategory.CARD_FRAUD.label}」への変更はまだ承認されていません。") in page
