"""Figures for supervisors: backlog, answers per day, template use, votes. No personal data."""

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import Integer, case, cast, func, select

from ..extensions import db, driver_rows
from ..models import AnswerTemplate, FaqEntry, Inquiry, InquiryCategory, InquiryStatus, TemplateStatus
from ..models._types import utcnow
from ..notices.report_view import JST

AGE_BUCKETS = ((1, "1時間未満"), (24, "1〜24時間"), (72, "1〜3日"), (None, "3日以上"))
OPEN = (InquiryStatus.NEW, InquiryStatus.ASSIGNED, InquiryStatus.WAITING)



def backlog() -> dict:
    """Open inquiries by category and age bucket, with totals and the urgent count (counted in the database)."""
    now = utcnow()
    limits = [limit for limit, _ in AGE_BUCKETS if limit is not None]
    bucket = case(*((Inquiry.created_at > now - timedelta(hours=h), k) for k, h in enumerate(limits)),
                  else_=len(limits))
    rows = db.session.execute(
        select(Inquiry.category, bucket, func.count(Inquiry.id), func.sum(cast(Inquiry.urgent, Integer)))
        .where(Inquiry.status.in_(OPEN)).group_by(Inquiry.category, bucket)).all()
    labels = [label for _, label in AGE_BUCKETS]
    table: dict[InquiryCategory, Counter] = defaultdict(Counter)
    for category, k, n, _ in rows:
        table[category][labels[k]] += n
    lines = [{"category": c.label, "cells": [table[c][label] for label in labels], "total": sum(table[c].values())}
             for c in InquiryCategory if table[c]]
    return {"labels": labels, "lines": lines, "total": sum(r[2] for r in rows), "urgent": sum(r[3] or 0 for r in rows)}


def _day_starts(first: date, count: int) -> list[datetime]:
    """Midnight in Japan of `count + 1` consecutive days from `first`, as stored (naive UTC)."""
    return [datetime.combine(first + timedelta(days=k), time(0), JST).astimezone(timezone.utc).replace(tzinfo=None)
            for k in range(count + 1)]


def _per_day(first: date, days: int, *group, where=()) -> list[dict]:
    """For each day in Japan, the answered inquiries (grouped by `group`), each day one range of the index."""
    starts = _day_starts(first, days)
    out = []
    for k in range(days):
        query = select(*group, func.count(Inquiry.id)).where(
            Inquiry.answered_at >= starts[k], Inquiry.answered_at < starts[k + 1], *where)
        out.append(dict(db.session.execute(query.group_by(*group)).all()) if group
                   else {None: db.session.scalar(query) or 0})
    return out


def answered_per_day(days: int = 14, today: date | None = None) -> list[dict]:
    """How many inquiries were answered on each of the last `days` days (Japan time)."""
    today = today or utcnow().replace(tzinfo=timezone.utc).astimezone(JST).date()
    first = today - timedelta(days=days - 1)
    counts = _per_day(first, days)
    return [{"day": f"{d.month}/{d.day}", "count": counts[k][None]}
            for k, d in enumerate(first + timedelta(days=k) for k in range(days))]


def template_usage() -> list[dict]:
    """Templates by the number of inquiries answered with them, with how many were edited."""
    rows = db.session.execute(
        select(Inquiry.template_id, func.count(Inquiry.id), func.sum(cast(Inquiry.template_edited, Integer)))
        .where(Inquiry.template_id.is_not(None)).group_by(Inquiry.template_id)).all()
    titles = {t.id: t for t in db.session.scalars(select(AnswerTemplate))}
    out = [{"title": titles[tid].title if tid in titles else f"#{tid}", "id": tid, "count": n, "edited": int(e or 0),
            "status": titles[tid].status.label if tid in titles else ""} for tid, n, e in rows]
    return sorted(out, key=lambda r: -r["count"])


def rising_templates(days: int = 7, limit: int = 10, today: date | None = None) -> list[dict]:
    """Questions on the rise: templates by how much more they answered in the last `days` days
    (Japan time) than in the `days` before, with each recent day's count for a chart."""
    today = today or utcnow().replace(tzinfo=timezone.utc).astimezone(JST).date()
    first = today - timedelta(days=2 * days - 1)
    per: dict[int, Counter] = defaultdict(Counter)
    daily = _per_day(first, 2 * days, Inquiry.template_id, where=(Inquiry.template_id.is_not(None),))
    for k, counts in enumerate(daily):
        for template_id, n in counts.items():
            per[template_id][first + timedelta(days=k)] += n
    titles = {t.id: t.title for t in db.session.scalars(select(AnswerTemplate).where(AnswerTemplate.id.in_(per)))}
    out = []
    for template_id, counts in per.items():
        recent = [{"day": f"{d.month}/{d.day}", "count": counts[d]}
                  for d in (today - timedelta(days=k) for k in range(days - 1, -1, -1))]
        this_week = sum(r["count"] for r in recent)
        last_week = sum(counts[today - timedelta(days=days + k)] for k in range(days))
        if this_week:
            out.append({"id": template_id, "title": titles.get(template_id, f"#{template_id}"), "recent": recent,
                        "this_week": this_week, "last_week": last_week, "rise": this_week - last_week})
    return sorted(out, key=lambda r: (-r["rise"], -r["this_week"], r["id"]))[:limit]


def faq_usage() -> dict[int, int]:
    """FAQ entry id → inquiries answered with the template published as that entry."""
    return {entry_id: n for entry_id, n in driver_rows(_FAQ_USAGE)}


_FAQ_USAGE = (select(AnswerTemplate.faq_entry_id, func.count(Inquiry.id))
              .join(Inquiry, Inquiry.template_id == AnswerTemplate.id)
              .where(AnswerTemplate.faq_entry_id.is_not(None)).group_by(AnswerTemplate.faq_entry_id))


def template_queues() -> dict:
    """Proposals waiting and templates needing review."""
    def of(status):
        return db.session.scalars(select(AnswerTemplate).where(AnswerTemplate.status == status)
                                  .order_by(AnswerTemplate.updated_at)).all()
    return {"proposals": of(TemplateStatus.PROPOSAL), "review": of(TemplateStatus.NEEDS_REVIEW)}


def faq_votes(limit: int = 10) -> list[FaqEntry]:
    """FAQ entries with the most 'not helpful' votes first."""
    return db.session.scalars(select(FaqEntry).where(FaqEntry.helpful_yes + FaqEntry.helpful_no > 0)
                              .order_by(FaqEntry.helpful_no.desc(), FaqEntry.helpful_yes).limit(limit)).all()
