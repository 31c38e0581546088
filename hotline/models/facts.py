"""What a report says about people: groups of people (対象者の区分) and their data items."""

import enum
from datetime import date, time

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import enum_column
from .notices import Certainty, Report


class LeakStatus(enum.Enum):
    """What is known about one data item of one group of people, strongest first."""

    CONFIRMED = "confirmed"
    LIKELY = "likely"
    POSSIBLE = "possible"
    INVESTIGATING = "investigating"
    NOT_LEAKED = "not_leaked"
    NOT_HELD = "not_held"

    @property
    def label(self) -> str:
        """Japanese label."""
        return _LEAK_LABELS[self.value]

    @property
    def is_firm(self) -> bool:
        """Settled either way; the three in between say the investigation has not ended."""
        return self in (LeakStatus.CONFIRMED, LeakStatus.NOT_LEAKED, LeakStatus.NOT_HELD)

    @property
    def is_possibility(self) -> bool:
        """Leakage likely or not ruled out: what a final scope may keep, item by item."""
        return self in (LeakStatus.LIKELY, LeakStatus.POSSIBLE)

    @property
    def may_have_leaked(self) -> bool:
        """Confirmed, likely or possible."""
        return self in (LeakStatus.CONFIRMED, LeakStatus.LIKELY, LeakStatus.POSSIBLE)


_LEAK_LABELS = {
    "confirmed": "漏えいを確認",
    "likely": "漏えいの可能性が高い",
    "possible": "漏えいの可能性を否定できない",
    "investigating": "確認されていない（調査中）",
    "not_leaked": "漏えいしていないことを確認",
    "not_held": "当社では保有していない",
}


class DataCategory(enum.Enum):
    """Kinds of personal data a report can speak of, in display order."""

    NAME = "name"
    ADDRESS = "address"
    EMAIL = "email"
    PHONE = "phone"
    BIRTH_DATE = "birth_date"
    GENDER = "gender"
    CARD_HOLDER = "card_holder"
    CARD_NUMBER = "card_number"
    CARD_EXPIRY = "card_expiry"
    SECURITY_CODE = "security_code"
    LOGIN_ID = "login_id"
    PASSWORD = "password"
    PURCHASE_HISTORY = "purchase_history"
    BANK_ACCOUNT = "bank_account"

    @property
    def label(self) -> str:
        """Japanese name of the category."""
        return _CATEGORY_LABELS[self.value]

    @property
    def order(self) -> int:
        """Display position."""
        return list(DataCategory).index(self)


_CATEGORY_LABELS = {
    "name": "氏名",
    "address": "住所",
    "email": "メールアドレス",
    "phone": "電話番号",
    "birth_date": "生年月日",
    "gender": "性別",
    "card_holder": "クレジットカード名義人名",
    "card_number": "クレジットカード番号",
    "card_expiry": "クレジットカード有効期限",
    "security_code": "セキュリティコード",
    "login_id": "ログインID",
    "password": "パスワード",
    "purchase_history": "購入履歴",
    "bank_account": "銀行口座情報",
}


class AffectedGroup(db.Model):
    """One group of people a report speaks of (会員, お届け先 …): its count and its data items.

    A group with `affected` false is named as not concerned (e.g. phone-order customers).
    `final_scope` says the number is final while, for each person, leakage stays a
    possibility (card skimming): the items keep 可能性 and the report may still be final.
    """

    __table_args__ = (UniqueConstraint("report_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(60))
    affected: Mapped[bool] = mapped_column(default=True)
    unit: Mapped[str] = mapped_column(String(4), default="名")
    count_min: Mapped[int | None]
    count_max: Mapped[int | None]
    count_approx: Mapped[bool] = mapped_column(default=False)
    count_certainty: Mapped[Certainty] = mapped_column(
        enum_column(Certainty), default=Certainty.PROVISIONAL
    )
    cleared: Mapped[int | None]
    final_scope: Mapped[bool] = mapped_column(default=False)
    # The group's own period, where it differs from the report's (empty: the report's applies).
    period_start: Mapped[date | None]
    period_start_time: Mapped[time | None]
    period_start_certainty: Mapped[Certainty] = mapped_column(
        enum_column(Certainty), default=Certainty.PROVISIONAL, server_default="provisional")
    period_end: Mapped[date | None]
    period_end_time: Mapped[time | None]
    period_end_certainty: Mapped[Certainty] = mapped_column(
        enum_column(Certainty), default=Certainty.PROVISIONAL, server_default="provisional")
    note: Mapped[str] = mapped_column(String(300), default="")
    reason: Mapped[str] = mapped_column(Text, default="")

    report: Mapped[Report] = relationship(back_populates="groups")
    items: Mapped[list["GroupItem"]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="GroupItem.position"
    )

    def item_status(self, label: str) -> "LeakStatus | None":
        """Status of one data item in this group, or None if not mentioned."""
        return next((item.status for item in self.items if item.label == label), None)


class GroupItem(db.Model):
    """What one report says about one data item of one group (a fixed category or a free item)."""

    __table_args__ = (UniqueConstraint("group_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("affected_group.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    category: Mapped[DataCategory | None] = mapped_column(enum_column(DataCategory))
    label: Mapped[str] = mapped_column(String(60))
    status: Mapped[LeakStatus] = mapped_column(enum_column(LeakStatus))
    note: Mapped[str] = mapped_column(String(300), default="")

    group: Mapped[AffectedGroup] = relationship(back_populates="items")
