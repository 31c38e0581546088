"""The public callback form: phone, time slot, what it is about; messages are Japanese."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired

from ..models import InquiryCategory
from ..web.form_filters import SelectChoice, email_address, phone_number
from ..web.form_filters import line as _line
from ..web.form_filters import nfkc_line as _nfkc
from ..web.form_filters import too_long as _too_long


class CallbackForm(FlaskForm):
    """A phone number to call, a slot, the topic; name, email and a short note are optional."""

    phone = StringField("お電話番号（こちらにおかけします）", filters=[_nfkc],
                        validators=[DataRequired("お電話番号を入力してください。"), _too_long(30), phone_number])
    slot = RadioField("ご希望の時間帯", validate_choice=False,
                      validators=[DataRequired("ご希望の時間帯を選んでください。")])
    category = SelectField("ご用件", choices=[SelectChoice("", "選んでください")]
                           + [SelectChoice(c.value, c.form_label) for c in InquiryCategory],
                           validators=[DataRequired("ご用件を選んでください。")])
    name = StringField("お名前（任意）", filters=[_line], validators=[_too_long(100)])
    email = StringField("メールアドレス（任意。予約の確認をお送りします）", filters=[_nfkc],
                        validators=[_too_long(254), email_address])
    note = StringField("ご用件のメモ（任意、100文字まで）", filters=[_line], validators=[_too_long(100)])
    consent = BooleanField("個人情報の取り扱いに同意します",
                           validators=[DataRequired("個人情報の取り扱いをご確認のうえ、同意にチェックを入れてください。")])
    website = StringField("ウェブサイト（入力しないでください）")
