"""Agents call back: what is due, the audited opening, and each attempt's outcome.

A call that gets through becomes a phone inquiry logged by the agent (so the answer, the
template and the history are those of every other inquiry); a call that does not is tried
again after the configured interval, up to the configured number of attempts, then closed
with a note (and, when the caller gave an address, a mail saying so).
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from .. import audit, inquiries, mail
from ..extensions import db
from ..models import Callback, CallbackStatus, Channel, Inquiry, ReplyBy, Role, User
from ..models._types import utcnow
from .booking import CallbackError

OUTCOMES = {"reached": "つながった（通話を記録する）", "no_answer": "出なかった・話し中", "wrong_number": "番号が違った・使われていない"}
SOON = timedelta(minutes=15)


def due(now: datetime | None = None) -> list[Callback]:
    """Scheduled callbacks whose next attempt is due now or within 15 minutes, soonest first."""
    limit = (now or utcnow()) + SOON
    return list(db.session.scalars(select(Callback).where(
        Callback.status == CallbackStatus.SCHEDULED, Callback.next_attempt_at <= limit)
        .order_by(Callback.next_attempt_at, Callback.id)))


def listing(status: CallbackStatus | None = None, limit: int = 200) -> list[Callback]:
    """Callbacks of one status (all when None), next attempt first."""
    query = select(Callback).order_by(Callback.next_attempt_at, Callback.id).limit(limit)
    if status is not None:
        query = query.where(Callback.status == status)
    return list(db.session.scalars(query))


def open_for(callback_id: int, user: User) -> Callback | None:
    """A callback with its phone number for staff; the view is recorded in the audit log."""
    callback = db.session.get(Callback, callback_id)
    if callback is not None:
        audit.record_view("callback", callback.id, user=user)
    return callback


def record_outcome(callback: Callback, agent: User, outcome: str, note: str = "") -> Inquiry | None:
    """Record one attempt. Returns the phone inquiry when the call got through."""
    if agent is None or not agent.has_role(Role.AGENT):
        raise CallbackError("ログインが必要です。")
    if outcome not in OUTCOMES:
        raise CallbackError("結果を選んでください。")
    if callback.status is not CallbackStatus.SCHEDULED:
        raise CallbackError(f"この折り返しは既に終わっています（{callback.status.label}）。")
    cfg = current_app.config
    callback.attempts += 1
    callback.handled_by = agent
    inquiry = None
    if outcome == "reached":
        inquiry = inquiries.receive(dict(
            name=callback.name or "（お名前未入力）", email=callback.email, phone=callback.phone,
            reply_by=ReplyBy.PHONE, category=callback.category, notice_number="",
            message=_call_message(callback, note)), Channel.PHONE, logged_by=agent)
        callback.status, callback.inquiry_id = CallbackStatus.DONE, inquiry.id
        callback.closed_note = f"{callback.attempts}回目のお電話でつながりました。"
    elif outcome == "wrong_number":
        callback.status = CallbackStatus.UNREACHED
        callback.closed_note = ("番号が違う、または使われていないため終了しました。" + (f" {note}" if note else ""))[:300]
    elif callback.attempts >= cfg["CALLBACK_ATTEMPTS"]:
        callback.status = CallbackStatus.UNREACHED
        callback.closed_note = (f"{callback.attempts}回お電話しましたが、つながりませんでした。"
                                + (f" {note}" if note else ""))[:300]
        _tell_unreached(callback)
    else:
        callback.next_attempt_at = utcnow() + timedelta(minutes=cfg["CALLBACK_RETRY_MINUTES"])
    db.session.flush()
    audit.record("call", "callback", callback.id, detail=f"{outcome} attempt={callback.attempts}", user=agent)
    return inquiry


def _call_message(callback: Callback, note: str) -> str:
    """The inquiry text of a call that got through: what the caller left, and the agent's note."""
    parts = [f"折り返しのお電話（予約番号 {callback.number}）。"]
    if callback.note:
        parts.append(f"ご予約時のご用件：{callback.note}")
    if note:
        parts.append(f"通話のメモ：{note}")
    return "\n".join(parts)


def _tell_unreached(callback: Callback) -> None:
    """Mail a caller who gave an address that we could not reach them, and what to do now."""
    if not callback.email:
        return
    cfg = current_app.config
    body = "\n".join([
        f"{callback.name} 様" if callback.name else "お客様",
        "",
        f"折り返しのご予約（{callback.number}）について、{callback.attempts}回お電話いたしましたが、"
        "おつなぎできませんでした。",
        "お手数ですが、あらためて折り返しをご予約いただくか、お問い合わせフォームからご連絡ください。",
        f"{cfg['PUBLIC_URL']}/callback",
        f"{cfg['PUBLIC_URL']}/inquiry",
        "",
        f"{cfg['COMPANY_NAME']}",
    ])
    mail.enqueue(callback.email, f"【折り返しのご予約】{callback.number}：おつなぎできませんでした", body, "callback",
                 to_name=callback.name)
