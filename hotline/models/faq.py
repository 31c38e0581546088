"""FAQ entries (よくあるご質問), votes and search statistics."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import today_in_japan, utcnow


class FaqEntry(db.Model):
    """One question and its answer; the database is the source of truth at run time."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    category: Mapped[str] = mapped_column(String(60), index=True)
    question: Mapped[str] = mapped_column(String(300))
    alternatives: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text)
    display_order: Mapped[int] = mapped_column(default=100)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"))
    source: Mapped[str] = mapped_column(String(20), default="file")
    published: Mapped[bool] = mapped_column(default=True)
    expires_on: Mapped[date | None]  # time-limited content: not shown or found after this day
    approved_change_id: Mapped[int | None]  # the approved FaqChange whose values are the public content
    helpful_yes: Mapped[int] = mapped_column(default=0)
    helpful_no: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    incident = relationship("Incident")

    @property
    def expired(self) -> bool:
        """Past its expiry date (in Japan): not shown or found any more."""
        return self.expires_on is not None and self.expires_on < today_in_japan()

    @property
    def alternative_list(self) -> list[str]:
        """Alternative phrasings, one per line."""
        return [line for line in self.alternatives.splitlines() if line.strip()]

    @property
    def keyword_list(self) -> list[str]:
        """Keywords, one per line."""
        return [line for line in self.keywords.splitlines() if line.strip()]


class FaqChange(db.Model):
    """A new FAQ entry, or a change of one, waiting for a second supervisor before it is public.

    `values` holds the entry's columns as JSON; `base_hash` the content of the entry when the
    change was written, so an approval is refused if the entry changed in between. `writers`
    are the ids of everyone who wrote this change (comma-separated): none of them may approve it.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("faq_entry.id"), index=True)
    values: Mapped[str] = mapped_column(Text)
    base_hash: Mapped[str] = mapped_column(String(64), default="")
    writers: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    entry = relationship("FaqEntry")
    author = relationship("User", foreign_keys=[author_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    @property
    def writer_ids(self) -> set[int]:
        """Everyone who wrote this change."""
        return {int(part) for part in self.writers.split(",") if part.strip().isdigit()}


class TextBlock(db.Model):
    """A shared passage (窓口の電話番号, 受付時間, 「カード番号をお伺いすることはございません」)
    written once and used as {文面:name} in answer templates and FAQ entries.

    `body` is the approved text every user shows; an edit waits in `pending_body` until a
    supervisor other than `pending_by` approves it.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    body: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=0)  # 0: never approved, not usable yet
    pending_body: Mapped[str | None] = mapped_column(Text)
    pending_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    pending_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    pending_by = relationship("User", foreign_keys=[pending_by_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])


class FaqVote(db.Model):
    """One browser's 'was this helpful?' answer on one entry."""

    __table_args__ = (UniqueConstraint("entry_id", "voter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("faq_entry.id"), index=True)
    voter: Mapped[str] = mapped_column(String(64))
    helpful: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SearchStat(db.Model):
    """How often a normalized query was searched, found nothing, or had a result opened.

    Holds the query text only: no address, no identity.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(String(200), unique=True)
    searches: Mapped[int] = mapped_column(default=0)
    zero_hits: Mapped[int] = mapped_column(default=0)
    opens: Mapped[int] = mapped_column(default=0)
    inquiries: Mapped[int] = mapped_column(default=0)  # searches followed by an inquiry from the search page
    handled_at: Mapped[datetime | None]  # a supervisor added it as a phrasing, or set it aside
    handled_note: Mapped[str] = mapped_column(String(100), default="")
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)


class IndexGeneration(db.Model):
    """How many committed changes a search index ('faq', 'answers') has had.

    Raised in the same transaction as the change; each node compares it with the
    generation its own index was built from (search/follow.py).
    """

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    number: Mapped[int] = mapped_column(default=0)
