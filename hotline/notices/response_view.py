"""The company's response as readers see it: damage figures, compensation, service, notices, filings.

Each function turns the report's typed facts into finished sentences, with the caveat
their certainty asks for; report_view places them in the numbered items.
"""

from sqlalchemy import select

from ..extensions import db
from ..models import Certainty, FilingKind, RegulatorFiling, Report
from .phrasing import format_count, format_date

COMPENSATION_STATES = {"": "記載しない", "considering": "検討中", "decided": "決定"}


def damage_figures(report: Report) -> list[str]:
    """'現時点で把握している被害は、不正利用の可能性がある取引42件（約1,234,000円）でございます。'."""
    cases, amount = report.damage_cases, report.damage_amount
    if cases is None and amount is None:
        return []
    what = f"{format_count(cases)}件" if cases is not None else ""
    money = f"被害額の合計は{format_count(amount)}円" if amount is not None else ""
    if report.damage_certainty is Certainty.CONFIRMED:
        parts = "、".join(p for p in (f"被害の件数は{what}" if what else "", money) if p)
        return [f"調査の結果、{parts}であることを確認いたしました。"]
    parts = "、".join(p for p in (f"被害の件数は{what}" if what else "", money) if p)
    return [f"現時点で把握しております{parts}でございます。今後の調査により変わる可能性がございます。"]


def compensation(report: Report) -> list[str]:
    """Compensation: decided (what, to whom, when), or under consideration as a status."""
    if report.compensation_status == "decided":
        return [line for line in (report.compensation or "").splitlines() if line.strip()] or [
            "対象のお客様への対応を決定いたしました。詳細は個別にご案内いたします。"]
    if report.compensation_status == "considering":
        return ["対象のお客様への補償などの対応は、現在検討しております。決まり次第、お知らせいたします。"]
    return []


def individual_notices(report: Report) -> list[str]:
    """When affected people hear from the company directly."""
    mail, letters = report.notice_mail_from, report.notice_letters_by
    if mail and letters:
        return [f"対象のお客様には、{format_date(mail)}からメールで、{format_date(letters)}までに書面で、"
                "個別にご連絡いたします。"]
    if mail:
        return [f"対象のお客様には、{format_date(mail)}からメールで個別にご連絡いたします。"]
    if letters:
        return [f"対象のお客様には、{format_date(letters)}までに書面で個別にご連絡いたします。"]
    return []


def service(report: Report) -> list[str]:
    """The state of the service and its planned reopening (a plan stays a plan, even in a final report)."""
    out = [line for line in (report.service_status or "").splitlines() if line.strip()]
    note = (report.reopening_note or "").strip()
    if report.reopening_on:
        condition = f"（{note}）" if note else ""
        out.append(f"{format_date(report.reopening_on)}の再開を予定しております{condition}。日程は変わる可能性がございます。")
    elif note:
        out.append(note + ("" if note.endswith("。") else "。"))
    return out


def filings(report: Report) -> list[str]:
    """Reports to the regulator and the police recorded by the time this report was published."""
    query = select(RegulatorFiling).filter_by(incident_id=report.incident_id).order_by(
        RegulatorFiling.filed_on, RegulatorFiling.id)
    if report.published_at is not None:
        query = query.where(RegulatorFiling.recorded_at <= report.published_at)
    rows = list(db.session.scalars(query)) if report.incident_id is not None else []
    regulator = [f"{r.kind.label}を{format_date(r.filed_on)}" for r in rows if r.kind.to_regulator]
    police = [r for r in rows if r.kind is FilingKind.POLICE]
    out = []
    if regulator:
        out.append(f"個人情報保護委員会には、{'、'.join(regulator)}に報告いたしました。")
    if police:
        out.append(f"警察には、{format_date(police[0].filed_on)}に相談・届出をいたしました。")
    return out


def next_update(report: Report) -> list[str]:
    """When readers will hear next: a date, or as soon as something is found."""
    if report.next_update_on:
        return [f"次回のお知らせは、{format_date(report.next_update_on)}ごろを予定しております。"
                "それまでに新たな事実が判明した場合は、速やかにお知らせいたします。"]
    note = (report.next_update_note or "").strip()
    if note:
        return [note]
    return []
