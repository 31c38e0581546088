"""Outgoing mail: outbox rows in the caller's transaction, delivered over real SMTP."""

import logging
import os
import re
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hotline import audit, mail
from hotline.extensions import db
from hotline.mail import sender
from hotline.mail.cli import run_worker
from hotline.models import AuditEvent, MailStatus, OutboxMail
from hotline.models._types import utcnow

ROOT = Path(__file__).resolve().parent.parent
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
SUBJECT = "【ミドリ商会】お問い合わせを受け付けました（受付番号 A-123）"
BODY = "山田 太郎 様\n\nお問い合わせありがとうございます。\n担当者よりご連絡いたします。\n"


def queue(to="yamada@example.com", subject=SUBJECT, body=BODY, kind="inquiry_receipt", **extra):
    """Enqueue one message and commit."""
    row = mail.enqueue(to, subject, body, kind, **extra)
    db.session.commit()
    return row


def rows() -> list[OutboxMail]:
    """Every outbox row, freshly read."""
    db.session.rollback()
    return db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)).all()


def text_of(received) -> str:
    """Decoded body of a received message (MIME text travels with CRLF line ends)."""
    return received.message.get_content().replace("\r\n", "\n")


def later(minutes: float) -> object:
    """A clock override `minutes` from now (naive UTC)."""
    return utcnow() + timedelta(minutes=minutes)


# Queueing in the caller's transaction -----------------------------------------------


def test_enqueue_does_not_commit_and_a_rollback_leaves_no_mail(app):
    mail.enqueue("yamada@example.com", SUBJECT, BODY, "inquiry_receipt")
    audit.record("inquiry.create", "inquiry", 1)
    db.session.rollback()
    assert rows() == []
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0


def test_mail_is_committed_with_the_change_that_causes_it(app):
    mail.enqueue("yamada@example.com", SUBJECT, BODY, "inquiry_receipt")
    audit.record("inquiry.create", "inquiry", 1)
    db.session.commit()
    [row] = rows()
    assert row.status is MailStatus.PENDING and row.attempts == 0 and row.kind == "inquiry_receipt"
    assert row.message_id.startswith("<") and row.message_id.endswith("@example.jp>")
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 1


# Delivery ---------------------------------------------------------------------------


def test_committed_mail_is_delivered_once_with_japanese_intact(app, smtp):
    queue(to_name="山田 太郎")
    result = mail.deliver_pending()
    assert (result.sent, result.retrying, result.failed) == (1, 0, 0)
    [received] = smtp.received
    message = received.message
    assert received.rcpt_tos == ["yamada@example.com"]
    assert received.mail_from == "support@example.jp"
    assert message["Subject"] == SUBJECT
    assert parseaddr(message["To"]) == ("山田 太郎", "yamada@example.com")
    assert parseaddr(message["From"]) == ("ミドリ商会 お問い合わせ窓口", "support@example.jp")
    assert message["Date"] and message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert text_of(received) == BODY
    assert received.raw.isascii()  # 7-bit safe on the wire: encoded words and base64
    [row] = rows()
    assert message["Message-ID"] == row.message_id
    assert row.status is MailStatus.SENT and row.sent_at is not None and row.attempts == 0
    assert row.locked_until is None and row.last_error == ""
    assert mail.deliver_pending(now=later(60)).attempted == 0
    assert len(smtp.received) == 1


def test_server_down_mail_waits_then_arrives_once_when_it_is_back(app, smtp):
    smtp.stop()
    queue()
    before = utcnow()
    result = mail.deliver_pending()
    assert (result.sent, result.retrying, result.failed) == (0, 1, 0)
    [row] = rows()
    assert row.status is MailStatus.PENDING and row.attempts == 1
    assert row.next_attempt_at >= before + timedelta(seconds=30)
    assert row.last_error == "ConnectionRefusedError" and row.locked_until is None
    assert row.subject == SUBJECT and row.body == BODY

    smtp.start()
    assert mail.deliver_pending().attempted == 0  # not due yet: the backoff is respected
    assert smtp.received == []
    assert mail.deliver_pending(now=later(1)).sent == 1
    assert smtp.wait_for(1)
    for _ in range(3):
        assert mail.deliver_pending(now=later(60)).attempted == 0
    assert len(smtp.received) == 1
    [row] = rows()
    assert row.status is MailStatus.SENT and row.attempts == 1
    assert text_of(smtp.received[0]) == BODY


def test_backoff_doubles_from_30_seconds_up_to_15_minutes():
    assert [mail.backoff(n).total_seconds() for n in range(1, 8)] == [30, 60, 120, 240, 480, 900, 900]
    assert mail.backoff(1000) == timedelta(minutes=15)


