"""Supervisor figures counted in the database: the backlog by age, answers per day in Japan."""

from datetime import datetime, time, timedelta

from hotline.extensions import db
from hotline.inquiries import stats
from hotline.models import Inquiry, InquiryCategory, InquiryStatus, ReplyBy
from hotline.models._types import utcnow


def _inquiry(n, category=InquiryCategory.LEAKED_DATA, status=InquiryStatus.NEW, urgent=False, **fields):
    item = Inquiry(receipt=f"FIG-{n:04d}", category=category, status=status, urgent=urgent, name="利用者",
                   email="", reply_by=ReplyBy.PHONE, message="質問", **fields)
    db.session.add(item)
    return item


def test_the_backlog_counts_open_inquiries_by_category_and_age(app):
    now = utcnow()
    ages = {0: timedelta(minutes=10), 1: timedelta(minutes=50), 2: timedelta(hours=2), 3: timedelta(hours=30),
            4: timedelta(days=5)}
    for n, age in ages.items():
        _inquiry(n, created_at=now - age, urgent=n == 3)
    _inquiry(5, category=InquiryCategory.CARD_FRAUD, status=InquiryStatus.WAITING, created_at=now - timedelta(hours=80))
    _inquiry(6, status=InquiryStatus.ANSWERED, created_at=now - timedelta(minutes=5))  # not open: not counted
    db.session.commit()
    figures = stats.backlog()
    assert figures["labels"] == ["1時間未満", "1〜24時間", "1〜3日", "3日以上"]
    lines = {line["category"]: line for line in figures["lines"]}
    assert lines[InquiryCategory.LEAKED_DATA.label]["cells"] == [2, 1, 1, 1]
    assert lines[InquiryCategory.CARD_FRAUD.label]["cells"] == [0, 0, 0, 1]
    assert (figures["total"], figures["urgent"]) == (6, 1)


def test_answers_are_counted_on_the_day_they_were_in_japan(app):
    now = utcnow()
    today = (now + timedelta(hours=9)).date()
    midnight_in_japan = datetime.combine(today, time(0)) - timedelta(hours=9)  # as stored: naive UTC
    moments = [midnight_in_japan + timedelta(minutes=1),  # 0:01 today in Japan, 15:01 yesterday in UTC
               midnight_in_japan - timedelta(minutes=1),  # 23:59 yesterday in Japan
               midnight_in_japan - timedelta(hours=20),  # yesterday morning in Japan
               now - timedelta(days=30)]  # outside the window
    for n, moment in enumerate(moments):
        _inquiry(n, status=InquiryStatus.ANSWERED, answered_at=min(moment, now))
    db.session.commit()
    per_day = stats.answered_per_day(days=3, today=today)
    yesterday, before = today - timedelta(days=1), today - timedelta(days=2)
    assert [row["day"] for row in per_day] == [f"{d.month}/{d.day}" for d in (before, yesterday, today)]
    assert [row["count"] for row in per_day] == [0, 2, 1]
