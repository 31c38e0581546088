"""Forms of the notice campaign pages (supervisors)."""

from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from ..web.form_filters import StaffForm, block, line, nfkc_line, too_long


def _number(label: str, low: int, high: int) -> IntegerField:
    return IntegerField(label, validators=[InputRequired(f"{label}を入力してください。"),
                                           NumberRange(low, high, f"{low}〜{high}の数を入力してください。")])


class CampaignForm(StaffForm):
    """The text (with placeholders) and the pace."""

    subject = StringField("件名", filters=[line], validators=[DataRequired("件名を入力してください。"), too_long(200)])
    body = TextAreaField("本文", filters=[block], validators=[DataRequired("本文を入力してください。"), too_long(20000)])
    pace_per_hour = _number("1時間あたりの送信数", 1, 100000)
    send_from_hour = _number("送信する時間帯（開始・時）", 0, 23)
    send_until_hour = _number("送信する時間帯（終了・時）", 1, 24)
    pause_backlog = _number("未回答のお問い合わせがこの件数になったら自動停止", 1, 1000000)
    pause_oldest_minutes = _number("最も古い未回答がこの分数を超えたら自動停止", 1, 100000)
    gift_label = StringField("お詫び品（送る場合のみ。例：QUOカード500円分）", filters=[line], validators=[too_long(100)])
    gift_deadline = DateField("お詫び品コードの有効期限", validators=[Optional()])
    gift_faq_key = StringField("期限後に取り下げるFAQのID（任意）", filters=[nfkc_line], validators=[too_long(64)])

    def values(self) -> dict:
        """What campaigns.update takes."""
        return {name: getattr(self, name).data for name in (
            "subject", "body", "pace_per_hour", "send_from_hour", "send_until_hour", "pause_backlog",
            "pause_oldest_minutes", "gift_label", "gift_deadline", "gift_faq_key")}


class RedeemForm(StaffForm):
    """An お詫び品 code presented once."""

    code = StringField("お詫び品コード", filters=[nfkc_line],
                       validators=[DataRequired("コードを入力してください。"), too_long(30)])


class ApproveForm(StaffForm):
    """Approval of the version shown."""

    seen = HiddenField()


class BounceForm(StaffForm):
    """A DSN (.eml) or a bounce list."""

    file = FileField("不達の通知（.eml）または不達のアドレス一覧（1行に1件）", validators=[
        FileRequired("ファイルを選んでください。")])


class ReturnedForm(StaffForm):
    """A letter that came back."""

    number = StringField("返戻されたお知らせのお知らせ番号", filters=[nfkc_line],
                         validators=[DataRequired("お知らせ番号を入力してください。"), too_long(30)])