def test_after_the_last_attempt_the_mail_is_kept_as_failed(app, smtp):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    smtp.stop()
    queue()
    for hours in range(3):
        mail.deliver_pending(now=later(60 * (hours + 1)))
    [row] = rows()
    assert row.status is MailStatus.FAILED and row.attempts == 3
    assert "yamada" not in row.last_error
    smtp.start()
    assert mail.deliver_pending(now=later(24 * 60)).attempted == 0
    assert smtp.received == []
    summary = mail.outbox_summary()
    assert summary.counts[MailStatus.FAILED] == 1 and summary.oldest_pending_age is None


def test_a_recipient_refused_for_good_fails_at_once(app, smtp):
    smtp.handler.refuse_rcpt = "550 5.1.1 <yamada@example.com>: no such user"
    queue()
    result = mail.deliver_pending()
    assert result.failed == 1
    [row] = rows()
    assert row.status is MailStatus.FAILED and row.last_error == "SMTPRecipientsRefused 550"


def test_a_temporarily_refused_recipient_is_retried(app, smtp):
    smtp.handler.refuse_rcpt = "451 4.3.0 try again later"
    queue()
    queue(to="suzuki@example.com")
    assert mail.deliver_pending().retrying == 2
    smtp.handler.refuse_rcpt = None
    assert mail.deliver_pending(now=later(1)).sent == 2
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == ["suzuki@example.com", "yamada@example.com"]


def test_a_sender_that_died_leaves_a_row_that_is_retried_after_its_lease(app, smtp):
    row = queue()
    row.status, row.locked_until = MailStatus.SENDING, utcnow() + timedelta(minutes=5)
    db.session.commit()
    assert mail.deliver_pending().attempted == 0  # another sender still holds it
    assert smtp.received == []
    assert mail.deliver_pending(now=later(6)).sent == 1
    [row] = rows()
    assert row.status is MailStatus.SENT and row.attempts == 1
    assert len(smtp.received) == 1


def test_stopping_between_messages_gives_the_rest_back(app, smtp):
    for n in range(3):
        queue(to=f"user{n}@example.com")
    asked = []
    result = mail.deliver_pending(should_stop=lambda: asked.append(1) or len(asked) > 1)
    assert (result.sent, result.released) == (1, 2)
    assert [r.status for r in rows()] == [MailStatus.SENT, MailStatus.PENDING, MailStatus.PENDING]
    assert [r.attempts for r in rows()] == [0, 0, 0]
    assert mail.deliver_pending().sent == 2


@pytest.mark.parametrize("round_", range(3))  # a race lost once in a while must still fail the suite
def test_two_senders_at_once_send_each_message_once(app, smtp, round_):
    count = 30
    for n in range(count):
        mail.enqueue(f"user{n}@example.com", f"件名 {n}", f"本文 {n}", "answer")
    db.session.commit()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sender():
        try:
            with app.app_context():
                barrier.wait()
                results.append(mail.deliver_pending(limit=count))
                db.session.remove()
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sum(r.sent for r in results) == count
    ids = [r.message["Message-ID"] for r in smtp.received]
    assert len(ids) == count and len(set(ids)) == count
    assert {r.status for r in rows()} == {MailStatus.SENT}


# Header injection and content -------------------------------------------------------

INJECTION = "\r\nBcc: evil@example.com"


def test_header_injection_through_subject_or_name_is_impossible(app, smtp):
    queue(subject="お知らせ" + INJECTION, to_name="山田" + INJECTION)
    row = rows()[0]
    assert "\n" not in row.subject and "\r" not in row.subject and "\n" not in row.to_name
    # Even a row written around enqueue cannot carry a line break into the headers.
    row.subject = "再送" + INJECTION + "\nX-Evil: 1"
    db.session.commit()
    assert mail.deliver_pending().sent == 1
    [received] = smtp.received
    assert received.rcpt_tos == ["yamada@example.com"]
    assert received.message["Bcc"] is None and received.message["X-Evil"] is None
    assert received.message["Subject"] == "再送 Bcc: evil@example.com X-Evil: 1"
    assert parseaddr(received.message["To"]) == ("山田 Bcc: evil@example.com", "yamada@example.com")
    assert len(received.message.get_all("To")) == 1
    assert b"\nBcc:" not in received.raw and b"\nX-Evil:" not in received.raw


