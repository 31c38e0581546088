"""Admin forms: incidents, filings and the buttons that change a report's state (drafts: report_forms).

Validators check shape only (types, lengths, formats); the rules about reports live in
hotline/notices (workflow.py and consistency.py).
"""

import re
import unicodedata

from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Regexp, ValidationError

from ..models import Certainty, FilingKind, IncidentStatus
from ..notices import contact_window
from ..notices.draft_values import SHORT_LIMITS, parse_count
from ..web.form_filters import SelectChoice, StaffForm
from ..web.form_filters import block as _block
from ..web.form_filters import line as _line
from ..web.form_filters import too_long as _too_long

CERTAINTY_CHOICES = [SelectChoice(c.value, c.label) for c in (Certainty.PROVISIONAL, Certainty.CONFIRMED)]


def check_url(_form, field) -> None:
    """A path on this site or an http(s) address; never javascript: and the like."""
    value = field.data or ""
    if value and not (re.match(r"^/(?!/)", value) or re.match(r"^https?://[^\s/]+", value, re.I)):
        raise ValidationError("「/」で始まるサイト内のパス、または https:// で始まるアドレスを入力してください。")


def _check_schedule(_form, field) -> None:
    """Every line of the contact schedule reads as a period."""
    try:
        contact_window.parse_schedule(field.data or "")
    except contact_window.ScheduleError as error:
        raise ValidationError(str(error)) from error


class JaDateField(DateField):
    """A date input that also accepts full-width digits and slashes, with a Japanese error."""

    def process_formdata(self, valuelist):
        """Parse YYYY-MM-DD after NFKC normalization."""
        text = unicodedata.normalize("NFKC", " ".join(valuelist or [])).strip().replace("/", "-")
        if valuelist and text:
            self.raw_data = [text]
            try:
                super().process_formdata([text])
            except ValueError as error:
                raise ValueError("日付は YYYY-MM-DD の形で入力してください（例：2026-11-01）。") from error
        elif valuelist:
            self.data = None


class ParsedField(StringField):
    """Text read by one of the shared normalizers (draft_values), so the form and draft files agree.

    `parse` turns the typed text into a value (its ValueError becomes the field's Japanese
    error); `show` writes a stored value back. After an error the typed text is kept.
    """

    @staticmethod
    def parse(text: str):
        """Typed text → value."""
        raise NotImplementedError

    @staticmethod
    def show(value) -> str:
        """Stored value → text."""
        return str(value)

    def process_formdata(self, valuelist):
        """Parse what was typed."""
        if valuelist:
            self.data = self.parse(valuelist[0])

    def _value(self) -> str:
        """What was typed after an error, else the stored value."""
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else self.show(self.data)


class CountField(ParsedField):
    """A record count: full-width digits and commas accepted, negatives and huge values refused."""

    parse = staticmethod(parse_count)


class ActionForm(StaffForm):
    """A button that changes state: only the CSRF token."""


class ReturnForm(StaffForm):
    """Send a report back to draft, saying why."""

    reason = TextAreaField("差し戻しの理由", filters=[_block], validators=[
        DataRequired("差し戻しの理由を入力してください。"), _too_long(200)])


class IncidentForm(StaffForm):
    """Create or edit an incident."""

    slug = StringField("スラッグ（URLに使う英数字）", filters=[lambda v: unicodedata.normalize("NFKC", _line(v)).lower()],
                       validators=[DataRequired("スラッグを入力してください。"), _too_long(64),
                                   Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", message="半角の英小文字・数字・ハイフンで入力してください（例：2026-web-shop）。")])
    title = StringField("事案の名称", filters=[_line], validators=[DataRequired("事案の名称を入力してください。"), _too_long(200)])
    aware_on = JaDateField("発覚日", validators=[DataRequired("発覚日を入力してください。")])
    malicious = BooleanField("不正アクセスなど悪意のある事案（確報の期限が60日になります）")
    contact_phone = StringField("窓口の電話番号", filters=[_line], validators=[_too_long(SHORT_LIMITS["contact_phone"])])
    contact_hours = StringField("受付時間", filters=[_line], validators=[_too_long(SHORT_LIMITS["contact_hours"])])
    contact_form_url = StringField("問い合わせフォームのURL", filters=[_line], validators=[
        _too_long(SHORT_LIMITS["contact_form_url"]), check_url])
    contact_schedule = TextAreaField("受付時間の予定（1行に1期間）", filters=[_block], validators=[_too_long(2000), _check_schedule])
    status = SelectField("状態", choices=[SelectChoice(s.value, s.label) for s in IncidentStatus], default=IncidentStatus.ACTIVE.value)
    reason = TextAreaField("変更の理由", filters=[_block], validators=[_too_long(300)])


class FilingForm(StaffForm):
    """A report filed with the regulator."""

    kind = SelectField("報告の種類", choices=[SelectChoice(k.value, k.label) for k in FilingKind])
    filed_on = JaDateField("提出日", validators=[InputRequired("提出日を入力してください。")])
    reference = StringField("受付番号など（任意）", filters=[_line], validators=[_too_long(100)])
    note = StringField("メモ（任意）", filters=[_line], validators=[_too_long(300)])


class ReportingForm(StaffForm):
    """Which of the four cases that require a report apply."""

    sensitive = BooleanField("要配慮個人情報が含まれる")
    financial = BooleanField("不正に利用されると財産的被害が生じるおそれがある")
    wrongful = BooleanField("不正の目的によるおそれがある（不正アクセス、改ざんされたページからの取得を含む）")
    over_thousand = BooleanField("本人の数が1,000人を超える")
    note = StringField("判断の根拠（任意）", filters=[_line], validators=[_too_long(300)])


def incident_fields(form: IncidentForm) -> dict:
    """Model values from a validated incident form."""
    names = ("slug", "title", "aware_on", "malicious", "contact_phone", "contact_hours", "contact_form_url")
    values = {name: getattr(form, name).data for name in names}
    values["status"] = IncidentStatus(form.status.data)
    values["contact_schedule"] = contact_window.normalized(form.contact_schedule.data or "")
    return values
