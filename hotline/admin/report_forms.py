"""The report draft form: the twelve items, and the groups of people with their data items.

Groups are repeated sub-forms; the page always offers one empty group more, so a new
group is added by filling it in and saving. Shape only here: the rules are in notices.
"""

from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from ..models import Certainty, DataCategory, LeakStatus, Report
from ..notices.draft_values import MAX_TEXT, SHORT_LIMITS, parse_clock
from ..notices.groups import MAX_GROUPS, UNITS, GroupSpec, ItemSpec, normal_name, spec_of
from ..web.form_filters import JapaneseMeta, SelectChoice
from ..web.form_filters import block as _block
from ..web.form_filters import line as _line
from ..web.form_filters import too_long as _too_long
from .forms import CERTAINTY_CHOICES, CountField, JaDateField, ParsedField, StaffForm, check_url

NOT_MENTIONED = ""
FREE_ITEMS = 3
TEXT_ITEMS = {
    "situation": "1. 本件の概要",
    "apology": "2. お詫び",
    "background": "3. 発生と発覚の経緯",
    "investigation": "8. 事実調査の方法と講じた処置",
    "secondary_risks": "9. 予想される二次被害と防止措置",
    "customer_actions": "9. お客様にお願いしたいこと",
    "next_steps": "10. 今後の対応",
    "prevention": "11. 再発防止策",
    "correction": "訂正文（何を、何から何へ訂正するのか、その理由）",
}
LEAK_CHOICES = [SelectChoice(NOT_MENTIONED, "記載しない")] + [SelectChoice(s.value, s.label) for s in LeakStatus]
RESPONSE_NAMES = ("damage_cases", "damage_amount", "compensation_status", "compensation", "service_status",
                  "reopening_on", "reopening_note", "notice_mail_from", "notice_letters_by", "next_update_on",
                  "next_update_note")
FACT_NAMES = (*RESPONSE_NAMES, "period_reason", "damage_reason", "title", "signatory", "period_start_time", "period_end_time", "period_start", "period_end", "damage", "cause", "contact_phone", "contact_hours", "contact_form_url")
CERTAINTY_NAMES = ("period_certainty", "damage_certainty", "cause_certainty")
GROUP_COUNTS = ("count_min", "count_max", "cleared")
GROUP_PERIOD = ("period_start", "period_start_time", "period_end", "period_end_time")


class ClockField(ParsedField):
    """A time of day ('10:12', full-width digits accepted); empty is None."""

    parse = staticmethod(parse_clock)
    show = staticmethod(lambda value: f"{value.hour}:{value:%M}")


class _SubForm(Form):
    """A repeated part of the report form: Japanese messages, no token of its own."""

    class Meta(JapaneseMeta):
        pass


def _certainty(label: str) -> SelectField:
    """A 確定 / 調査中 select."""
    return SelectField(label, choices=CERTAINTY_CHOICES, default=Certainty.PROVISIONAL.value)


class FreeItemForm(_SubForm):
    """A data item outside the fixed list (ポイント番号, 会員ランク …)."""

    label = StringField("項目名", filters=[_line], validators=[_too_long(60)])
    status = SelectField("状況", choices=LEAK_CHOICES, default=NOT_MENTIONED)
    note = StringField("補足", filters=[_line], validators=[_too_long(SHORT_LIMITS["note"])])


class GroupForm(_SubForm):
    """One group of people: its number with bounds and certainty, and its data items."""

    name = StringField("区分の名称（例：会員のお客様、お届け先の方）", filters=[_line], validators=[_too_long(60)])
    affected = SelectField("本件との関係", choices=[SelectChoice("yes", "対象"), SelectChoice("no", "対象外（影響がないことを確認）")],
                           default="yes")
    unit = SelectField("単位", choices=[SelectChoice(u, u) for u in UNITS], default="名")
    count_min = CountField("確認済みの数（最小）")
    count_max = CountField("可能性のある数（最大）")
    count_approx = BooleanField("概数（「約」を付けて表示）")
    count_certainty = _certainty("数の確度")
    cleared = CountField("うち対象外と確認した数（任意）")
    final_scope = BooleanField("対象範囲の確定（数は確定、一件ごとの漏えいは可能性のまま）")
    note = StringField("区分についての補足（任意）", filters=[_line], validators=[_too_long(SHORT_LIMITS["note"])])
    reason = TextAreaField("前の報からの変更の理由（変更点の表に表示されます）", filters=[_block],
                           validators=[_too_long(MAX_TEXT)])
    period_start = JaDateField("この区分の期間（開始日）", validators=[Optional()])
    period_start_time = ClockField("開始時刻（任意）")
    period_start_certainty = _certainty("開始の確度")
    period_end = JaDateField("この区分の期間（終了日）", validators=[Optional()])
    period_end_time = ClockField("終了時刻（任意）")
    period_end_certainty = _certainty("終了の確度")
    free = FieldList(FormField(FreeItemForm), min_entries=FREE_ITEMS, max_entries=FREE_ITEMS + 30)


