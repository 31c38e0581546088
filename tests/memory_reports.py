"""In-memory reports (never saved) for testing pure functions on report content."""

from datetime import date

from hotline.models import AffectedGroup, Certainty, DataCategory, GroupItem, LeakStatus, Report, ReportState

C, P = Certainty.CONFIRMED, Certainty.PROVISIONAL


def mem_group(name="お客様", categories=None, unit="件", **fields) -> AffectedGroup:
    """A group with items from {category value or free label: status}."""
    group = AffectedGroup(name=name, unit=unit, affected=fields.pop("affected", True),
                          count_approx=fields.pop("count_approx", False), final_scope=fields.pop("final_scope", False),
                          cleared=fields.pop("cleared", None), note=fields.pop("note", ""), reason=fields.pop("reason", ""),
                          count_min=fields.pop("count_min", None), count_max=fields.pop("count_max", None),
                          count_certainty=fields.pop("count_certainty", Certainty.PROVISIONAL), position=0,
                          **{key: fields.pop(key) for key in list(fields) if key.startswith("period_")})
    for end in ("start", "end"):
        if getattr(group, f"period_{end}_certainty") is None:
            setattr(group, f"period_{end}_certainty", Certainty.PROVISIONAL)
    assert not fields, fields
    cats = categories if categories is not None else {}
    items = []
    for key, status in cats.items():
        category = next((c for c in DataCategory if c.value == key), None)
        items.append(GroupItem(category=category, label=category.label if category else key, status=status,
                               note="", position=len(items)))
    group.items = items
    return group


def mem_report(number=None, categories=None, groups=None, **fields) -> Report:
    """A report with complete, consistent first-report content, overridden by `fields`.

    count_min, count_max, count_certainty and `categories` describe one group 「お客様」;
    `groups` (from mem_group) replaces it.
    """
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
    counts = {key: values.pop(key) for key in ("count_min", "count_max", "count_certainty")}
    report = Report(**values)
    if groups is None:
        cats = categories if categories is not None else {"name": LeakStatus.CONFIRMED}
        groups = [mem_group(categories=cats, **counts)]
    for position, group in enumerate(groups):
        group.position = position
    report.groups = groups
    return report


def final_report(number=None, **fields) -> Report:
    """A final report with every fact confirmed."""
    values = dict(
        is_final=True, period_certainty=C, count_min=300, count_max=300, count_certainty=C,
        cause_certainty=C, damage="二次被害は確認されていません。", damage_certainty=C,
        prevention="決済画面の改ざん検知を導入しました。", period_reason="調査の完了により期間が確定しました。",
    )
    values.update(fields)
    return mem_report(number=number, **values)
