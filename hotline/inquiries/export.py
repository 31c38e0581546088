"""CSV export of inquiries for supervisors, safe to open in a spreadsheet."""

import csv
import io

from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..models import Inquiry, User
from ..notices.report_view import jst

HEADER = ("受付番号", "受付日時", "経路", "種類", "至急", "状況", "お名前", "メール", "電話", "回答方法",
          "お知らせ番号", "お問い合わせ内容", "担当", "回答日時", "回答方法（実績）", "テンプレートID", "版", "編集あり")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralize(value) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _row(i: Inquiry) -> list[str]:
    return [neutralize(v) for v in (
        i.receipt, jst(i.created_at), i.channel.label, i.category.label, "至急" if i.urgent else "",
        i.status.label, i.name, i.email, i.phone, i.reply_by.label, i.notice_number, i.message,
        i.assigned_to.display_name if i.assigned_to else "", jst(i.answered_at),
        {"email": "メール", "phone": "電話"}.get(i.answer_channel, ""), i.template_id or "",
        i.template_version or "", "はい" if i.template_edited else "")]


def export_csv(user: User) -> str:
    """Every inquiry as CSV (UTF-8 with BOM for spreadsheets); the export is audited."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    count = 0
    for inquiry in db.session.scalars(select(Inquiry).order_by(Inquiry.created_at)):
        writer.writerow(_row(inquiry))
        count += 1
    audit.record("export", "inquiry", "*", f"rows={count}", user=user)
    return out.getvalue()