@pytest.mark.parametrize("name", [
    "=?utf-8?q?evil=40example=2Eorg_=3Cevil=40example=2Eorg=3E=2C?=",
    "=?utf-8?b?ZXZpbEBleGFtcGxlLm9yZyA8ZXZpbEBleGFtcGxlLm9yZz4s?=",
    "=?utf-8?q?Bcc=3A_evil=40example=2Eorg?= 山田",
])
def test_an_encoded_word_in_a_name_stays_text(app, smtp, name):
    queue(to_name=name, subject="=?utf-8?q?Bcc=3A_evil=40example=2Eorg?=")
    assert mail.deliver_pending().sent == 1
    [received] = smtp.received
    recipients = received.message.get_all("To")
    assert len(recipients) == 1 and parseaddr(recipients[0])[1] == "yamada@example.com"
    assert received.rcpt_tos == ["yamada@example.com"]
    assert "evil@example.org" not in parseaddr(recipients[0])[1]
    assert received.message["Bcc"] is None and "=?" not in received.message["Subject"].replace("= ?", "")


def test_subject_loses_control_and_bidi_characters(app):
    row = mail.enqueue("a@example.com", "件名\x00\x1b[31m\u202eabc\u2028次\u200b回", "本文", "answer")
    assert row.subject == "件名 [31mabc 次回"


@pytest.mark.parametrize(
    "address",
    [
        "",
        "   ",
        "no-at-sign",
        "a@b@example.com",
        "a@example.com, b@example.com",
        "a@example.com;b@example.com",
        "山田 <a@example.com>",
        "<a@example.com>",
        "a@example.com\r\nBcc: evil@example.com",
        "a@example.com\nBcc: evil@example.com",
        "a@localhost",
        "a..b@example.com",
        ".a@example.com",
        "a@-example.com",
        "a@example..com",
        "a(comment)@example.com",
        '"a b"@example.com',
        "やまだ@example.com",
        "a@例え.jp",
        "a" * 65 + "@example.com",
        "a@" + "b" * 250 + ".jp",
        "a@192.168.0.1",
    ],
)
def test_invalid_addresses_are_refused_in_japanese(app, address):
    with pytest.raises(mail.MailError) as caught:
        mail.enqueue(address, SUBJECT, BODY, "answer")
    assert JAPANESE.search(str(caught.value))
    db.session.flush()
    assert db.session.scalar(select(func.count(OutboxMail.id))) == 0


def test_full_width_address_is_normalized(app):
    row = mail.enqueue(" ｙａｍａｄａ＠ｅｘａｍｐｌｅ．ｃｏｍ ", SUBJECT, BODY, "answer")
    assert row.to_addr == "yamada@example.com"


def test_html_and_script_arrive_verbatim_as_plain_text(app, smtp):
    body = '<script>alert("x")</script>\n<img src=x onerror=alert(1)> <a href="javascript:evil()">&amp;</a>\n'
    queue(subject='<script>alert(1)</script> "件名"', body=body)
    mail.deliver_pending()
    [received] = smtp.received
    assert not received.message.is_multipart()
    assert received.message.get_content_type() == "text/plain"
    assert text_of(received) == body
    assert received.message["Subject"] == '<script>alert(1)</script> "件名"'
    assert b"<script>" not in received.raw.split(b"\r\n\r\n", 1)[1]  # the body travels base64-encoded


def test_body_control_characters_are_removed_and_line_ends_unified(app, smtp):
    queue(body="一行目\r\n二行目\rthird\x00\x1b[0m\tend")
    mail.deliver_pending()
    assert text_of(smtp.received[0]) == "一行目\n二行目\nthird[0m\tend\n"


# Supervision and command line -------------------------------------------------------


def test_outbox_summary_counts_and_oldest_pending_age(app, smtp):
    queue()
    queue(to="b@example.com")
    mail.deliver_pending(limit=1)
    summary = mail.outbox_summary(now=later(10))
    assert summary.counts == {
        MailStatus.PENDING: 1,
        MailStatus.SENDING: 0,
        MailStatus.SENT: 1,
        MailStatus.FAILED: 0,
    }
    assert timedelta(minutes=9) < summary.oldest_pending_age < timedelta(minutes=11)


def test_cli_send_delivers_and_prints_counts(app, smtp, runner):
    queue()
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "送信 1 件、再送待ち 0 件、送信失敗 0 件" in result.output
    assert len(smtp.received) == 1
    status = runner.invoke(args=["mail", "status"])
    assert "送信済み 1 件" in status.output and "送信待ち 0 件" in status.output


