"""CSV export of inquiries for supervisors, safe to open in a spreadsheet."""

import csv
import io
from collections.abc import Iterator

from sqlalchemy import func, select

from .. import audit
from ..extensions import db
from ..models import Inquiry, User
from ..notices.report_view import jst

HEADER = ("受付番号", "受付日時", "経路", "種類", "至急", "状況", "お名前", "メール", "電話", "回答方法",
          "お知らせ番号", "お問い合わせ内容", "担当", "回答日時", "回答方法（実績）", "テンプレートID", "版", "編集あり")
CHUNK_ROWS = 1000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralize(value) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


COLUMNS = (Inquiry.receipt, Inquiry.created_at, Inquiry.channel, Inquiry.category, Inquiry.urgent, Inquiry.status,
           Inquiry.name, Inquiry.email, Inquiry.phone, Inquiry.reply_by, Inquiry.notice_number, Inquiry.message,
           User.display_name, Inquiry.answered_at, Inquiry.answer_channel, Inquiry.template_id,
           Inquiry.template_version, Inquiry.template_edited)
ANSWER_CHANNELS = {"email": "メール", "phone": "電話"}


def _row(r) -> list[str]:
    """One CSV row from the columns of COLUMNS (plain values, no ORM object per row)."""
    return [neutralize(v) for v in (
        r.receipt, jst(r.created_at), r.channel.label, r.category.label, "至急" if r.urgent else "",
        r.status.label, r.name, r.email, r.phone, r.reply_by.label, r.notice_number, r.message,
        r.display_name, jst(r.answered_at), ANSWER_CHANNELS.get(r.answer_channel), r.template_id,
        r.template_version, "はい" if r.template_edited else "")]


def record_export(user: User) -> int:
    """Audit an export of every inquiry (before its first byte is sent); returns how many rows it has."""
    count = db.session.scalar(select(func.count(Inquiry.id))) or 0
    audit.record("export", "inquiry", "*", f"rows={count}", user=user)
    return count


def csv_chunks(rows_per_chunk: int = CHUNK_ROWS) -> Iterator[str]:
    """Every inquiry as CSV text (UTF-8 with BOM for spreadsheets), a piece at a time.

    Rows are read in batches (a server-side cursor on PostgreSQL) and each piece is
    handed on before the next batch is read, so memory stays the same for 500 or
    500,000 inquiries. The agent's name comes in the same query (no query per row).
    """
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)  # lines end in CRLF, as spreadsheets expect (the csv module's default)
    writer.writerow(HEADER)
    query = (select(*COLUMNS).outerjoin(User, Inquiry.assigned_to_id == User.id)
             .order_by(Inquiry.created_at, Inquiry.id)
             .execution_options(yield_per=rows_per_chunk))  # pragma: no mutate (memory only: the batch size)
    for n, row in enumerate(db.session.execute(query), 1):
        writer.writerow(_row(row))
        if n % rows_per_chunk == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def export_csv(user: User, rows_per_chunk: int = CHUNK_ROWS) -> str:
    """The whole export as one text (small lists, tests); the pages stream `csv_chunks`."""
    record_export(user)
    return "".join(csv_chunks(rows_per_chunk))
