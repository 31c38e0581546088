"""The SMTP server down while thousands of messages wait: none lost, none sent twice, the site unaffected.

The suite runs it with 1,000 messages on each database; `HOTLINE_OUTAGE_MESSAGES=10000`
runs the full size (about 100 s on SQLite on the development machine).
"""

import os
from datetime import timedelta

from sqlalchemy import func, select

from hotline import mail
from hotline.extensions import db
from hotline.models import MailStatus, OutboxMail
from hotline.models._types import utcnow

WAITING = int(os.environ.get("HOTLINE_OUTAGE_MESSAGES", "1000"))


def _counts() -> dict:
    return dict(db.session.execute(select(OutboxMail.status, func.count(OutboxMail.id))
                                   .group_by(OutboxMail.status)).all())


def test_an_smtp_outage_with_thousands_waiting_loses_and_repeats_nothing(app, client, smtp):
    for n in range(WAITING):
        mail.enqueue(f"reader{n}@example.jp", "お知らせ", f"本文 {n}", kind="outage_test")
        if n % 1000 == 999:
            db.session.commit()
    db.session.commit()
    smtp.stop()  # the relay is down
    now = utcnow()
    result = mail.deliver_pending(limit=WAITING, now=now)
    assert result.sent == 0 and result.failed == 0
    assert _counts() == {MailStatus.PENDING: WAITING}  # every message waits for its next try
    assert db.session.scalar(select(func.min(OutboxMail.next_attempt_at))) > now  # with backoff, not at once
    assert mail.deliver_pending(limit=WAITING, now=now).attempted == 0  # nothing is due during the backoff
    assert client.get("/").status_code == 200 and client.get("/faq/").status_code == 200  # pages are untouched

    smtp.start()  # the relay is back, on the same port
    later = now + timedelta(minutes=5)
    for _ in range(WAITING // 1000 + 5):
        if not mail.deliver_pending(limit=1000, now=later).attempted:
            break
    assert _counts() == {MailStatus.SENT: WAITING}
    ids = [m.message["Message-ID"] for m in smtp.received]
    assert len(ids) == WAITING and len(set(ids)) == WAITING  # each message once