for _category in DataCategory:
    setattr(GroupForm, f"cat_{_category.value}", SelectField(_category.label, choices=LEAK_CHOICES, default=NOT_MENTIONED))
    setattr(GroupForm, f"note_{_category.value}", StringField(f"{_category.label}の補足", filters=[_line],
                                                              validators=[_too_long(SHORT_LIMITS["note"])]))


class ReportForm(StaffForm):
    """Every field of a report draft in one form."""

    is_final = BooleanField("最終報告として作成する（すべての事項が確定していることが必要です）")
    title = StringField("この報の見出し（任意。空欄なら事案の名称）", filters=[_line],
                        validators=[_too_long(SHORT_LIMITS["title"])])
    signatory = TextAreaField("署名（会社名・役職・氏名。任意）", filters=[_block],
                              validators=[_too_long(SHORT_LIMITS["signatory"])])
    period_start = JaDateField("4. 漏えいした期間（開始日）", validators=[Optional()])
    period_end = JaDateField("4. 漏えいした期間（終了日）", validators=[Optional()])
    period_certainty = _certainty("開始の確度（終了も同じ場合は終了も）")
    period_start_time = ClockField("開始時刻（任意）")
    period_end_time = ClockField("終了時刻（任意）")
    period_end_certainty = SelectField("終了の確度", choices=[SelectChoice("", "開始と同じ")] + CERTAINTY_CHOICES, default="")
    period_reason = TextAreaField("前の報から期間が変わった理由（変更点の表に表示されます）", filters=[_block],
                                  validators=[_too_long(MAX_TEXT)])
    groups = FieldList(FormField(GroupForm), min_entries=1, max_entries=MAX_GROUPS + 1)
    damage = TextAreaField("6. 現在発生している被害の状況", filters=[_block], validators=[_too_long(MAX_TEXT)])
    damage_certainty = _certainty("被害状況の確度")
    cause = TextAreaField("7. 漏えいの原因", filters=[_block], validators=[_too_long(MAX_TEXT)])
    cause_certainty = _certainty("原因の確度")
    damage_cases = CountField("被害の件数（任意）")
    damage_amount = CountField("被害額の合計（円・任意）")
    damage_reason = TextAreaField("前の報から被害の件数・金額が変わった理由（変更点の表に表示されます）", filters=[_block],
                                  validators=[_too_long(MAX_TEXT)])
    compensation_status = SelectField("補償などの対応", choices=[SelectChoice("", "記載しない"), SelectChoice("considering", "検討中"),
                                                          SelectChoice("decided", "決定")], default="")
    compensation = TextAreaField("決定した対応の内容（何を、どなたに、いつ）", filters=[_block], validators=[_too_long(MAX_TEXT)])
    service_status = TextAreaField("サービスの状況（例：カードでのお支払いを停止しております）", filters=[_block],
                                   validators=[_too_long(MAX_TEXT)])
    reopening_on = JaDateField("再開の予定日（任意）", validators=[Optional()])
    reopening_note = StringField("再開の条件など（任意）", filters=[_line], validators=[_too_long(SHORT_LIMITS["note"])])
    notice_mail_from = JaDateField("個別のご連絡：メールの送信開始日（任意）", validators=[Optional()])
    notice_letters_by = JaDateField("個別のご連絡：書面の発送完了日（任意）", validators=[Optional()])
    next_update_on = JaDateField("次回のお知らせの予定日（任意）", validators=[Optional()])
    next_update_note = StringField("日付を示せない場合（例：新たな事実が判明し次第お知らせいたします）", filters=[_line],
                                   validators=[_too_long(SHORT_LIMITS["note"])])
    contact_phone = StringField("12. 窓口の電話番号", filters=[_line], validators=[_too_long(SHORT_LIMITS["contact_phone"])])
    contact_hours = StringField("12. 受付時間", filters=[_line], validators=[_too_long(SHORT_LIMITS["contact_hours"])])
    contact_form_url = StringField("12. 問い合わせフォームのURL", filters=[_line], validators=[
        _too_long(SHORT_LIMITS["contact_form_url"]), check_url])


for _name, _label in TEXT_ITEMS.items():
    setattr(ReportForm, _name, TextAreaField(_label, filters=[_block], validators=[_too_long(MAX_TEXT)]))


