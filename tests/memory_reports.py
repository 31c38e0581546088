"""In-memory reports (never saved) for testing pure functions on report content."""

from datetime import date

from hotline.models import Certainty, DataCategory, LeakStatus, Report, ReportCategory, ReportState

C, P = Certainty.CONFIRMED, Certainty.PROVISIONAL


def mem_report(number=None, categories=None, **fields) -> Report:
    """A report with complete, consistent first-report content, overridden by `fields`."""
    values = dict(
        number=number,
        state=ReportState.PUBLISHED if number else ReportState.DRAFT,
        is_final=False,
        situation="不正アクセスがありました。",
        apology="お詫び申し上げます。",
        background="", investigation="", secondary_risks="", customer_actions="",
        next_steps="", prevention="", correction="",
        period_start=date(2026, 9, 1), period_end=date(2026, 10, 31), period_certainty=P,
        count_min=100, count_max=500, count_certainty=P,
        cause="調査中です。", cause_certainty=P,
        damage="", damage_certainty=P,
        contact_phone="0120-111-222", contact_hours="9:00〜18:00", contact_form_url="/inquiry",
    )
    values.update(fields)
    report = Report(**values)
    cats = categories if categories is not None else {"name": LeakStatus.CONFIRMED}
    report.categories = [ReportCategory(category=DataCategory(k), status=v, note="") for k, v in cats.items()]
    return report


def final_report(number=None, **fields) -> Report:
    """A final report with every fact confirmed."""
    values = dict(
        is_final=True, period_certainty=C, count_min=300, count_max=300, count_certainty=C,
        cause_certainty=C, damage="二次被害は確認されていません。", damage_certainty=C,
        prevention="決済画面の改ざん検知を導入しました。",
    )
    values.update(fields)
    return mem_report(number=number, **values)
