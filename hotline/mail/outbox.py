"""Outgoing mail through a transactional outbox: cleaning, validation, queueing, building.

`enqueue` adds a row to the caller's transaction: the mail exists exactly when the
change that caused it was committed. Delivery is hotline.mail.sender's.
"""

import re
import unicodedata
from datetime import timezone
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from flask import current_app

from ..extensions import add_row, db
from ..models import OutboxMail

SUBJECT_MAX = 200
NAME_MAX = 100
KIND_MAX = 32

# Bidirectional formatting and zero-width characters can make a subject or name read
# differently than it is; they are dropped.
_INVISIBLE = set(
    "\u061c\u200b\u200c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"
)
# Unicode category Cc is exactly U+0000–U+001F and U+007F–U+009F; Zl and Zp are U+2028 and U+2029.
_INVISIBLE_RUN = re.compile("[" + "".join(sorted(_INVISIBLE)) + "]")
_BREAKING = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_BODY_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LOCAL_PART = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


class MailError(ValueError):
    """A message that cannot be queued; the text is Japanese and safe to show."""


# Cleaning and validation ------------------------------------------------------------


def clean_header_text(text: str, limit: int) -> str:
    """One line of header text: no control, line-separator, bidi or zero-width characters.

    CR, LF, other control characters and line separators become spaces and runs of
    white space collapse, so nothing typed into a name or subject can start a new
    header; invisible formatting characters are dropped, and encoded words are broken
    up so that they stay text.
    """
    text = _BREAKING.sub(" ", _INVISIBLE_RUN.sub("", str(text)))
    # An RFC 2047 encoded word ("=?utf-8?q?…?=") typed into a name would be decoded by
    # the email package and by mail clients into other addresses: break every "=?".
    return " ".join(text.split()).replace("=?", "= ?")[:limit]


def clean_body(text: str) -> str:
    """Body text with unified line ends and no control characters except tab and newline."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return _BODY_CONTROL.sub("", text)


def normalize_address(address: str) -> str:
    """Return one plain e-mail address (NFKC, trimmed) or raise MailError.

    Only `local@domain` in ASCII is accepted: no display name, no angle brackets,
    no comments, no list, no line breaks.
    """
    if not isinstance(address, str):
        raise MailError("メールアドレスを入力してください。")
    value = unicodedata.normalize("NFKC", address).strip()
    if not value:
        raise MailError("メールアドレスを入力してください。")
    if any(unicodedata.category(ch) in {"Cc", "Zl", "Zp"} for ch in value):
        raise MailError("メールアドレスに改行や制御文字は使えません。")
    if any(ch in value for ch in ",;<>()[]\\\" ") or value.count("@") != 1:
        raise MailError("メールアドレスは1件だけ、「name@example.jp」の形で入力してください。")
    if not value.isascii():
        raise MailError("メールアドレスは半角英数字と記号で入力してください。")
    local, domain = value.split("@")
    labels = domain.split(".")
    if (
        len(value) > 254
        or len(local) > 64
        or not _LOCAL_PART.fullmatch(local)
        or len(labels) < 2
        or not all(_DOMAIN_LABEL.fullmatch(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise MailError("メールアドレスの形式が正しくありません。")
    return value


# Queueing ---------------------------------------------------------------------------


def enqueue(to: str, subject: str, body: str, kind: str, *, to_name: str = "", unsubscribe_url: str = "",
            keep: bool = True) -> OutboxMail | None:
    """Add a message to the outbox in the caller's transaction (no commit here).

    The message is sent only if the caller commits; a rollback discards it with
    everything else. Raises MailError (Japanese text) for an unusable address. With
    keep=False no object is returned and the row goes in by a plain INSERT
    (`extensions.add_row`), cheaper for callers that never read it back.
    """
    kind = clean_header_text(kind, KIND_MAX)
    if not kind:
        raise ValueError("mail kind is required")
    subject = clean_header_text(subject, SUBJECT_MAX)
    if not subject:
        raise MailError("件名が空です。")
    unsubscribe_url = clean_header_text(unsubscribe_url, 301)  # a cut link would not work: refused, never cut
    if unsubscribe_url and (len(unsubscribe_url) > 300 or not re.fullmatch(r"https?://[!-~]+", unsubscribe_url)):
        raise ValueError("unsubscribe_url must be one http(s) address")
    values = dict(
        kind=kind,
        to_addr=normalize_address(to),
        to_name=clean_header_text(to_name, NAME_MAX),
        subject=subject,
        body=clean_body(body),
        message_id=make_msgid(domain=_sender().addr_spec.rpartition("@")[2]),
        unsubscribe_url=unsubscribe_url,
    )  # status PENDING, no attempts, due now, no error: the model's defaults
    if not keep:
        add_row(OutboxMail, **values)
        return None
    row = OutboxMail(**values)
    db.session.add(row)
    return row


# Building messages ------------------------------------------------------------------


def _sender() -> Address:
    """The configured From address, with its display name cleaned."""
    name, addr = parseaddr(current_app.config["MAIL_FROM"])
    try:
        addr = normalize_address(addr)
    except MailError as error:
        raise RuntimeError("MAIL_FROM does not hold a valid address") from error
    return Address(display_name=clean_header_text(name, NAME_MAX), addr_spec=addr)


def build_message(row: OutboxMail) -> EmailMessage:
    """The RFC 5322 message for an outbox row: plain text, UTF-8, one recipient."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = _sender()
    message["To"] = Address(
        display_name=clean_header_text(row.to_name or "", NAME_MAX),
        addr_spec=normalize_address(row.to_addr),
    )
    message["Subject"] = clean_header_text(row.subject, SUBJECT_MAX)
    message["Date"] = format_datetime(row.created_at.replace(tzinfo=timezone.utc))
    message["Message-ID"] = row.message_id
    message["Auto-Submitted"] = "auto-generated"
    if row.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{row.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(clean_body(row.body), subtype="plain", charset="utf-8", cte="base64")
    return message
