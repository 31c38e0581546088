"""The consistency rules give the same findings on reports stored in SQLite and PostgreSQL as on
reports in memory.

The rules are plain functions, tested one by one in test_consistency*.py on reports that
are never saved. Here each scenario is stored the way the back office stores it (a draft
per report, published by a second supervisor), read back, and checked: dates, times,
enumerations, empty values and the order of groups and items must survive both databases.
"""

from datetime import date, time

import pytest

from hotline import notices
from hotline.extensions import db
from hotline.models import Report
from hotline.notices.consistency import check_report
from hotline.notices.groups import GROUP_ATTRS, GroupSpec, ItemSpec
from hotline.notices.versions import FACT_FIELDS, TEXT_FIELDS

from .factories import make_incident
from .memory_reports import C, final_report, mem_group, mem_report
from .test_consistency_codes import L


def _specs(report: Report) -> list[GroupSpec]:
    return [GroupSpec(name=g.name, **{a: getattr(g, a) for a in GROUP_ATTRS},
                      items=[ItemSpec(status=i.status, category=i.category, label=i.label, note=i.note) for i in g.items])
            for g in report.groups]


def _fields(report: Report) -> dict:
    fields = {name: getattr(report, name) or "" for name in TEXT_FIELDS}
    fields |= {name: getattr(report, name) for name in FACT_FIELDS if getattr(report, name) is not None}
    return fields | {"is_final": bool(report.is_final)}


def _stored(report: Report, incident, author) -> Report:
    draft = notices.start_draft(incident, author)
    notices.update_draft(draft, _fields(report), _specs(report), editor=author)
    db.session.flush()
    return draft


def _findings(findings) -> list[tuple[str, str, str]]:
    return sorted((f.code, f.severity, f.message) for f in findings)


gifts = dict(name="お届け先", count_min=5, count_max=9, period_start=date(2026, 9, 1), period_start_certainty=C,
             period_end=date(2026, 9, 2), period_end_time=time(15, 40), period_end_certainty=C)
SCENARIOS = {
    "numbers and items": (
        [mem_report(number=1, groups=[mem_group(name="会員", count_min=100, count_max=400,
                                                categories={"name": L.LIKELY, "password": L.NOT_LEAKED}),
                                      mem_group(categories={"address": L.POSSIBLE}, **gifts)])],
        mem_report(groups=[mem_group(name="会員", count_min=450, categories={"name": L.POSSIBLE, "password": L.POSSIBLE,
                                                                            "電話番号": L.CONFIRMED})],
                   correction="会員の人数を訂正いたします。")),
    "periods, wording and card data": (
        [mem_report(number=1, period_certainty=C, groups=[mem_group(categories={"name": L.CONFIRMED}, **gifts)])],
        mem_report(period_certainty=C, period_start=date(2026, 8, 1), cause="原因は不正アクセスでございます。",
                   situation="決済画面が改ざんされておりました。",
                   groups=[mem_group(categories={"name": L.CONFIRMED, "card_number": L.NOT_LEAKED},
                                     **{**gifts, "period_end": date(2026, 9, 5)})])),
    "a final report": (
        [mem_report(number=1, prevention="監視を強化してまいります。", damage_cases=31,
                    groups=[mem_group(name="会員", count_min=10, count_max=20, categories={"name": L.POSSIBLE})]),
         mem_report(number=2, prevention="監視を強化してまいります。", damage_cases=31,
                    groups=[mem_group(name="会員", count_min=12, count_max=18, categories={"name": L.POSSIBLE})])],
        final_report(prevention="監視を強化してまいります！", damage_cases=20, compensation_status="considering",
                     groups=[mem_group(name="会員", count_min=15, count_max=15, count_certainty=C,
                                       categories={"name": L.CONFIRMED, "email": L.CONFIRMED})])),
    "what a correction withdrew": (
        [mem_report(number=1, cause="調査中です。", groups=[
            mem_group(count_min=10, count_max=20, categories={"name": L.CONFIRMED, "email": L.POSSIBLE}),
            mem_group(categories={"name": L.POSSIBLE}, **gifts)]),
         mem_report(number=2, cause="", correction="「お届け先」とメールアドレスの記載を取り下げ、原因の記載も訂正いたします。",
                    groups=[mem_group(count_min=10, count_max=20, categories={"name": L.CONFIRMED})])],
        mem_report(cause="", groups=[mem_group(count_min=10, count_max=20, categories={"name": L.CONFIRMED})])),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_stored_reports_give_the_findings_they_give_in_memory(staff, name):
    earlier, draft = SCENARIOS[name]
    in_memory = _findings(check_report(draft, earlier))
    assert in_memory or name == "what a correction withdrew", "a scenario must find something"
    incident = make_incident(slug=f"scenario-{sorted(SCENARIOS).index(name)}")
    for report in earlier:
        stored = _stored(report, incident, staff["sup1"])
        notices.submit_for_approval(stored, staff["sup1"])
        notices.approve_and_publish(stored, staff["sup2"], notices.content_hash(stored), judgement="確認いたしました。")
        db.session.commit()
    stored = _stored(draft, incident, staff["sup1"])
    db.session.commit()
    db.session.expire_all()  # read everything back from the database
    assert _findings(notices.findings_for(db.session.get(Report, stored.id))) == in_memory


def test_an_earlier_page_says_it_was_corrected_only_when_the_correction_concerns_what_it_said(staff):
    from hotline.notices.page import article

    incident = make_incident(slug="corrected-pages")
    members = mem_group(name="会員", count_min=10, count_max=20, categories={"name": L.POSSIBLE})
    with_gifts = [members, mem_group(name="お届け先", count_min=5, count_max=9, categories={"address": L.POSSIBLE},
                                     reason="ギフトの配送記録から判明いたしました。")]
    reports = []
    for memory in (mem_report(number=1, groups=[members]), mem_report(number=2, groups=with_gifts),
                   mem_report(number=3, correction="お届け先の方の人数を訂正いたします。", groups=[
                       members, mem_group(name="お届け先", count_min=5, count_max=30, categories={"address": L.POSSIBLE})])):
        stored = _stored(memory, incident, staff["sup1"])
        notices.submit_for_approval(stored, staff["sup1"])
        notices.approve_and_publish(stored, staff["sup2"], notices.content_hash(stored))
        db.session.commit()
        reports.append(stored)
    first, second, third = reports
    assert article(first)["corrected_by"] == []  # it never spoke of the gift recipients
    assert [c["label"] for c in article(second)["corrected_by"]] == ["第三報"]
    assert article(third)["marks"]["leaked"] == "訂正"
