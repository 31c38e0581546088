"""Builders for test data, going through the same domain functions as the app."""

from datetime import date
from functools import cache

from werkzeug.security import generate_password_hash

from hotline import inquiries, notices
from hotline.extensions import db
from hotline.models import (
    Certainty,
    Channel,
    DataCategory,
    InquiryCategory,
    LeakStatus,
    ReplyBy,
    Role,
    User,
)

PASSWORD = "correct horse battery staple"


@cache
def _password_hash() -> str:
    """Hash the shared test password once per run, cheaply: every login of the suite checks it.

    The accounts the application creates keep werkzeug's default (scrypt); tests of that
    path create their accounts through it (accounts.create_user, the CLI).
    """
    return generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def make_user(username: str, role: Role):
    """A staff account with the shared test password."""
    user = User(username=username, display_name=username.upper(), password_hash=_password_hash(), role=role)
    db.session.add(user)
    db.session.flush()
    return user


def make_incident(slug: str = "test-incident", **fields):
    """An active incident with a contact window."""
    values = dict(
        slug=slug,
        title="テスト事案：不正アクセスによる個人情報漏えい",
        aware_on=date(2026, 11, 1),
        contact_phone="0120-111-222",
        contact_hours="9:00〜18:00",
        contact_form_url="/inquiry",
    )
    values.update(fields)
    return notices.create_incident(**values)


def one_group(categories: dict | None = None, count_min=100, count_max=500,
              count_certainty=Certainty.PROVISIONAL, name="お客様", **group_fields):
    """The groups of a report with one group of people, from {DataCategory: (status, note)}."""
    cats = {DataCategory.NAME: (LeakStatus.CONFIRMED, "")} if categories is None else categories
    items = [notices.ItemSpec(status, category, note=note) for category, (status, note) in cats.items()]
    return [notices.GroupSpec(name, unit="件", count_min=count_min, count_max=count_max,
                              count_certainty=count_certainty, items=items, **group_fields)]


def make_draft(incident, author, categories: dict | None = None, groups: list | None = None, **fields):
    """A draft report with sensible first-report content, overridden by `fields`.

    count_min, count_max, count_certainty and `categories` describe one group (one_group);
    `groups` (GroupSpec values) replaces it.
    """
    report = notices.start_draft(incident, author)
    values = dict(
        situation="不正アクセスにより、お客様情報が漏えいしました。",
        apology="ご迷惑をおかけし、深くお詫び申し上げます。",
    )
    counts = {key: fields.pop(key) for key in ("count_min", "count_max", "count_certainty") if key in fields}
    values.update(fields)
    if groups is None:
        groups = one_group(categories, **counts)
    notices.update_draft(report, values, groups, editor=author)
    db.session.flush()
    return report


def publish(report, author, approver):
    """Submit and approve a draft."""
    notices.submit_for_approval(report, author)
    notices.approve_and_publish(report, approver, notices.content_hash(report))
    db.session.commit()
    return report


def receive_inquiry(message: str = "質問です。", channel=Channel.WEB, **fields):
    """A committed inquiry received through the intake function, from a customer with an email address."""
    values = dict(name="山田 太郎", email="taro@example.jp", phone="", reply_by=ReplyBy.EMAIL,
                  category=InquiryCategory.OTHER, message=message, notice_number="")
    values.update(fields)
    item = inquiries.receive(values, channel=channel)
    db.session.commit()
    return item


def _supervisor(username: str):
    """A supervisor account of that name, made on first use."""
    from sqlalchemy import select

    return db.session.scalar(select(User).filter_by(username=username)) or make_user(username, Role.SUPERVISOR)


def publish_faq(specs) -> list:
    """FAQ file specs brought in by one supervisor and approved by another, committed; the entries."""
    from hotline import faq

    result = faq.import_specs(specs, _supervisor("faq-author"))
    entries = [faq.approve_change(change, _supervisor("faq-approver")) for change in result.changes]
    db.session.commit()
    return entries


def approved_template(key: str, title: str, body: str = "本文", category=None):
    """An answer template proposed by one supervisor and approved by another (not committed)."""
    from hotline import answers
    from hotline.models import InquiryCategory

    template = answers.create({"key": key, "title": title, "body": body, "questions": title, "keywords": "",
                               "category": category or InquiryCategory.OTHER}, _supervisor("answer-author"))
    return answers.approve(template, _supervisor("answer-approver"))


def approved_faq(entry=None, **values):
    """A new FAQ entry (or a change of `entry`) written by one supervisor and approved by another
    (not committed); the entry."""
    from hotline import faq

    values = {"category": "テスト", **values} if entry is None else values
    change = faq.request_change(entry, values, _supervisor("faq-author"))
    return faq.approve_change(change, _supervisor("faq-approver")) if change is not None else entry


def raw_sql(sql: str, **params) -> None:
    """Run statements (separated by ;) in one transaction of their own, outside the ORM session:
    what someone at a database prompt would do."""
    from sqlalchemy import text

    with db.engine.begin() as connection:
        for statement in sql.split(";"):
            if statement.strip():
                connection.execute(text(statement), params)
