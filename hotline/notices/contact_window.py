"""The contact window (専用窓口) as a schedule: when it opens, its hours per period, when it closes.

Staff write one period per line, e.g.

    2026-11-20〜2026-12-31 9:00-20:00 土日祝も受付
    2027-01-01〜2027-03-31 9:00-18:00 土日祝を除く

and pages show today's hours, the coming change and the closing date. While the window
is open the incident keeps its banner on the top page, after the final report too.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import jpholiday

from .phrasing import format_date

JST = timezone(timedelta(hours=9))
MAX_PERIODS = 12
_LINE = re.compile(
    r"^(?P<start>\d{4}-\d{1,2}-\d{1,2})\s*[〜~～ー－-]\s*(?P<end>\d{4}-\d{1,2}-\d{1,2})?\s+"
    r"(?P<open>\d{1,2}:\d{2})\s*[〜~～ー－-]\s*(?P<close>\d{1,2}:\d{2})\s*(?P<days>.*)$")
WEEKDAYS_ONLY = ("土日祝を除く", "土日祝日を除く", "平日のみ", "平日")
EVERY_DAY = ("土日祝も受付", "土日祝日も受付", "毎日", "土日祝も", "")


class ScheduleError(ValueError):
    """A schedule line cannot be read; the message is Japanese and names the line."""


@dataclass(frozen=True)
class Period:
    """Hours that hold from `start` to `end` (inclusive; None: until further notice)."""

    start: date
    end: date | None
    opens: time
    closes: time
    weekdays_only: bool

    def covers(self, day: date) -> bool:
        """True if `day` falls in this period."""
        return self.start <= day and (self.end is None or day <= self.end)

    def open_on(self, day: date) -> bool:
        """True if the window answers on `day` under this period."""
        if not self.covers(day):
            return False
        return not (self.weekdays_only and (day.weekday() >= 5 or jpholiday.is_holiday(day)))

    @property
    def hours(self) -> str:
        """'9:00〜20:00（土日祝日も受け付けております）'."""
        days = "土日祝日を除く" if self.weekdays_only else "土日祝日も受け付けております"
        return f"{self.opens.hour}:{self.opens:%M}〜{self.closes.hour}:{self.closes:%M}（{days}）"

    @property
    def line(self) -> str:
        """The period as staff write it."""
        end = self.end.isoformat() if self.end else ""
        days = "土日祝を除く" if self.weekdays_only else "土日祝も受付"
        return f"{self.start.isoformat()}〜{end} {self.opens.hour}:{self.opens:%M}-{self.closes.hour}:{self.closes:%M} {days}"


def _day(text: str, number: int) -> date:
    """A date of line `number`."""
    try:
        return date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError:
        raise ScheduleError(f"{number}行目：日付「{text}」が正しくありません（例：2026-11-20）。") from None


def _clock(text: str, number: int) -> time:
    """A time of day of line `number`."""
    hours, minutes = (int(part) for part in text.split(":"))
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise ScheduleError(f"{number}行目：時刻「{text}」が正しくありません（例：9:00）。")
    return time(23, 59) if hours == 24 else time(hours, minutes)


def parse_schedule(text: str) -> list[Period]:
    """Periods in date order; ScheduleError (Japanese, with the line) for anything unreadable."""
    periods = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = unicodedata.normalize("NFKC", raw).strip().replace("/", "-")
        if not line:
            continue
        match = _LINE.match(line)
        if not match:
            raise ScheduleError(f"{number}行目：「開始日〜終了日 開始時刻-終了時刻 曜日」の形で書いてください"
                                "（例：2026-11-20〜2026-12-31 9:00-20:00 土日祝も受付）。")
        days = match["days"].strip()
        if days not in WEEKDAYS_ONLY + EVERY_DAY:
            raise ScheduleError(f"{number}行目：曜日は「土日祝も受付」か「土日祝を除く」と書いてください。")
        start, end = _day(match["start"], number), (_day(match["end"], number) if match["end"] else None)
        opens, closes = _clock(match["open"], number), _clock(match["close"], number)
        if end is not None and end < start:
            raise ScheduleError(f"{number}行目：終了日が開始日より前になっています。")
        if closes <= opens:
            raise ScheduleError(f"{number}行目：終了時刻が開始時刻より前になっています。")
        periods.append(Period(start, end, opens, closes, days in WEEKDAYS_ONLY))
    if len(periods) > MAX_PERIODS:
        raise ScheduleError(f"受付時間の予定は{MAX_PERIODS}行までです。")
    periods.sort(key=lambda p: p.start)
    for before, after in zip(periods, periods[1:]):
        if before.end is None or before.end >= after.start:
            raise ScheduleError(f"{format_date(after.start)}からの予定が、その前の予定と重なっています。")
    return periods


def normalized(text: str) -> str:
    """The schedule rewritten one canonical line per period (what is stored)."""
    return "\n".join(period.line for period in parse_schedule(text))


def today_in_japan(now: datetime | None = None) -> date:
    """The date in Japan now (or at `now`, a UTC time)."""
    moment = now or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(JST).date()


@dataclass(frozen=True)
class WindowToday:
    """What pages say about the window on one day."""

    is_open_period: bool  # within the window's dates (a closed weekend inside them included)
    today: str  # '本日（12月5日）の受付時間：9:00〜20:00' or '本日（12月6日）は受付を休止しております'
    coming: str  # '12月31日まで。2027年1月1日からは9:00〜18:00（土日祝日を除く）' …
    closes_on: date | None


def window_on(schedule: str, day: date) -> WindowToday | None:
    """The window as of `day`, or None when the incident has no schedule."""
    try:
        periods = parse_schedule(schedule)
    except ScheduleError:
        return None
    if not periods:
        return None
    closes_on = None if periods[-1].end is None else periods[-1].end
    current = next((p for p in periods if p.covers(day)), None)
    label = f"本日（{day.month}月{day.day}日）"
    if current is None:
        upcoming = next((p for p in periods if p.start > day), None)
        if upcoming is None:
            return WindowToday(False, f"専用窓口は{format_date(closes_on)}をもって受付を終了いたしました。", "", closes_on)
        return WindowToday(False, f"専用窓口は{format_date(upcoming.start)}から受け付けます。",
                           f"受付時間：{upcoming.hours}", closes_on)
    today = (f"{label}の受付時間：{current.opens.hour}:{current.opens:%M}〜{current.closes.hour}:{current.closes:%M}"
             if current.open_on(day) else f"{label}は受付をお休みしております（{current.hours}）")
    following = next((p for p in periods if p.start > day), None)
    if following is not None:
        coming = f"{format_date(following.start)}からは、受付時間を{following.hours}といたします。"
    elif closes_on is not None:
        coming = f"専用窓口の受付は{format_date(closes_on)}までです。"
    else:
        coming = ""
    return WindowToday(True, today, coming, closes_on)


def is_open_window(schedule: str, day: date) -> bool:
    """True while `day` is within the window's dates (keeps the top-page banner)."""
    state = window_on(schedule, day)
    return bool(state and state.is_open_period)
