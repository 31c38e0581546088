"""The outbox's rules one by one, with the exact refusal and the exact stored values.

tests/test_mail.py delivers over real SMTP; these tests pin what a weaker rule would
let through: each refusal's message, each length limit at its edge, every column of a
queued row, and header text cleaned to the character.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from hotline import mail
from hotline.extensions import db
from hotline.mail.outbox import NAME_MAX, SUBJECT_MAX, build_message, clean_header_text
from hotline.models import MailStatus, OutboxMail
from hotline.models._types import utcnow

EMPTY = "メールアドレスを入力してください。"
BREAKS = "メールアドレスに改行や制御文字は使えません。"
ONE = "メールアドレスは1件だけ、「name@example.jp」の形で入力してください。"
ASCII = "メールアドレスは半角英数字と記号で入力してください。"
FORM = "メールアドレスの形式が正しくありません。"


@pytest.mark.parametrize("address, message", [
    ("", EMPTY), ("   ", EMPTY), ("\u3000", EMPTY), (None, EMPTY),
    ("a@example.com\nBcc: x@example.com", BREAKS), ("a\u2028@example.com", BREAKS), ("a\x00@example.com", BREAKS),
    ("a@example.com,b@example.com", ONE), ("a@b@example.com", ONE), ("aexample.com", ONE), ("<a@example.com>", ONE),
    ("a b@example.com", ONE),
    ("やまだ@example.com", ASCII), ("a@例え.jp", ASCII),
    ("a@localhost", FORM), ("a@example.123", FORM), ("a..b@example.com", FORM), ("a@-example.com", FORM),
    ("a" * 65 + "@example.com", FORM), ("a@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 63 + "." + "e" * 59 + ".jp", FORM),
    ("a@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 63 + "." + "e" * 58 + ".jp", FORM),  # 255 characters
    ("a\u2029@example.com", BREAKS), ("a@mail.example.123", FORM),
])
def test_each_unusable_address_gets_its_own_reason(app, address, message):
    with pytest.raises(mail.MailError) as caught:
        mail.normalize_address(address)
    assert str(caught.value) == message


@pytest.mark.parametrize("address", [
    "a" * 64 + "@example.com",                                   # the longest local part
    "a@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 63 + "." + "e" * 57 + ".jp",  # 254 characters in all
    "a@b.jp", "x@9.example.jp", "taro.yamada+hotline@mail.example.co.jp", "Xavier.X@example.jp",
])
def test_addresses_at_the_edges_are_accepted_as_they_are(app, address):
    assert mail.normalize_address(f"  {address} ") == address


def test_the_total_length_is_counted_to_254():
    assert len("a@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 63 + "." + "e" * 57 + ".jp") == 254


def test_a_queued_row_holds_exactly_what_was_given_cleaned(app):
    before = utcnow()
    row = mail.enqueue(" ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ ", "件名\r\nBcc: x@example.com", "本文\r\n二行目\x07",
                       " answer ", to_name="山田\n太郎" + "あ" * 200,
                       unsubscribe_url="https://hotline.example.jp/subscribe/stop/abc")
    db.session.flush()
    stored = db.session.scalar(select(OutboxMail).filter_by(id=row.id))
    assert (stored.kind, stored.to_addr, stored.subject, stored.body) == (
        "answer", "taro@example.jp", "件名 Bcc: x@example.com", "本文\n二行目")
    assert stored.to_name == ("山田 太郎" + "あ" * 200)[:NAME_MAX] and len(stored.to_name) == NAME_MAX
    assert (stored.status, stored.attempts, stored.last_error) == (MailStatus.PENDING, 0, "")
    assert before - timedelta(seconds=1) <= stored.next_attempt_at <= utcnow()
    assert stored.unsubscribe_url == "https://hotline.example.jp/subscribe/stop/abc"
    sender_domain = app.config["MAIL_FROM"].rpartition("@")[2].rstrip(">")
    assert stored.message_id.startswith("<") and stored.message_id.endswith(f"@{sender_domain}>")


def test_subjects_are_cut_at_their_limit_and_an_empty_one_is_refused(app):
    row = mail.enqueue("taro@example.jp", "件" * (SUBJECT_MAX + 50), "本文", "answer")
    assert row.subject == "件" * SUBJECT_MAX
    with pytest.raises(mail.MailError) as caught:
        mail.enqueue("taro@example.jp", " \n\u200b ", "本文", "answer")
    assert str(caught.value) == "件名が空です。"
    with pytest.raises(ValueError, match="^mail kind is required$"):
        mail.enqueue("taro@example.jp", "件名", "本文", " \n ")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.jp/x", "https://example.jp/a b",
                                 "https://" + "a" * 300])
def test_an_unsubscribe_link_is_one_http_address_within_300_characters(app, url):
    with pytest.raises(ValueError, match="unsubscribe_url"):
        mail.enqueue("taro@example.jp", "件名", "本文", "news", unsubscribe_url=url)


def test_header_text_is_one_line_with_encoded_words_broken_up():
    assert clean_header_text("=?utf-8?q?evil?= \t 山田\r\n太郎\u202e", 100) == "= ?utf-8?q?evil?= 山田 太郎"
    assert clean_header_text("あ" * 10, 4) == "ああああ"


def test_the_built_message_carries_the_cleaned_name_within_its_limit(app):
    row = mail.enqueue("taro@example.jp", "件名", "本文", "answer", to_name="あ" * 150)
    db.session.flush()
    message = build_message(row)
    assert message["To"].addresses[0].display_name == "あ" * NAME_MAX
    assert message.get_content_type() == "text/plain"


def test_an_unsubscribe_link_of_exactly_300_characters_is_kept_whole(app):
    url = "https://example.jp/" + "a" * 281
    assert len(url) == 300 and mail.enqueue("taro@example.jp", "件名", "本文", "news", unsubscribe_url=url).unsubscribe_url == url


def test_a_mail_without_a_name_is_addressed_to_the_bare_address(app):
    row = mail.enqueue("taro@example.jp", "件名", "本文", "answer")
    db.session.flush()
    assert row.to_name == ""
    message = build_message(row)
    assert message["To"].addresses[0].display_name == "" and str(message["To"]) == "taro@example.jp"


def test_a_row_written_around_the_outbox_is_still_built_within_the_header_limits(app):
    row = mail.enqueue("taro@example.jp", "件名", "本文", "answer")
    db.session.flush()
    row.to_name, row.subject = "名" * (NAME_MAX + 50), "件" * (SUBJECT_MAX + 50)  # as raw SQL could store them
    message = build_message(row)
    assert message["To"].addresses[0].display_name == "名" * NAME_MAX
    assert str(message["Subject"]) == "件" * SUBJECT_MAX


def test_the_kind_is_cut_to_its_column_and_a_bad_link_is_refused_by_name(app):
    assert mail.enqueue("taro@example.jp", "件名", "本文", "k" * 50).kind == "k" * 32
    with pytest.raises(ValueError, match=r"^unsubscribe_url must be one http\(s\) address$"):
        mail.enqueue("taro@example.jp", "件名", "本文", "news", unsubscribe_url="javascript:alert(1)")
