"""Forms for answer templates. Shape checks only; the rules live in hotline/answers."""

from sqlalchemy import select
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from ..answers import placeholders
from ..cleaning import clean_text
from ..extensions import db
from ..models import AnswerTemplate, Incident, InquiryCategory
from .forms import SelectChoice, StaffForm

ALL_INCIDENTS = ""


def _check_placeholders(_form, field) -> None:
    """Unknown placeholders and unbalanced or nested braces, with where they are."""
    problems = placeholders.check_text(clean_text(field.data))
    if problems:
        raise ValidationError(" ".join(problems))


class AnswerTemplateForm(StaffForm):
    """Every editable part of a template."""

    key = StringField("ID（半角英小文字・数字・ハイフン。新規で空欄なら自動で付けます）",
                      filters=[lambda v: (v or "").strip().lower()],
                      validators=[Optional(), Length(max=80, message="80文字以内で入力してください。"),
                                  Regexp(r"^[a-z0-9][a-z0-9_-]*$", message="半角英小文字・数字・ハイフンで入力してください。")])
    title = StringField("件名", validators=[DataRequired("件名を入力してください。"),
                                          Length(max=200, message="200文字以内で入力してください。")])
    category = SelectField("カテゴリー", choices=[SelectChoice(c.value, c.label) for c in InquiryCategory],
                           default=InquiryCategory.OTHER.value)
    incident_id = SelectField("対象の事案", choices=[], default=ALL_INCIDENTS)
    questions = TextAreaField("想定される質問（1行に1つ。お客様の実際の言い方も）", validators=[
        DataRequired("想定される質問を1行以上入力してください。"), Length(max=5000, message="5,000文字以内で入力してください。")])
    keywords = TextAreaField("キーワード（1行に1つ）", validators=[Length(max=2000, message="2,000文字以内で入力してください。")])
    body = TextAreaField("回答文", validators=[
        DataRequired("回答文を入力してください。"), Length(max=20000, message="20,000文字以内で入力してください。"),
        _check_placeholders])
    expires_on = DateField("掲載期限（任意。この日を過ぎるとオペレーターに表示されません）", validators=[Optional()])

    def __init__(self, *args, **kwargs):
        """Offer the registered incidents, newest first."""
        super().__init__(*args, **kwargs)
        incidents = db.session.scalars(select(Incident).order_by(Incident.aware_on.desc()))
        self.incident_id.choices = [SelectChoice(ALL_INCIDENTS, "事案を限定しない（共通）")] + [
            SelectChoice(str(i.id), i.title) for i in incidents]

    def values(self) -> dict:
        """Values for answers.save_template; a blank key keeps (or generates) the key."""
        values = dict(title=self.title.data, category=InquiryCategory(self.category.data),
                      incident_id=int(self.incident_id.data) if self.incident_id.data else None,
                      questions=self.questions.data, keywords=self.keywords.data, body=self.body.data,
                      expires_on=self.expires_on.data)
        if self.key.data:
            values["key"] = self.key.data
        return values


def form_data(template: AnswerTemplate) -> dict:
    """Initial form values from a stored template (an edit waiting for approval goes on from its text)."""
    text = template.pending_version or template
    return dict(key=template.key, title=text.title, category=template.category.value,
                incident_id=str(template.incident_id or ""), questions=text.questions,
                keywords=text.keywords, body=text.body, expires_on=template.expires_on)
