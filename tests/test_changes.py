"""Changes between two published reports, as readers see them."""

from datetime import date

from hotline.models import Certainty, DataCategory, LeakStatus, Report
from hotline.notices.changes import changes_between, count_summary, period_summary, section_marks

from .memory_reports import mem_group


def report(groups=None, **fields) -> Report:
    """An unsaved report with the given facts; counts and categories make one group 「お客様」."""
    categories = fields.pop("categories", {})
    counts = {key: fields.pop(key) for key in ("count_min", "count_max", "count_certainty", "reason") if key in fields}
    values = dict(period_start=None, period_end=None, period_certainty=Certainty.PROVISIONAL,
                  cause="", cause_certainty=Certainty.PROVISIONAL, damage="", damage_certainty=Certainty.PROVISIONAL,
                  contact_phone="0120-000-000", contact_hours="9:00〜18:00", contact_form_url="")
    values.update(fields)
    for name in ("situation", "background", "investigation", "secondary_risks", "customer_actions",
                 "next_steps", "prevention", "apology", "correction"):
        values.setdefault(name, "")
    r = Report(**values)
    r.groups = groups if groups is not None else [
        mem_group(categories={c.value: s for c, s in categories.items()}, **counts)]
    return r


def items(changes) -> dict:
    return {c.item: (c.before, c.after) for c in changes}


def test_identical_reports_have_no_changes():
    assert changes_between(report(count_min=10, count_max=20), report(count_min=10, count_max=20)) == []


def test_count_summaries():
    assert count_summary(mem_group()) == "調査中"
    assert count_summary(mem_group(count_min=1200, count_max=3000)) == "1,200件〜3,000件（調査中）"
    assert count_summary(mem_group(count_min=1200)) == "少なくとも1,200件（調査中）"
    assert count_summary(mem_group(count_min=1200, count_certainty=Certainty.CONFIRMED)) == "1,200件（確定）"
    assert count_summary(mem_group(unit="名", count_max=48000, count_approx=True)) == "最大約48,000名（調査中）"
    assert count_summary(mem_group(affected=False)) == "対象外"


def test_count_and_period_changes():
    before = report(count_min=100, count_max=500, period_start=date(2026, 9, 1), period_end=date(2026, 10, 1))
    after = report(count_min=320, count_certainty=Certainty.CONFIRMED,
                   period_start=date(2026, 8, 20), period_end=date(2026, 10, 1), period_certainty=Certainty.CONFIRMED)
    found = items(changes_between(before, after))
    assert found["対象となるお客様の数"] == ("100件〜500件（調査中）", "320件（確定）")
    # no item is confirmed as leaked: the row is named like the section, 漏えいの可能性がある期間
    assert found["漏えいの可能性がある期間"] == (period_summary(before), "2026年8月20日〜2026年10月1日（確定）")
    leaked = report(period_start=date(2026, 8, 20), period_end=date(2026, 10, 1), period_certainty=Certainty.CONFIRMED,
                    categories={DataCategory.NAME: LeakStatus.CONFIRMED})
    assert "漏えいした期間" in items(changes_between(before, leaked))


def test_category_status_changes_appear_and_new_categories_are_listed():
    before = report(categories={DataCategory.NAME: LeakStatus.CONFIRMED, DataCategory.CARD_NUMBER: LeakStatus.POSSIBLE})
    after = report(categories={DataCategory.NAME: LeakStatus.CONFIRMED, DataCategory.CARD_NUMBER: LeakStatus.CONFIRMED,
                               DataCategory.SECURITY_CODE: LeakStatus.INVESTIGATING})
    found = items(changes_between(before, after))
    assert "氏名" not in found
    assert found["クレジットカード番号"] == ("漏えいの可能性を否定できない", "漏えいを確認")
    assert found["セキュリティコード"] == ("記載なし", "確認されていない（調査中）")


def test_cause_becoming_confirmed_and_text_items_updated():
    before = report(cause="調査中です", next_steps="続報します")
    after = report(cause="改ざんと特定", cause_certainty=Certainty.CONFIRMED, next_steps="続報します",
                   prevention="監視を強化します", contact_phone="0120-999-999")
    changes = changes_between(before, after)
    found = items([c for c in changes if not c.is_text])
    assert found["漏えいの原因"] == ("調査中", "確定")
    assert found["お問い合わせ窓口"][1].startswith("0120-999-999")
    marks = {c.item: c.mark for c in changes if c.is_text}
    assert marks == {"漏えいの原因": "更新", "再発防止策": "新たに記載"}  # 今後の対応 did not change
    assert section_marks(changes) == {"cause": "更新", "prevention": "新たに記載", "contact": "更新"}
    assert not any("記載あり" in c.before + c.after or "内容を更新" in c.after for c in changes)


