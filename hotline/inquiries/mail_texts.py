"""The mail an inquiry causes: the customer's confirmation, the answer, the on-call alert.

Each function queues one message in the caller's transaction (hotline.mail.enqueue),
so the mail exists exactly when the change that caused it is committed.
"""

from flask import current_app

from .. import mail
from ..models import Inquiry

SIGNATURE = "\n\n――――――――――\n{company}\n{site}\n{url}\n※このメールは送信専用です。返信いただいても確認できません。"


def _signature() -> str:
    cfg = current_app.config
    return SIGNATURE.format(company=cfg["COMPANY_NAME"], site=cfg["SITE_NAME"], url=cfg["PUBLIC_URL"] + "/")


def status_link(inquiry: Inquiry) -> str:
    """The customer's own status page: the link with its token when it is at hand."""
    base = current_app.config["PUBLIC_URL"] + "/inquiry/status"
    token = getattr(inquiry, "status_token", "")
    return f"{base}/{token}" if token else base


def _greeting(inquiry: Inquiry) -> str:
    return f"{inquiry.name} 様\n\n" if inquiry.name else "お問い合わせいただいたお客様\n\n"


def queue_confirmation(inquiry: Inquiry) -> None:
    """Tell the customer we received their inquiry (only when they gave an email)."""
    if not inquiry.email:
        return
    cfg = current_app.config
    body = (
        f"{_greeting(inquiry)}"
        f"{cfg['COMPANY_NAME']}です。お問い合わせを受け付けました。\n\n"
        f"受付番号：{inquiry.receipt}\n"
        f"お問い合わせの種類：{inquiry.category.form_label}\n\n"
        f"担当者が内容を確認し、{cfg['INQUIRY_RESPONSE_DAYS']}営業日以内を目安にご連絡いたします。"
        "回答の状況は、次のページでご登録のメールアドレスを入力すると確認できます。\n"
        f"{status_link(inquiry)}\n\n"
        "当社からメールや電話で、カード番号・セキュリティコード・パスワードをお尋ねすることはありません。"
        "そのような連絡があった場合は応じずに、当窓口へお知らせください。"
        f"{_signature()}"
    )
    mail.enqueue(inquiry.email, f"【受付番号 {inquiry.receipt}】お問い合わせを受け付けました", body,
                 "inquiry_receipt", to_name=inquiry.name, keep=False)


def answer_mail(inquiry: Inquiry, text: str) -> tuple[str, str]:
    """(subject, body) of the answer mail as the customer will read it, greeting and footer included."""
    body = (
        f"{_greeting(inquiry)}"
        f"{current_app.config['COMPANY_NAME']}です。お問い合わせ（受付番号：{inquiry.receipt}）について回答いたします。\n\n"
        f"{text}"
        f"{_signature()}"
    )
    return f"【受付番号 {inquiry.receipt}】お問い合わせへの回答", body


def queue_answer(inquiry: Inquiry) -> None:
    """Send the recorded answer to the customer."""
    subject, body = answer_mail(inquiry, inquiry.answer_text)
    mail.enqueue(inquiry.email, subject, body, "answer", to_name=inquiry.name, keep=False)


def queue_oncall_alert(inquiry: Inquiry) -> bool:
    """Alert the on-call address about possible secondary damage; False when none is configured.

    The alert carries no personal data: only the reason, the category and a link.
    """
    to = current_app.config.get("ONCALL_EMAIL", "")
    if not to:
        return False
    body = (
        "二次被害の可能性があるお問い合わせが届きました。至急ご確認ください。\n\n"
        f"理由：{inquiry.urgent_reason}\n"
        f"種類：{inquiry.category.label}\n"
        f"経路：{inquiry.channel.label}\n\n"
        f"{current_app.config['PUBLIC_URL']}/agent/inquiries/{inquiry.id}\n"
        "（内容と連絡先は、ログインしたうえで上のページで確認してください。）"
    )
    mail.enqueue(to, "【至急】二次被害の可能性があるお問い合わせ", body, "oncall_alert", keep=False)
    return True
