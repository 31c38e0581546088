"""The schema comes from migrations, and the migrations match the models."""

import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from hotline.extensions import db

TEXTS = ("situation", "apology", "background", "damage", "cause", "investigation", "secondary_risks",
         "customer_actions", "next_steps", "prevention", "contact_phone", "contact_hours", "contact_form_url",
         "correction")


def test_migrated_schema_matches_the_models(app):
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_migrations_downgrade_and_upgrade_again(app):
    db.session.remove()
    downgrade(revision="base")
    with db.engine.connect() as connection:
        assert "report" not in db.inspect(connection).get_table_names()
    upgrade()
    with db.engine.connect() as connection:
        assert {"report", "faq_entry", "user"} <= set(db.inspect(connection).get_table_names())


def _raw(sql: str, **params):
    """One statement in its own transaction."""
    with db.engine.begin() as connection:
        return connection.execute(text(sql), params)


def test_a_report_with_one_count_becomes_one_group_and_stays_frozen(app):
    db.session.remove()
    downgrade(revision="c8d7becf0008")
    _raw("INSERT INTO \"user\" (id, username, display_name, password_hash, role, active, session_version, created_at)"
         " VALUES (1, 'sato', 'SATO', 'x', 'supervisor', TRUE, 1, CURRENT_TIMESTAMP)")
    _raw("INSERT INTO incident (id, slug, title, status, aware_on, malicious, contact_phone, contact_hours,"
         " contact_form_url, created_at, updated_at) VALUES (1, 'old', '旧事案', 'active', '2026-11-01', TRUE, '', '', '',"
         " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
    texts = ", ".join(f"{name}" for name in TEXTS)
    blanks = ", ".join("''" for _ in TEXTS)
    _raw(f"INSERT INTO report (id, incident_id, number, is_final, state, author_id, created_at, updated_at,"
         f" period_certainty, count_min, count_max, count_certainty, damage_certainty, cause_certainty, {texts})"
         f" VALUES (1, 1, 1, FALSE, 'draft', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'provisional', 1200, 4800,"
         f" 'provisional', 'provisional', 'provisional', {blanks})")
    _raw("INSERT INTO report_category (report_id, category, status, note) VALUES"
         " (1, 'card_number', 'possible', ''), (1, 'password', 'not_leaked', '暗号化')")
    _raw("UPDATE report SET state = 'published' WHERE id = 1")
    upgrade()
    group = _raw("SELECT id, name, unit, count_min, count_max, count_certainty, affected FROM affected_group"
                 " WHERE report_id = 1").one()
    assert tuple(group)[1:] == ("お客様", "件", 1200, 4800, "provisional", True)
    items = _raw("SELECT label, category, status, note FROM group_item WHERE group_id = :g ORDER BY position",
                 g=group.id).all()
    assert [tuple(i) for i in items] == [("クレジットカード番号", "card_number", "possible", ""),
                                         ("パスワード", "password", "not_leaked", "暗号化")]
    with pytest.raises(DBAPIError, match="published reports are immutable"):
        _raw("UPDATE affected_group SET count_max = 1 WHERE id = :g", g=group.id)
    with db.engine.connect() as connection:
        assert "report_category" not in db.inspect(connection).get_table_names()
        assert "count_min" not in {c["name"] for c in db.inspect(connection).get_columns("report")}


def test_mail_already_in_the_outbox_is_sealed_and_unsealed_by_the_migration(app):
    from hotline.models import OutboxMail

    db.session.remove()
    downgrade(revision="5a6b7c8d000f")
    _raw("INSERT INTO outbox_mail (id, kind, to_addr, to_name, subject, body, message_id, created_at, status, attempts,"
         " next_attempt_at, last_error) VALUES (1, 'confirmation', 'taro@example.jp', '山田 太郎', '受付', '山田 太郎 様',"
         " '<m1@x>', CURRENT_TIMESTAMP, 'sent', 1, CURRENT_TIMESTAMP, '')")
    upgrade()
    raw = tuple(_raw("SELECT to_addr, to_name, body FROM outbox_mail").one())
    assert all(value.startswith("gAAAAA") for value in raw)
    row = db.session.get(OutboxMail, 1)
    assert (row.to_addr, row.to_name, row.body) == ("taro@example.jp", "山田 太郎", "山田 太郎 様")
    db.session.remove()
    downgrade(revision="5a6b7c8d000f")
    assert tuple(_raw("SELECT to_addr, to_name, body FROM outbox_mail").one()) == (
        "taro@example.jp", "山田 太郎", "山田 太郎 様")
    upgrade()


def test_inquiries_already_stored_are_sealed_and_unsealed_by_the_migration(app):
    from hotline.models import Inquiry

    db.session.remove()
    downgrade(revision="d8a0e1f20024")
    for number, email in ((1, "taro@example.jp"), (2, "")):
        _raw("INSERT INTO inquiry (id, receipt, channel, status, urgent, urgent_reason, category, name, email, phone,"
             " reply_by, notice_number, message, created_at, updated_at, answer_text, answer_channel,"
             " template_edited, staff_note) VALUES (:id, :receipt, 'web', 'answered', FALSE, '', 'other', '山田 太郎',"
             " :email, '090-1111-2222', 'email', '', 'カード番号 4111 を使いました', CURRENT_TIMESTAMP,"
             " CURRENT_TIMESTAMP, '山田 太郎 様 ご回答', 'email', FALSE, '折り返し済み')",
             id=number, receipt=f"R-{number}", email=email)
    upgrade()
    columns = "name, email, phone, message, answer_text, staff_note"
    first, second = (tuple(row) for row in _raw(f"SELECT {columns} FROM inquiry ORDER BY id").all())
    assert all(value.startswith("gAAAAA") for value in first)
    assert second[1] == "" and all(value.startswith("gAAAAA") for i, value in enumerate(second) if i != 1)
    row = db.session.get(Inquiry, 1)
    assert (row.name, row.email, row.phone, row.message, row.answer_text, row.staff_note) == (
        "山田 太郎", "taro@example.jp", "090-1111-2222", "カード番号 4111 を使いました", "山田 太郎 様 ご回答", "折り返し済み")
    db.session.remove()
    downgrade(revision="d8a0e1f20024")
    assert tuple(_raw(f"SELECT {columns} FROM inquiry WHERE id = 1").one()) == (
        "山田 太郎", "taro@example.jp", "090-1111-2222", "カード番号 4111 を使いました", "山田 太郎 様 ご回答", "折り返し済み")
    upgrade()


def _two_supervisors():
    """Users 1 and 2, both supervisors, inserted as rows (the models may be newer than the schema)."""
    for number, name in ((1, "sato"), (2, "suzuki")):
        _raw("INSERT INTO \"user\" (id, username, display_name, password_hash, role, active, session_version,"
             " created_at) VALUES (:id, :name, :name, 'x', 'supervisor', TRUE, 1, CURRENT_TIMESTAMP)", id=number, name=name)


def test_templates_approved_before_the_guard_keep_working_and_are_guarded(app):
    db.session.remove()
    downgrade(revision="e9f0a1b20025")
    _two_supervisors()
    _raw("INSERT INTO answer_template (id, key, title, category, questions, keywords, body, status, version, created_by_id,"
         " approved_by_id, review_reason, times_used, created_at, updated_at) VALUES (1, 'old', '件名', 'other', '', '',"
         " '回答文', 'approved', 1, 1, 2, '', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
    _raw("INSERT INTO answer_template_version (template_id, version, title, questions, keywords, body, edited_by_id,"
         " created_at) VALUES (1, 1, '件名', '', '', '回答文', 1, CURRENT_TIMESTAMP)")
    upgrade()
    assert _raw("SELECT approved_by_id FROM answer_template_version WHERE template_id = 1").scalar() == 2
    _raw("UPDATE answer_template SET times_used = 3 WHERE id = 1")
    with pytest.raises(DBAPIError, match="approval by a second person"):
        _raw("UPDATE answer_template SET body = '書き換え' WHERE id = 1")


def test_versions_approved_before_the_migration_take_the_template_category_and_limit(app):
    db.session.remove()
    downgrade(revision="f5a6b7c80032")
    _two_supervisors()
    _raw("INSERT INTO answer_template (id, key, title, category, questions, keywords, body, status, version, created_by_id,"
         " review_reason, times_used, expires_on, created_at, updated_at) VALUES (1, 'old', '件名', 'compensation', '',"
         " '', '回答文', 'proposal', 1, 1, '', 0, '2027-03-31', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
    _raw("INSERT INTO answer_template_version (template_id, version, title, questions, keywords, body, edited_by_id,"
         " approved_by_id, created_at) VALUES (1, 1, '件名', '', '', '回答文', 1, 2, CURRENT_TIMESTAMP)")
    _raw("UPDATE answer_template SET status = 'approved', approved_by_id = 2 WHERE id = 1")
    upgrade()
    category, until = _raw("SELECT approved_category, approved_expires_on FROM answer_template_version"
                           " WHERE template_id = 1").one()
    assert (category, str(until)) == ("compensation", "2027-03-31")
    with pytest.raises(DBAPIError, match="approval by a second person"):
        _raw("UPDATE answer_template_version SET approved_category = 'other' WHERE template_id = 1")


def test_faq_entries_stored_before_the_guard_are_recorded_as_they_were_and_guarded(app):
    db.session.remove()
    downgrade(revision="f0a1b2c30026")
    _raw("INSERT INTO faq_entry (id, key, category, question, alternatives, keywords, answer, display_order, source,"
         " published, expires_on, helpful_yes, helpful_no, created_at, updated_at) VALUES (1, 'old', '一般', '質問',"
         " '', '', '回答', 5, 'file', TRUE, '2027-03-31', 0, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
    upgrade()
    change_id, values, status = _raw("SELECT c.id, c.\"values\", c.status FROM faq_change c"
                                     " JOIN faq_entry e ON e.approved_change_id = c.id WHERE e.id = 1").one()
    assert status == "approved" and json.loads(values) == {
        "key": "old", "category": "一般", "question": "質問", "alternatives": "", "keywords": "", "answer": "回答",
        "display_order": 5, "published": True, "expires_on": "2027-03-31"}
    _raw("UPDATE faq_entry SET helpful_yes = 1 WHERE id = 1")
    with pytest.raises(DBAPIError, match="second supervisor approved"):
        _raw("UPDATE faq_entry SET answer = '書き換え' WHERE id = 1")
    with pytest.raises(DBAPIError, match="second supervisor approved"):
        _raw("DELETE FROM faq_change WHERE id = :id", id=change_id)


def test_callback_closing_notes_already_stored_are_sealed_by_the_migration(app):
    from hotline.models._sealed import unseal

    db.session.remove()
    downgrade(revision="c2d3e4f50029")
    _raw("INSERT INTO callback (id, number, phone, phone_hash, name, email, note, category, slot_at, status, attempts,"
         " next_attempt_at, closed_note, created_at, updated_at) VALUES (1, 'CB-1', '', 'h', '', '', '', 'other',"
         " CURRENT_TIMESTAMP, 'unreached', 3, CURRENT_TIMESTAMP, '番号が違う 山田様の奥様が応答', CURRENT_TIMESTAMP,"
         " CURRENT_TIMESTAMP)")
    upgrade()
    stored = _raw("SELECT closed_note FROM callback WHERE id = 1").scalar()
    assert stored.startswith("gAAAAA") and unseal(stored) == "番号が違う 山田様の奥様が応答"


def test_stop_links_already_sent_keep_working_after_the_migration(app):
    import hashlib
    import hmac

    from hotline import subscribers
    from hotline.models import Subscriber

    db.session.remove()
    downgrade(revision="d3e4f5a60030")
    old = hmac.new(app.config["SECRET_KEY"].encode(), b"subscriber-stop:1:abc", hashlib.sha256).hexdigest()[:40]
    _raw("INSERT INTO incident (id, slug, title, status, aware_on, malicious, contact_phone, contact_hours,"
         " contact_form_url, contact_schedule, created_at, updated_at) VALUES (1, 'old', '旧事案', 'active',"
         " '2026-11-01', TRUE, '', '', '', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
    _raw("INSERT INTO subscriber (id, incident_id, email, email_hash, stop_token_hash, created_at) VALUES"
         " (1, 1, '', 'abc', :hash, CURRENT_TIMESTAMP)", hash=hashlib.sha256(old.encode()).hexdigest())
    upgrade()
    subscriber = db.session.get(Subscriber, 1)
    assert subscribers.stop_link(subscriber).endswith(f"/subscribe/stop/{old}")
    assert subscribers.find_by_stop_token(old).id == 1