def test_worker_loop_survives_an_error_and_keeps_delivering(app, smtp, monkeypatch, caplog):
    queue()
    real = mail.deliver_pending
    calls = []
    stop = threading.Event()

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionResetError("database went away")
        result = real(*args, **kwargs)
        if smtp.received:
            stop.set()
        return result

    monkeypatch.setattr(sender, "deliver_pending", flaky)
    # Alembic's logging setup in the migration fixtures disables loggers created before it.
    monkeypatch.setattr(logging.getLogger("hotline.mail.worker"), "disabled", False)
    run_worker(stop, poll_seconds=0.01)
    assert len(calls) >= 2 and len(smtp.received) == 1
    assert "ConnectionResetError" in caplog.text and "database went away" not in caplog.text


def test_worker_process_delivers_and_stops_cleanly_on_sigterm(app, smtp, tmp_path):
    queue()
    env = {
        **os.environ,
        "HOTLINE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "HOTLINE_INSTANCE_PATH": str(tmp_path / "worker-instance"),
        "HOTLINE_SECRET_KEY": "test-secret-key",
        # Another machine's process: it shares the keys through the environment, not the instance folder.
        "HOTLINE_DATA_KEYS": ",".join(app.config["DATA_KEYS"]),
        "HOTLINE_LOOKUP_KEY": app.config["LOOKUP_KEY"],
        "HOTLINE_SMTP_PORT": str(smtp.port),
        "HOTLINE_MAIL_POLL_SECONDS": "0.2",
    }
    db.session.close()
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "mail", "worker"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        assert smtp.wait_for(1, timeout=30)
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=15)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert worker.returncode == 0, output
    assert "mail worker stopped" in output and "yamada" not in output
    assert len(smtp.received) == 1
    assert rows()[0].status is MailStatus.SENT


def test_header_and_body_cleaning_match_the_unicode_categories_for_every_character():
    from hotline.mail import outbox
    import unicodedata

    every = "".join(chr(i) for i in range(0x10000) if not 0xD800 <= i < 0xE000)
    body = "".join(ch for ch in every.replace("\r", "\n") if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    assert outbox.clean_body(every) == body
    kept = "".join(" " if unicodedata.category(ch) in {"Cc", "Zl", "Zp"} else ch
                   for ch in every if ch not in outbox._INVISIBLE)
    assert outbox.clean_header_text(every, 10 ** 6) == " ".join(kept.split()).replace("=?", "= ?")


def test_a_built_message_has_exactly_these_headers_and_a_base64_utf8_body(app):
    from datetime import datetime

    from hotline.mail.outbox import NAME_MAX, SUBJECT_MAX, build_message

    app.config["MAIL_FROM"] = "窓口 " + "名" * 120 + " <support@example.jp>"
    row = mail.enqueue("yamada@example.com", "件" * 250, "一行目\r\n二行目\x07", "notice", to_name="山" * 150,
                       unsubscribe_url="https://example.jp/subscribe/stop/abc")
    row.created_at = datetime(2026, 12, 1, 3, 4, 5)
    message = build_message(row)
    assert [name for name, _ in message.items()] == [
        "From", "To", "Subject", "Date", "Message-ID", "Auto-Submitted", "List-Unsubscribe", "List-Unsubscribe-Post",
        "Content-Type", "Content-Transfer-Encoding", "MIME-Version"]
    assert message["From"].addresses[0].display_name == ("窓口 " + "名" * 120)[:NAME_MAX]
    assert message["To"].addresses[0].display_name == "山" * NAME_MAX
    assert message["Subject"] == "件" * SUBJECT_MAX
    assert message["Date"] == "Tue, 01 Dec 2026 03:04:05 +0000"
    assert message["Message-ID"] == row.message_id and row.message_id.endswith("@example.jp>")
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["List-Unsubscribe"] == "<https://example.jp/subscribe/stop/abc>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Content-Type"] == 'text/plain; charset="utf-8"'
    assert message["Content-Transfer-Encoding"] == "base64"
    assert message.get_content() == "一行目\r\n二行目\r\n"  # SMTP line ends; the bell is gone
    wire = message.as_bytes()
    assert b"\r\nSubject: =?utf-8?" in wire and b"\n\n" not in wire.split(b"\r\n\r\n")[0]  # CRLF throughout


def test_a_message_without_an_unsubscribe_link_has_no_list_headers(app):
    from hotline.mail.outbox import build_message

    message = build_message(queue())
    assert "List-Unsubscribe" not in message and "List-Unsubscribe-Post" not in message


def test_an_unusable_sender_address_is_a_configuration_error(app):
    from hotline.mail.outbox import build_message

    row = queue()
    app.config["MAIL_FROM"] = "窓口 <not an address>"
    with pytest.raises(RuntimeError, match="^MAIL_FROM does not hold a valid address$"):
        build_message(row)
