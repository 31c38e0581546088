"""Letters for people without a working email: printable PDF batches, one notice per page.

Each page is A4, folded in three for a 長3 window envelope (窓あき封筒): the postal code,
address and name sit where the window is (about 23 mm from the left, 13 mm from the top
of the paper, 90 × 45 mm), the sender and the notice number to the right, then the
notice itself. A batch is the next set of letters waiting; printing it marks them
printed and records it in each person's history. The PDF is made on request and never
stored (it holds names and addresses); a batch can be made again for a reprint.
"""

import os
from datetime import timezone
from pathlib import Path

from flask import current_app
from fpdf import FPDF
from fpdf.enums import WrapMode
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import audit
from ..extensions import db
from ..models import AffectedPerson, DeliveryStatus, NoticeCampaign, NoticeChannel, NoticeDelivery, NoticeEvent, Report
from ..models._types import utcnow
from ..notices import phrasing
from . import gifts, notice_text
from .campaigns import JST, why_not_sendable
from .sending import changed_text
from .people import facts_for

FONT_CANDIDATES = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                   "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc")
BATCH_MAX = 1000
SIZES = (9.0, 8.5, 8.0, 7.5, 7.0, 6.5)


class LetterError(RuntimeError):
    """Letters cannot be made; the text is Japanese."""


