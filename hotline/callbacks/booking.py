"""Booking a callback from the public page: checks, the callback number, the confirmation."""

from datetime import datetime

from flask import current_app
from sqlalchemy import func, select, text

from .. import audit, mail
from ..inquiries import new_receipt
from ..extensions import db
from ..models import Callback, CallbackStatus, InquiryCategory
from ..models._sealed import lookup_hash
from .slots import candidate_starts, slot_label

NUMBER_PREFIX = "CB"


class CallbackError(Exception):
    """A callback cannot be booked or recorded; the message is Japanese."""


def phone_key(phone: str) -> str:
    """The keyed hash of a phone number's digits (finds an open booking for the same number)."""
    return lookup_hash("callback_phone", "".join(ch for ch in phone if ch.isdigit()))


def new_number() -> str:
    """A callback number like 'CB-K7QM-2XPA' (40 random bits; it is only read back to the caller)."""
    return f"{NUMBER_PREFIX}-" + "-".join(new_receipt().split("-")[:2])


def book(phone: str, slot: datetime, category: InquiryCategory, name: str = "", email: str = "",
         note: str = "") -> Callback:
    """Book a slot for a phone number (not committed). Refuses a slot that is not offered or
    is full, and a second open booking for the same number."""
    if slot not in candidate_starts():
        raise CallbackError("選んだ時間帯は予約できません。表示されている時間帯から選び直してください。")
    if db.session.get_bind().dialect.name == "postgresql":
        # one booking per slot at a time, so the count below sees every other booking of it
        db.session.execute(text("SELECT pg_advisory_xact_lock(:slot)"), {"slot": int(slot.timestamp()) // 60})
    key = phone_key(phone)
    open_one = db.session.scalar(select(Callback.id).where(Callback.phone_hash == key,
                                                           Callback.status == CallbackStatus.SCHEDULED))
    if open_one is not None:
        raise CallbackError("この電話番号では、既に折り返しのご予約を承っております。お電話をお待ちください。")
    callback = Callback(number=new_number(), phone=phone, phone_hash=key, name=name, email=email, note=note,
                        category=category, slot_at=slot, next_attempt_at=slot, attempts=0,
                        status=CallbackStatus.SCHEDULED)
    db.session.add(callback)
    db.session.flush()
    taken = db.session.scalar(select(func.count(Callback.id)).where(
        Callback.slot_at == slot, Callback.status == CallbackStatus.SCHEDULED))
    if taken > current_app.config["CALLBACK_SLOT_CAPACITY"]:
        raise CallbackError("選んだ時間帯は、ちょうど満席になりました。別の時間帯を選んでください。")
    audit.record("create", "callback", callback.id, detail=f"slot={slot:%Y-%m-%dT%H:%M}")
    if email:
        mail.enqueue(email, f"【折り返しのご予約】{callback.number}", confirmation_text(callback), "callback",
                     to_name=name)
    return callback


def confirmation_text(callback: Callback) -> str:
    """The confirmation mail: number, time, the number we call from, what happens if we miss."""
    cfg = current_app.config
    caller = cfg.get("CALLBACK_FROM_NUMBER") or "当社の窓口の番号"
    lines = [
        f"{callback.name} 様" if callback.name else "お客様",
        "",
        "折り返しのお電話のご予約を承りました。",
        "",
        f"予約番号：{callback.number}",
        f"日時：{slot_label(callback.slot_at, cfg['CALLBACK_SLOT_MINUTES'])}",
        f"おかけする番号：{caller}",
        "",
        f"つながらなかった場合は、{cfg['CALLBACK_RETRY_MINUTES']}分ほどおいて、"
        f"合わせて{cfg['CALLBACK_ATTEMPTS']}回までおかけいたします。",
        "当社から、お電話でカード番号・暗証番号・パスワードをお伺いすることはございません。",
        "",
        f"{cfg['COMPANY_NAME']}",
    ]
    return "\n".join(lines)
