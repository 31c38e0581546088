"""Each published report mailed to every confirmed subscriber, without slowing the publish.

Publishing adds one `Broadcast` row in the publish transaction (`queue_report`, connected
to `notices.report_published`). The mail sender's round (`pump`) works through it in
batches of confirmed subscribers in id order, remembering how far it got in the same
commit as the mail it queued, so a crash mid-way neither skips nor repeats anyone. Each
message is due at its place in the pace (`SUBSCRIBER_MAILS_PER_HOUR`), so delivery is
spread over time by the ordinary sender. A 訂正 is always said in the subject.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from .. import mail, notices
from ..extensions import db
from ..models import Broadcast, Report, Subscriber
from ..models._types import utcnow
from .subscriptions import stop_link

BATCH = 1000


def queue_report(report: Report) -> None:
    """Note a newly published report for the subscribers (in the publish transaction)."""
    db.session.add(Broadcast(report_id=report.id))


def subscribe_to_reports() -> None:
    """Connect queue_report to every publish (once per process)."""
    notices.report_published.connect(queue_report)


def _texts(report: Report) -> tuple[str, str]:
    """Subject and body for one report (the stop link is added per subscriber)."""
    cfg = current_app.config
    label = notices.report_label(report)
    corrected = bool((report.correction or "").strip())
    subject = f"【{label}{'・訂正あり' if corrected else ''}】{report.incident.title}"
    url = f"{cfg['PUBLIC_URL']}/notices/{report.incident.slug}/{report.number}"
    body = (f"{cfg['COMPANY_NAME']}です。\n\n「{report.incident.title}」に関し、{label}を公表いたしました。\n"
            + ("この報には、これまでにお知らせした内容の訂正が含まれております。\n" if corrected else "")
            + f"\n{url}\n\n"
            "このメールは、お知らせの配信をお申し込みいただいた方にお送りしております。\n"
            "配信の停止：{stop}\n"
            f"\n――――――――――\n{cfg['COMPANY_NAME']}\n{cfg['PUBLIC_URL']}/\n"
            "※このメールは送信専用です。返信いただいても確認できません。")
    return subject, body


def pump(now: datetime | None = None) -> int:
    """Queue the mail of every unfinished broadcast, a batch per commit; returns how many were queued."""
    now = now or utcnow()
    per_hour = max(1, int(current_app.config.get("SUBSCRIBER_MAILS_PER_HOUR", 20000)))
    spacing = 3600 / per_hour
    total = 0
    for broadcast_id in db.session.scalars(select(Broadcast.id).where(Broadcast.done_at.is_(None))
                                           .order_by(Broadcast.id)).all():
        while True:
            broadcast = db.session.get(Broadcast, broadcast_id)
            report = broadcast.report
            batch = db.session.scalars(
                select(Subscriber).where(Subscriber.incident_id == report.incident_id,
                                         Subscriber.confirmed_at <= broadcast.created_at,  # new reports only
                                         Subscriber.stopped_at.is_(None),
                                         Subscriber.id > broadcast.last_subscriber_id)
                .order_by(Subscriber.id).limit(BATCH)).all()
            if not batch:
                broadcast.done_at = now
                db.session.commit()
                break
            subject, body = _texts(report)
            for k, subscriber in enumerate(batch):
                link = stop_link(subscriber)
                row = mail.enqueue(subscriber.email, subject, body.replace("{stop}", link), kind="subscriber_report",
                                   unsubscribe_url=link)
                # Its place in the pace, counted from the publish; one already past is due now.
                row.next_attempt_at = broadcast.created_at + timedelta(seconds=(broadcast.queued + k) * spacing)
            broadcast.last_subscriber_id = batch[-1].id
            broadcast.queued += len(batch)
            db.session.commit()
            total += len(batch)
    return total


def figures() -> dict:
    """For supervisors: confirmed and waiting subscriptions, and the report mail not yet queued."""
    from sqlalchemy import func

    confirmed = db.session.scalar(select(func.count(Subscriber.id)).where(
        Subscriber.confirmed_at.is_not(None), Subscriber.stopped_at.is_(None))) or 0
    waiting = db.session.scalar(select(func.count(Subscriber.id)).where(
        Subscriber.confirmed_at.is_(None), Subscriber.stopped_at.is_(None))) or 0
    stopped = db.session.scalar(select(func.count(Subscriber.id)).where(Subscriber.stopped_at.is_not(None))) or 0
    pending = db.session.scalar(select(func.count(Broadcast.id)).where(Broadcast.done_at.is_(None))) or 0
    return {"confirmed": confirmed, "waiting": waiting, "stopped": stopped, "pending_broadcasts": pending}
