"""Forms of the agent console."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

from ..affected import FIELDS
from ..models import InquiryCategory, ReplyBy
from ..models._types import as_id
from ..web.form_filters import SelectChoice, block, email_address, line, nfkc_line, phone_number, too_long

CATEGORY_CHOICES = [SelectChoice(c.value, c.label) for c in InquiryCategory]


class ActionForm(FlaskForm):
    """A button that changes an inquiry (claim, release, resume); CSRF only."""


class WaitForm(FlaskForm):
    """Park an inquiry with a note for colleagues."""

    note = StringField("保留の理由（社内メモ）", filters=[line], validators=[too_long(300)])


class UrgentForm(FlaskForm):
    """Mark an inquiry urgent or take the mark away, with a reason from a fixed list."""

    reason = SelectField("理由", validators=[DataRequired("理由を選んでください。")])
    note = StringField("補足（社内メモ、任意）", filters=[line], validators=[too_long(200)])


class AnswerForm(FlaskForm):
    """The answer text, where it came from, how it is sent, and an optional proposal."""

    template_id = HiddenField()
    text = TextAreaField("回答文", filters=[block],
                         validators=[DataRequired("回答文を入力してください。"), too_long(8000)])
    channel = RadioField("回答の方法", validators=[DataRequired("回答の方法を選んでください。")])
    propose = BooleanField("該当するテンプレートがないため、新しい質問として責任者に提案する")
    proposal_title = StringField("提案するテンプレートの題名", filters=[line], validators=[too_long(200)])
    proposal_question = StringField("想定される質問（お客様の言い方で）", filters=[line], validators=[too_long(300)])

    def validate_proposal_title(self, field) -> None:
        if self.propose.data and not field.data:
            raise ValidationError("提案する場合は題名を入力してください。")

    def validate_proposal_question(self, field) -> None:
        if self.propose.data and not field.data:
            raise ValidationError("提案する場合は、お客様が尋ねそうな質問を入力してください（FAQの質問になります）。")

    def validate_template_id(self, field) -> None:
        if field.data and as_id(field.data) is None:
            raise ValidationError("テンプレートの指定が正しくありません。")


class CallForm(FlaskForm):
    """A phone call logged as an inquiry."""

    name = StringField("お名前", filters=[line], validators=[DataRequired("お名前を入力してください。"), too_long(100)])
    phone = StringField("電話番号", filters=[nfkc_line], validators=[too_long(30), phone_number])
    email = StringField("メールアドレス（伺った場合）", filters=[nfkc_line], validators=[too_long(254), email_address])
    category = SelectField("お問い合わせの種類", choices=CATEGORY_CHOICES,
                           validators=[DataRequired("種類を選んでください。")])
    message = TextAreaField("お問い合わせの内容（要約）", filters=[block],
                            validators=[DataRequired("内容を入力してください。"), too_long(4000)])
    reply_by = SelectField("回答の方法", choices=[SelectChoice(r.value, r.label) for r in ReplyBy],
                           default=ReplyBy.PHONE.value)



    def values(self) -> dict:
        """Model fields."""
        return {"name": self.name.data, "phone": self.phone.data or "", "email": self.email.data or "",
                "category": InquiryCategory(self.category.data), "message": self.message.data,
                "reply_by": ReplyBy(self.reply_by.data)}


class ListImportForm(FlaskForm):
    """An affected-list file, the group its rows belong to, its name, and column mappings."""

    file = FileField("ファイル（CSV または Excel .xlsx、10 MB まで）",
                     validators=[FileRequired("取り込むファイルを選んでください。")])
    group = SelectField("区分", choices=[])
    source = StringField("リストの名前（同じ名前で取り込むと、前回の内容を置き換えます）", filters=[line],
                         validators=[too_long(100)])
    mapping = TextAreaField("列の対応（1行に1つ。例: 顧客コード=会員番号、備考=-）", filters=[block],
                            validators=[too_long(2000)])

    def mapping_pairs(self) -> dict[str, str]:
        """Column → field from the mapping lines; raises ValueError (Japanese) on a line it cannot read."""
        by_label = {label: name for name, label in FIELDS.items()}
        pairs = {}
        for line_text in (self.mapping.data or "").split("\n"):
            if not line_text.strip():
                continue
            column, sep, target = line_text.partition("=")
            target = by_label.get(target.strip(), target.strip())
            if not sep or (target != "-" and target not in FIELDS):
                raise ValueError(f"列の対応が読めません: {line_text.strip()}（例: 顧客コード=会員番号、備考=-）")
            pairs[column.strip()] = target
        return pairs
