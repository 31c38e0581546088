"""Starting, confirming and stopping a subscription to an incident's reports."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from .. import audit, mail
from ..extensions import db
from ..models import Incident, Subscriber
from ..models._sealed import lookup_hash
from ..models._types import utcnow

CONFIRM_HOURS = 24
RESEND_MINUTES = 10  # at most one confirmation mail per address and incident in this time


class SubscriptionError(Exception):
    """A subscription could not be started; the message is Japanese."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def stop_link(subscriber: Subscriber) -> str:
    """The address in every mail that stops the subscription.

    The token is drawn once and kept sealed with the subscription (its hash finds it), so
    every mail carries the same link and no key rotation can break the links already sent.
    """
    return f"{current_app.config['PUBLIC_URL']}/subscribe/stop/{subscriber.stop_token}"


def subscribe(incident: Incident, raw_email: str) -> bool:
    """Start (or start again) a subscription and queue its confirmation mail; True when a mail was queued.

    The caller shows the same page whatever happens, so nobody learns whether an
    address is subscribed. Raises SubscriptionError for an unusable address.
    """
    try:
        email = mail.normalize_address(raw_email)
    except mail.MailError as error:
        raise SubscriptionError(str(error)) from None
    key = lookup_hash("subscriber", email.lower())
    now = utcnow()
    subscriber = db.session.scalar(select(Subscriber).filter_by(incident_id=incident.id, email_hash=key))
    if subscriber is not None and subscriber.active:
        return False
    if subscriber is not None and subscriber.confirm_sent_at and \
            now - subscriber.confirm_sent_at < timedelta(minutes=RESEND_MINUTES):
        return False
    if subscriber is None:
        stop_token = secrets.token_hex(20)
        subscriber = Subscriber(incident_id=incident.id, email=email, email_hash=key, stop_token=stop_token,
                                stop_token_hash=_hash(stop_token))
        db.session.add(subscriber)
    token = secrets.token_urlsafe(24)
    subscriber.confirm_token_hash = _hash(token)
    subscriber.confirm_expires_at = now + timedelta(hours=CONFIRM_HOURS)
    subscriber.confirm_sent_at = now
    subscriber.confirmed_at = subscriber.stopped_at = None
    db.session.flush()
    _queue_confirmation(incident, subscriber, token)
    audit.record("create", "subscriber", subscriber.id, "confirmation sent")
    return True


def _queue_confirmation(incident: Incident, subscriber: Subscriber, token: str) -> None:
    cfg = current_app.config
    link = f"{cfg['PUBLIC_URL']}/subscribe/confirm/{token}"
    body = (f"{cfg['COMPANY_NAME']}です。\n\n"
            f"「{incident.title}」に関する新しいお知らせをメールでお届けするお申し込みを受け付けました。\n"
            f"次のアドレスを開き、「配信を開始する」を押して、{CONFIRM_HOURS}時間以内にお申し込みの確定を"
            f"お願いいたします。\n\n{link}\n\n"
            "お心当たりのない場合は、このメールを破棄してください。確定されない限り、配信はいたしません。\n"
            f"\n――――――――――\n{cfg['COMPANY_NAME']}\n{cfg['PUBLIC_URL']}/\n"
            "※このメールは送信専用です。返信いただいても確認できません。")
    mail.enqueue(subscriber.email, f"【{cfg['COMPANY_NAME']}】お知らせ配信のお申し込みの確認", body,
                 kind="subscribe_confirm")


def find_by_confirm_token(token: str) -> Subscriber | None:
    """The subscription a confirmation link belongs to, while the link is valid."""
    if not token or len(token) > 64:
        return None
    subscriber = db.session.scalar(select(Subscriber).filter_by(confirm_token_hash=_hash(token)))
    if subscriber is None or subscriber.confirm_expires_at is None or subscriber.confirm_expires_at < utcnow():
        return None
    return subscriber


def confirm(token: str) -> Subscriber | None:
    """Confirm a subscription from its link (once; an expired or used link confirms nothing)."""
    subscriber = find_by_confirm_token(token)
    if subscriber is None:
        return None
    subscriber.confirmed_at = utcnow()
    subscriber.confirm_token_hash = None
    subscriber.confirm_expires_at = None
    audit.record("update", "subscriber", subscriber.id, "confirmed")
    return subscriber


def find_by_stop_token(token: str) -> Subscriber | None:
    """The subscription a stop link belongs to."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Subscriber).filter_by(stop_token_hash=_hash(token)))


def stop(token: str) -> Subscriber | None:
    """Stop a subscription from the link in any of its mails (stopping twice is harmless)."""
    subscriber = find_by_stop_token(token)
    if subscriber is None:
        return None
    if subscriber.stopped_at is None:
        subscriber.stopped_at = utcnow()
        subscriber.confirm_token_hash = None
        audit.record("update", "subscriber", subscriber.id, "stopped")
    return subscriber