def _group_data(spec: GroupSpec) -> dict:
    """Form values of one group."""
    data = {name: getattr(spec, name) for name in ("name", "unit", *GROUP_COUNTS, "count_approx", "final_scope",
                                                   "note", "reason")}
    data["affected"] = "yes" if spec.affected else "no"
    data["count_certainty"] = spec.count_certainty.value
    data.update({name: getattr(spec, name) for name in GROUP_PERIOD})
    data["period_start_certainty"] = spec.period_start_certainty.value
    data["period_end_certainty"] = spec.period_end_certainty.value
    free = []
    for item in spec.items:
        if item.category is None:
            free.append({"label": item.label, "status": item.status.value, "note": item.note})
        else:
            data[f"cat_{item.category.value}"] = item.status.value
            data[f"note_{item.category.value}"] = item.note
    data["free"] = free + [{}] * FREE_ITEMS
    return data


def report_form_data(report: Report) -> dict:
    """Initial form values from a stored report, with one empty group to add."""
    data = {name: getattr(report, name) for name in (*TEXT_ITEMS, *FACT_NAMES, "is_final")}
    data.update({name: getattr(report, name).value for name in CERTAINTY_NAMES})
    data["period_end_certainty"] = report.period_end_certainty.value if report.period_end_certainty else ""
    data["groups"] = [_group_data(spec_of(g)) for g in report.groups]
    if len(data["groups"]) < MAX_GROUPS:
        data["groups"].append({})
    return data


def _is_blank(group: GroupForm) -> bool:
    """An unused group slot: no name, no number, no item."""
    return not (group.name.data or any(getattr(group, n).data is not None for n in GROUP_COUNTS + GROUP_PERIOD)
                or _items(group))


def _items(group: GroupForm) -> list[ItemSpec]:
    """The items chosen in one group form."""
    items = []
    for category in DataCategory:
        status = getattr(group, f"cat_{category.value}").data
        if status != NOT_MENTIONED:
            items.append(ItemSpec(LeakStatus(status), category, category.label, getattr(group, f"note_{category.value}").data))
    for row in group.free:
        if row.form.label.data and row.form.status.data != NOT_MENTIONED:
            items.append(ItemSpec(LeakStatus(row.form.status.data), None, row.form.label.data, row.form.note.data))
    return items


def group_problems(form: ReportForm) -> bool:
    """Mark group slots that are used but unnamed, or free items without a status; True if any."""
    found = False
    for entry in form.groups:
        group = entry.form
        if not _is_blank(group) and not normal_name(group.name.data or ""):
            group.name.errors = [*group.name.errors, "区分の名称を入力してください（例：会員のお客様）。"]
            found = True
        for row in group.free:
            if row.form.label.data and row.form.status.data == NOT_MENTIONED:
                row.form.status.errors = [*row.form.status.errors, f"「{row.form.label.data}」の状況を選んでください。"]
                found = True
    return found


def report_changes(form: ReportForm) -> tuple[dict, list[GroupSpec]]:
    """(fields, groups) for notices.update_draft from a validated form."""
    fields = {name: getattr(form, name).data for name in (*TEXT_ITEMS, *FACT_NAMES)}
    fields.update({name: Certainty(getattr(form, name).data) for name in CERTAINTY_NAMES})
    fields["is_final"] = bool(form.is_final.data)
    fields["period_end_certainty"] = Certainty(form.period_end_certainty.data) if form.period_end_certainty.data else None
    groups = []
    for entry in form.groups:
        group = entry.form
        if _is_blank(group):
            continue
        groups.append(GroupSpec(
            name=group.name.data, affected=group.affected.data == "yes", unit=group.unit.data,
            count_min=group.count_min.data, count_max=group.count_max.data, count_approx=bool(group.count_approx.data),
            count_certainty=Certainty(group.count_certainty.data), cleared=group.cleared.data,
            final_scope=bool(group.final_scope.data), note=group.note.data or "", reason=group.reason.data or "",
            items=_items(group), **{name: getattr(group, name).data for name in GROUP_PERIOD},
            period_start_certainty=Certainty(group.period_start_certainty.data),
            period_end_certainty=Certainty(group.period_end_certainty.data)))
    return fields, groups


def category_rows(group: GroupForm) -> list[tuple]:
    """(status field, note field) per fixed data category, in display order, for the template."""
    return [(getattr(group, f"cat_{c.value}"), getattr(group, f"note_{c.value}")) for c in DataCategory]


def flat_errors(form: FlaskForm) -> list[tuple[str, str, str]]:
    """(field id, label, message) for every error, groups and their items included, for the summary."""
    out = []

    def walk(field, prefix=""):
        if isinstance(field, FieldList):
            for number, entry in enumerate(field, start=1):
                walk(entry, f"{prefix}{number}番目の区分 " if field.name.endswith("groups") else f"{prefix}自由項目{number} ")
        elif isinstance(field, FormField):
            for sub in field.form:
                walk(sub, prefix)
        elif field.errors:
            out.append((field.id, f"{prefix}{field.label.text}", " ".join(str(e) for e in field.errors)))

    for field in form:
        walk(field)
    return out
