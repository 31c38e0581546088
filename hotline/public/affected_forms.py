"""Forms of the two public checks: a notice number with its code, and the pair a person gives."""

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired

from ..web.form_filters import block as _block
from ..web.form_filters import nfkc_line as _nfkc
from ..web.form_filters import too_long as _too_long


class VerifyForm(FlaskForm):
    """The お知らせ番号 and 確認コード printed on a notice."""

    number = StringField("お知らせ番号", filters=[_nfkc],
                         validators=[DataRequired("お知らせ番号を入力してください。"), _too_long(30)])
    code = StringField("確認コード", filters=[_nfkc],
                       validators=[DataRequired("確認コードを入力してください。"), _too_long(20)])


class SuspiciousForm(FlaskForm):
    """A message that claims to come from us and could not be confirmed."""

    number = StringField("お知らせ番号（記載があれば）", filters=[_nfkc], validators=[_too_long(30)])
    note = TextAreaField("どのような連絡でしたか（任意）", filters=[_block], validators=[_too_long(1000)])


class SelfCheckForm(FlaskForm):
    """The two values the company can verify; their labels follow HOTLINE_AFFECTED_CHECK."""

    first = StringField("", filters=[_nfkc], validators=[DataRequired("入力してください。"), _too_long(254)])
    second = StringField("", filters=[_nfkc], validators=[DataRequired("入力してください。"), _too_long(40)])

    def label_for(self, labels: tuple[str, str]) -> "SelfCheckForm":
        """Name both fields (and their messages) for the configured pair."""
        for field, label in zip((self.first, self.second), labels):
            field.label.text = label
            for validator in field.validators:
                if isinstance(validator, DataRequired):
                    validator.message = f"{label}を入力してください。"
        return self