def font_path() -> str:
    """A Japanese font: HOTLINE_PDF_FONT, or Noto Sans CJK from fonts-noto-cjk."""
    configured = os.environ.get("HOTLINE_PDF_FONT", "")
    for candidate in ([configured] if configured else []) + list(FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return candidate
    found = sorted(Path("/usr/share/fonts").rglob("NotoSansCJK-Regular.ttc")) if Path("/usr/share/fonts").is_dir() else []
    if found:
        return str(found[0])
    raise LetterError("日本語のフォントが見つかりません。fonts-noto-cjk をインストールするか、"
                      "HOTLINE_PDF_FONT に .ttf/.otf/.ttc ファイルを指定してください。")


def _document() -> FPDF:
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.set_margins(18, 12, 18)
    pdf.add_font("jp", fname=font_path())
    pdf.set_title("個人情報の漏えいに関するお知らせ")
    return pdf


def _letter(pdf: FPDF, delivery: NoticeDelivery, body: str) -> None:
    person = delivery.person
    company = current_app.config["COMPANY_NAME"]
    pdf.add_page()
    pdf.set_font("jp", size=10)
    pdf.set_xy(25, 18)
    pdf.cell(85, 5, f"〒{person.postal_code}", new_x="LEFT", new_y="NEXT")
    pdf.set_x(25)
    pdf.multi_cell(85, 5, person.address, new_x="LEFT", new_y="NEXT", wrapmode=WrapMode.CHAR)
    pdf.set_font("jp", size=13)
    pdf.set_x(25)
    pdf.multi_cell(85, 7, f"{person.name} 様", new_x="LEFT", new_y="NEXT")
    pdf.set_font("jp", size=8.5)
    pdf.set_xy(125, 18)
    pdf.multi_cell(67, 4.2, f"{company}\n個人情報の漏えいに関するお知らせ係\nお知らせ番号：{person.notice_number}\n"
                            f"確認コード：{person.verify_code}", new_x="LEFT", new_y="NEXT")
    pdf.set_xy(18, 68)
    today = utcnow().replace(tzinfo=timezone.utc).astimezone(JST).date()
    pdf.cell(0, 5, phrasing.format_date(today), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("jp", size=11.5)
    pdf.cell(0, 8, "個人情報の漏えいに関するお詫びとお知らせ", align="C", new_x="LMARGIN", new_y="NEXT")
    size = _fitting_size(pdf, body, pdf.h - pdf.b_margin - pdf.get_y())
    pdf.set_font("jp", size=size)
    # Japanese wraps between any two characters, not at spaces.
    pdf.multi_cell(0, size * 0.5, body, new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)


def _height(pdf: FPDF, body: str, size: float) -> float:
    pdf.set_font("jp", size=size)
    return pdf.multi_cell(0, size * 0.5, body, dry_run=True, output="HEIGHT", wrapmode=WrapMode.CHAR)


def _fitting_size(pdf: FPDF, body: str, room: float) -> float:
    """The largest of SIZES at which the body fits in `room` (the smallest when none does).

    Height grows about with the square of the size, so one measurement at the largest
    size predicts where to start; one or two more confirm it.
    """
    first = _height(pdf, body, SIZES[0])
    if first <= room:
        return SIZES[0]
    guess = SIZES[0] * (room / first) ** 0.5
    candidates = [size for size in SIZES if size <= guess + 0.25] or [SIZES[-1]]
    for size in candidates:
        if size == SIZES[-1] or _height(pdf, body, size) <= room:
            return size
    return SIZES[-1]


def _render(deliveries: list[NoticeDelivery], report: Report, campaign: NoticeCampaign) -> bytes:
    """Every letter on exactly one page: the text gets smaller until it fits."""
    pdf = _document()
    for delivery in deliveries:
        _r, facts = facts_for(delivery.person, report)
        body = notice_text.fill(campaign.body, delivery.person, facts,
                                changed=changed_text(campaign, delivery.person, report),
                                extra=gifts.placeholders(campaign, delivery))
        body = body.split("\n", 2)[2] if body.startswith(f"{delivery.person.name or 'お客様'} 様\n\n") else body
        _letter(pdf, delivery, body)
    return bytes(pdf.output())


def print_batch(campaign: NoticeCampaign, user, limit: int = BATCH_MAX) -> tuple[int, bytes, int]:
    """The next batch of letters waiting: (batch number, PDF, how many). They become printed."""
    blocked = why_not_sendable(campaign)
    if blocked:
        raise LetterError(blocked.replace("自動停止：", "印刷できません。"))
    waiting = db.session.scalars(select(NoticeDelivery).where(
        NoticeDelivery.campaign_id == campaign.id, NoticeDelivery.status == DeliveryStatus.TO_PRINT)
        .options(selectinload(NoticeDelivery.person).selectinload(AffectedPerson.memberships))
        .order_by(NoticeDelivery.id).limit(limit)).all()
    if not waiting:
        raise LetterError("印刷を待っている郵送のお知らせはありません。")
    number = (db.session.scalar(select(func.max(NoticeDelivery.batch)).where(
        NoticeDelivery.campaign_id == campaign.id)) or 0) + 1
    report = db.session.get(Report, campaign.report_id)
    pdf = _render(waiting, report, campaign)
    now = utcnow()
    day = now.replace(tzinfo=timezone.utc).astimezone(JST).date()
    for delivery in waiting:
        delivery.status, delivery.batch, delivery.done_at = DeliveryStatus.PRINTED, number, now
        db.session.add(NoticeEvent(person_id=delivery.person_id, kind="printed", channel=NoticeChannel.LETTER,
                                   report_id=report.id, happened_on=day, note=f"印刷バッチ{number}"))
    audit.record("print", "notice_campaign", campaign.id, f"郵送のお知らせ バッチ{number}（{len(waiting)}通）", user=user)
    return number, pdf, len(waiting)


def reprint(campaign: NoticeCampaign, number: int, user) -> bytes:
    """A batch printed before, made again (a jammed printer, a lost box)."""
    deliveries = db.session.scalars(select(NoticeDelivery).where(
        NoticeDelivery.campaign_id == campaign.id, NoticeDelivery.batch == number).order_by(NoticeDelivery.id)).all()
    if not deliveries:
        raise LetterError(f"バッチ{number}はありません。")
    audit.record("print", "notice_campaign", campaign.id, f"バッチ{number}の再印刷（{len(deliveries)}通）", user=user)
    return _render(deliveries, db.session.get(Report, campaign.report_id), campaign)
