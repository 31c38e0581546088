"""Form for editing a FAQ entry."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from ..cleaning import clean_text


def _lines(text: str | None) -> str:
    """One item per line, cleaned, blank lines dropped."""
    return "\n".join(line.strip() for line in clean_text(text).splitlines() if line.strip())


class FaqEntryForm(FlaskForm):
    """Question, phrasings, keywords, answer, category, order, visibility."""

    key = StringField("ID（URLに使われます）", validators=[
        DataRequired("IDを入力してください。"), Length(max=80, message="80文字以内で入力してください。"),
        Regexp(r"^[a-z0-9][a-z0-9_-]*$", message="半角英小文字・数字・ハイフンで入力してください。")])
    category = StringField("カテゴリー", validators=[DataRequired("カテゴリーを入力してください。"), Length(max=60)])
    question = StringField("質問", validators=[DataRequired("質問を入力してください。"),
                                             Length(max=300, message="300文字以内で入力してください。")])
    alternatives = TextAreaField("言い換え（1行に1つ）", validators=[Length(max=5000)])
    keywords = TextAreaField("キーワード（1行に1つ）", validators=[Length(max=2000)])
    answer = TextAreaField("回答（Markdown）", validators=[DataRequired("回答を入力してください。"),
                                                       Length(max=20000, message="20,000文字以内で入力してください。")])
    display_order = IntegerField("表示順（小さいほど上）", default=100,
                                 validators=[NumberRange(0, 100000, "0〜100000の数を入力してください。")])
    published = BooleanField("公開する", default=True)
    expires_on = DateField("掲載期限（任意。この日を過ぎると表示も検索もされません）", validators=[Optional()])

    def values(self) -> dict:
        """Cleaned column values."""
        return dict(key=self.key.data.strip(), category=clean_text(self.category.data).strip(),
                    question=clean_text(self.question.data).replace("\n", " ").strip(),
                    alternatives=_lines(self.alternatives.data), keywords=_lines(self.keywords.data),
                    answer=clean_text(self.answer.data).strip(), display_order=self.display_order.data,
                    published=self.published.data,
                    expires_on=self.expires_on.data.isoformat() if self.expires_on.data else "")
