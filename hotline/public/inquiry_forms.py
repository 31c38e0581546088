"""The public inquiry form and the status lookup form. Messages are Japanese and shown
next to each field; nothing typed is lost when a check fails."""

import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

from ..models import InquiryCategory, ReplyBy
from ..web.form_filters import SelectChoice, email_address, phone_number
from ..web.form_filters import block as _block
from ..web.form_filters import line as _line
from ..web.form_filters import nfkc_line as _nfkc
from ..web.form_filters import too_long as _too_long

MAX_MESSAGE = 4000
NOTICE_NUMBER = re.compile(r"^[A-Za-z0-9-]{1,40}$")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class InquiryForm(FlaskForm):
    """Name, how to reach the person, what it is about, the message, consent."""

    name = StringField("お名前", filters=[_line],
                       validators=[DataRequired("お名前を入力してください。"), _too_long(100)])
    email = StringField("メールアドレス", filters=[_nfkc], validators=[_too_long(254), email_address])
    phone = StringField("電話番号", filters=[_nfkc], validators=[_too_long(30), phone_number])
    reply_by = RadioField("回答の方法", choices=[SelectChoice(r.value, r.label) for r in ReplyBy], default=ReplyBy.EMAIL.value,
                          validators=[DataRequired("回答の方法を選んでください。")])
    category = SelectField("お問い合わせの種類", choices=[SelectChoice("", "選んでください")] + [SelectChoice(c.value, c.form_label) for c in InquiryCategory],
                           validators=[DataRequired("お問い合わせの種類を選んでください。")])
    message = TextAreaField("お問い合わせ内容", filters=[_block],
                            validators=[DataRequired("お問い合わせ内容を入力してください。"), _too_long(MAX_MESSAGE)])
    notice_number = StringField("お知らせ番号（書面に記載の番号。お持ちの場合のみ）", filters=[_nfkc],
                                validators=[_too_long(40)])
    consent = BooleanField("個人情報の取り扱いに同意します",
                           validators=[DataRequired("個人情報の取り扱いをご確認のうえ、同意にチェックを入れてください。")])
    website = StringField("ウェブサイト（入力しないでください）")
    token = HiddenField(filters=[lambda v: v if v and TOKEN.match(v) else ""])
    from_q = HiddenField(filters=[_line, lambda v: (v or "")[:200]])  # the FAQ search that led here



    def validate_notice_number(self, field) -> None:
        if field.data and not NOTICE_NUMBER.match(field.data):
            raise ValidationError("お知らせ番号は、書面に記載の英数字とハイフンをそのまま入力してください。")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not self.email.data and not self.phone.data:
            message = "メールアドレスか電話番号の、少なくとも一方を入力してください。"
            self.email.errors = list(self.email.errors) + [message]
            ok = False
        if self.reply_by.data == ReplyBy.EMAIL.value and not self.email.data and not self.email.errors:
            self.email.errors = list(self.email.errors) + ["メールでの回答を希望される場合は、メールアドレスを入力してください。"]
            ok = False
        if self.reply_by.data == ReplyBy.PHONE.value and not self.phone.data and not self.phone.errors:
            self.phone.errors = list(self.phone.errors) + ["電話での回答を希望される場合は、電話番号を入力してください。"]
            ok = False
        return ok

    def values(self) -> dict:
        """Model fields from the validated form."""
        return {
            "name": self.name.data, "email": self.email.data or "", "phone": self.phone.data or "",
            "reply_by": ReplyBy(self.reply_by.data), "category": InquiryCategory(self.category.data),
            "message": self.message.data, "notice_number": self.notice_number.data or "",
        }


class StatusForm(FlaskForm):
    """Receipt number plus the email or phone given with the inquiry."""

    receipt = StringField("受付番号", filters=[_nfkc],
                          validators=[DataRequired("受付番号を入力してください。"), _too_long(40)])
    contact = StringField("お問い合わせの際に入力したメールアドレスまたは電話番号", filters=[_nfkc],
                          validators=[DataRequired("メールアドレスまたは電話番号を入力してください。"), _too_long(254)])


class ContactForm(FlaskForm):
    """The email or phone given with the inquiry, for a status link."""

    contact = StringField("お問い合わせの際に入力したメールアドレスまたは電話番号", filters=[_nfkc],
                          validators=[DataRequired("メールアドレスまたは電話番号を入力してください。"), _too_long(254)])
