"""Error pages in Japanese; unexpected errors show a reference id, never a traceback."""

import secrets

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: ("リクエストを処理できませんでした", "送信された内容に問題がありました。ページを再読み込みして、もう一度お試しください。"),
    403: ("この操作は許可されていません", "この操作を行う権限がありません。必要な場合は責任者にご相談ください。"),
    404: ("ページが見つかりません", "お探しのページは移動または削除されたか、アドレスが間違っている可能性があります。"),
    405: ("この方法ではアクセスできません", "ページを再読み込みして、もう一度お試しください。"),
    413: ("送信された内容が大きすぎます", "本文を短くするか、添付を減らして、もう一度お試しください。"),
    429: ("アクセスが集中しています", "短時間に多くの操作が行われました。しばらく時間をおいてから、もう一度お試しください。"),
    500: ("一時的なエラーが発生しました", "ご不便をおかけして申し訳ございません。しばらく時間をおいてから、もう一度お試しください。"),
}


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def _render(code: int, reference: str | None = None, words: tuple[str, str] | None = None):
    """Render the error page for a status code (or with the error's own Japanese words)."""
    title, message = words or MESSAGES.get(code, MESSAGES[400 if code < 500 else 500])
    return render_template("errors/error.html", code=code, title=title, message=message, reference=reference), code


def _http_error(error: HTTPException):
    """Known HTTP errors (404, 413, 429, CSRF failures …), keeping the headers they carry (Retry-After)."""
    if error.code is None or error.code < 400:
        return error
    body, code = _render(error.code, words=getattr(error, "japanese", None))
    headers = {k: v for k, v in error.get_headers() if k.lower() not in ("content-type", "content-length")}
    return body, code, headers


def _unexpected_error(error: Exception):
    """Anything else: log it under a reference id the user can quote."""
    from flask import current_app

    from ..extensions import db

    reference = secrets.token_hex(6)
    db.session.rollback()
    current_app.logger.error("unhandled error ref=%s", reference, exc_info=error)
    return _render(500, reference)
