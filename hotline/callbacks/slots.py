"""The time slots a caller can book: bookable hours in Japan, a length, a capacity each."""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import Callback, CallbackStatus
from ..models._types import utcnow

JST = timezone(timedelta(hours=9))
WEEKDAYS = "月火水木金土日"
LEAD = timedelta(minutes=30)  # the earliest slot starts at least this far ahead


@dataclass(frozen=True)
class Slot:
    """One bookable slot: its start (naive UTC, as stored) and how many places are left."""

    start: datetime
    remaining: int

    @property
    def value(self) -> str:
        """The slot as a form value (UTC, minutes)."""
        return self.start.strftime("%Y%m%d%H%M")

    @property
    def label(self) -> str:
        """The slot in Japanese, in Japan time."""
        return slot_label(self.start, current_app.config["CALLBACK_SLOT_MINUTES"])

    @property
    def day(self) -> str:
        """The day of the slot in Japanese (for grouping)."""
        local = self.start.replace(tzinfo=timezone.utc).astimezone(JST)
        return f"{local.month}月{local.day}日（{WEEKDAYS[local.weekday()]}）"


def slot_label(start: datetime, minutes: int) -> str:
    """「12月3日（木）10:00〜10:30」 for a slot starting at `start` (naive UTC)."""
    local = start.replace(tzinfo=timezone.utc).astimezone(JST)
    end = local + timedelta(minutes=minutes)
    return f"{local.month}月{local.day}日（{WEEKDAYS[local.weekday()]}）{local:%H:%M}〜{end:%H:%M}"


def _hours() -> tuple[int, int]:
    """Bookable hours as minutes after midnight in Japan, from "10:00-18:00"."""
    start, end = current_app.config["CALLBACK_HOURS"].split("-")
    to_minutes = [int(part.split(":")[0]) * 60 + int(part.split(":")[1] if ":" in part else 0) for part in (start, end)]
    return to_minutes[0], to_minutes[1]


def candidate_starts(now: datetime | None = None) -> list[datetime]:
    """Every slot start (naive UTC) from soon on, over the configured number of days with slots
    left (today counts when some of its slots are still ahead)."""
    cfg = current_app.config
    now = now or utcnow()
    first, last = _hours()
    step = cfg["CALLBACK_SLOT_MINUTES"]
    today = now.replace(tzinfo=timezone.utc).astimezone(JST).date()
    out, days = [], 0
    for offset in range(cfg["CALLBACK_DAYS"] + 1):
        day = datetime.combine(today + timedelta(days=offset), datetime.min.time(), JST)
        starts = [(day + timedelta(minutes=minute)).astimezone(timezone.utc).replace(tzinfo=None)
                  for minute in range(first, last - step + 1, step)]
        starts = [start for start in starts if start >= now + LEAD]
        if starts and days < cfg["CALLBACK_DAYS"]:
            out += starts
            days += 1
    return out


def booked(starts: list[datetime]) -> dict[datetime, int]:
    """How many scheduled callbacks each slot holds."""
    if not starts:
        return {}
    rows = db.session.execute(select(Callback.slot_at, func.count(Callback.id)).where(
        Callback.slot_at.in_(starts), Callback.status == CallbackStatus.SCHEDULED).group_by(Callback.slot_at))
    return {slot: count for slot, count in rows}


def open_slots(now: datetime | None = None) -> list[Slot]:
    """The slots a caller can still book, soonest first (full ones left out)."""
    starts = candidate_starts(now)
    taken = booked(starts)
    capacity = current_app.config["CALLBACK_SLOT_CAPACITY"]
    return [Slot(s, capacity - taken.get(s, 0)) for s in starts if taken.get(s, 0) < capacity]


def parse_slot(value: str) -> datetime | None:
    """A slot start from its form value, or None."""
    try:
        return datetime.strptime(value or "", "%Y%m%d%H%M")
    except ValueError:
        return None