def test_a_category_that_appears_later_is_marked_as_newly_found():
    before = report(categories={DataCategory.NAME: LeakStatus.CONFIRMED})
    after = report(categories={DataCategory.NAME: LeakStatus.CONFIRMED, DataCategory.PHONE: LeakStatus.POSSIBLE})
    changes = changes_between(before, after)
    assert [(c.item, c.before, c.after, c.mark) for c in changes] == [("電話番号", "記載なし", "漏えいの可能性を否定できない", "新たに判明")]
    assert section_marks(changes) == {"leaked": "新たに判明"}


def test_a_new_group_is_newly_found_and_every_change_carries_its_reason():
    members = mem_group("会員のお客様", unit="名", categories={"name": LeakStatus.CONFIRMED}, count_min=100, count_max=500)
    before = report(groups=[members])
    after = report(groups=[
        mem_group("会員のお客様", unit="名", categories={"name": LeakStatus.CONFIRMED}, count_min=300, count_max=500,
                  reason="ログの解析が進みました。"),
        mem_group("お届け先の方", unit="名", categories={"address": LeakStatus.POSSIBLE}, count_max=80,
                  reason="ギフトのお届け先も同じ画面で入力されていました。"),
    ])
    changes = changes_between(before, after)
    found = {c.item: (c.before, c.after, c.mark, c.reason) for c in changes}
    assert found["会員のお客様：対象となる数"] == ("100名〜500名（調査中）", "300名〜500名（調査中）", "", "ログの解析が進みました。")
    assert found["お届け先の方"] == ("記載なし", "最大80名（調査中）。住所：漏えいの可能性を否定できない", "新たに判明",
                                   "ギフトのお届け先も同じ画面で入力されていました。")  # one row for a new group
    assert section_marks(changes) == {"leaked": "新たに判明"}


def test_a_changed_period_and_damage_figures_carry_their_reasons():
    before = report(period_start=date(2026, 9, 1), period_end=date(2026, 10, 1), damage_cases=31)
    after = report(period_start=date(2026, 8, 20), period_end=date(2026, 10, 1), damage_cases=42,
                   damage_amount=1_234_000, period_reason="解析で、より早い不審な通信が見つかりました。",
                   damage_reason="カード会社からのご報告が加わりました。")
    rows = {c.item: c for c in changes_between(before, after)}
    assert (rows["漏えいの可能性がある期間"].reason, rows["被害の件数・金額"].reason) == (
        "解析で、より早い不審な通信が見つかりました。", "カード会社からのご報告が加わりました。")
    assert (rows["被害の件数・金額"].before, rows["被害の件数・金額"].after) == ("31件", "42件・1,234,000円")
    assert items(changes_between(report(), report(damage_cases=3)))["被害の件数・金額"] == ("記載なし", "3件")


def test_a_groups_reason_stands_beside_its_number_when_the_number_changed():
    old = mem_group("お届け先の方", unit="名", count_max=1500, period_start=date(2026, 8, 20), period_end=date(2026, 10, 2))
    new = mem_group("お届け先の方", unit="名", count_min=1180, count_max=1180, count_certainty=Certainty.CONFIRMED,
                    period_start=date(2026, 8, 20), period_end=date(2026, 10, 3), reason="対象が1,180名に確定いたしました。")
    rows = changes_between(report(groups=[old]), report(groups=[new]))
    assert [(c.item, c.reason) for c in rows] == [("お届け先の方の期間", ""),
                                                  ("対象となるお届け先の方の数", "対象が1,180名に確定いたしました。")]
    only_period = mem_group("お届け先の方", unit="名", count_max=1500, period_start=date(2026, 8, 20),
                            period_end=date(2026, 10, 3), reason="終了の時刻を確認いたしました。")
    assert [(c.item, c.reason) for c in changes_between(report(groups=[old]), report(groups=[only_period]))] == [
        ("お届け先の方の期間", "終了の時刻を確認いたしました。")]


def test_a_section_whose_change_the_correction_covers_is_marked_as_corrected():
    from hotline.notices.consistency import corrected_sections

    from .memory_reports import mem_report

    first = mem_report(number=1, count_min=100, count_max=200, period_certainty=Certainty.CONFIRMED)
    raised = mem_report(count_min=100, count_max=400, period_start=date(2026, 8, 1), period_certainty=Certainty.CONFIRMED)
    assert corrected_sections(raised, [first]) == set()  # no 訂正 at all: blocked elsewhere, never marked
    raised.correction = "第一報でお知らせした件数に誤りがございました。"
    assert corrected_sections(raised, [first]) == {"leaked"}
    raised.correction = "件数と期間を訂正いたします。"
    assert corrected_sections(raised, [first]) == {"leaked", "period"}
    changes = changes_between(first, raised)
    assert section_marks(changes, {"period"})["period"] == "訂正" and section_marks(changes)["period"] == "更新"
