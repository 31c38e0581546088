"""The audit trail: append-only records of who did what."""

import getpass
import os

from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from .extensions import add_row, db, in_read_request, write_after_reads
from .models import AuditEvent

PENDING_VIEWS = "audit_pending_views"


class AuditImmutable(RuntimeError):
    """Raised when code tries to change or delete an audit row."""


def origin() -> str:
    """Where an audit row comes from: '' in a web request, else 'os:' and the operating-system account."""
    if has_request_context():
        return ""
    try:
        return f"os:{getpass.getuser()}"[:80]
    except (KeyError, OSError):  # no name for this uid (a container without a passwd entry)
        return f"os:uid {os.getuid()}"


def record(action: str, target_type: str, target_id, detail: str = "", user=None) -> None:
    """Add an audit row to the current transaction (no personal data in `detail`).

    Written by a plain INSERT before the session's next statement or at the commit
    (`extensions.add_row`); a rollback discards it with the rest.
    """
    if user is None and current_user and current_user.is_authenticated:
        user = current_user
    add_row(AuditEvent, action=action, target_type=target_type, target_id=str(target_id), detail=detail[:500],
            user_id=user.id if user is not None else None, origin=origin())


def record_view(target_type: str, target_id, detail: str = "", user=None) -> None:
    """Record that a staff member saw personal data.

    Within a page read with GET the row is written once the view has rendered, in a
    transaction of its own that takes SQLite's write lock first (`write_after_reads`);
    if that write fails, the page is not sent. Elsewhere it joins the current transaction.
    """
    if not in_read_request():
        record("view", target_type, target_id, detail, user=user)
        return
    if user is None and current_user and current_user.is_authenticated:
        user = current_user
    g.setdefault(PENDING_VIEWS, []).append(dict(
        action="view", target_type=target_type, target_id=str(target_id), detail=detail[:500],
        user_id=user.id if user is not None else None))


def _write_views(response):
    """After a GET view rendered: write the views it recorded (an error here replaces the page with a 500)."""
    rows = g.pop(PENDING_VIEWS, None)
    if rows:
        with write_after_reads():
            db.session.add_all(AuditEvent(**row) for row in rows)
    return response


def init_app(app) -> None:
    """Write the views recorded during GET requests before each response leaves."""
    app.after_request(_write_views)


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session, _context, _instances) -> None:
    """Audit rows are written once and never edited or deleted by the application."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise AuditImmutable("audit rows cannot be changed or deleted")


ACTION_LABELS = {
    "view": "閲覧", "create": "作成", "update": "更新", "delete": "削除", "claim": "担当", "release": "担当解除",
    "answer": "回答", "wait": "保留", "resume": "再開", "export": "書き出し", "purge": "削除（保存期間経過）",
    "submit": "承認依頼", "return": "差し戻し", "publish": "公開", "approve": "承認", "reject": "却下",
    "retire": "廃止", "flag": "要確認", "import": "取り込み", "use": "使用", "propose": "提案",
    "publish_faq": "FAQとして公開", "refresh_faq": "FAQの内容更新", "refresh_faq_failed": "FAQの内容更新の失敗", "request_change": "変更の申請",
    "approve_change": "変更の承認", "reject_change": "変更の却下", "file": "報告の記録",
    "decide_reporting": "報告要否の判断", "review_reporting": "報告要否の確認",
    "login": "ログイン", "logout": "ログアウト", "login_failed": "ログイン失敗", "login_throttled": "ログイン待機",
    "mfa_enable": "二段階認証の設定", "mfa_reset": "二段階認証の解除",
    "search": "検索", "self_check": "対象かどうかの確認", "rotate_keys": "暗号鍵の更新", "merge": "名寄せで統合",
    "keep_separate": "別の方として維持", "pause": "一時停止", "finish": "完了", "print": "印刷",
    "import_bounces": "不達の取り込み", "letter_returned": "郵便の返戻", "redeem_gift": "お詫び品コードの使用",
    "withdraw": "公開の取り下げ", "mark_urgent": "至急に指定", "unmark_urgent": "至急の解除",
    "call": "折り返しの架電", "enable": "有効化", "disable": "無効化",
}
TARGET_LABELS = {
    "inquiry": "問い合わせ", "report": "報", "incident": "事案", "answer_template": "回答テンプレート",
    "faq_entry": "FAQ", "user": "アカウント", "affected_person": "対象者", "affected_list": "対象者リスト",
    "notice_campaign": "個別のお知らせ", "callback": "折り返し",
}


def action_label(action: str) -> str:
    """The Japanese word for an audit action ('view' → '閲覧'); unknown codes as they are."""
    return ACTION_LABELS.get(action, action)


ANONYMOUS_ACTORS = {"login_failed": "（ログイン前）", "login_throttled": "（ログイン前）",
                    "self_check": "（一般の方）"}


def command_account(event_row: AuditEvent) -> str:
    """The operating-system account of a row written by a command ('' for the web)."""
    return event_row.origin[3:] if (event_row.origin or "").startswith("os:") else ""


def actor_label(event_row: AuditEvent, with_command: bool = True) -> str:
    """Who did it: the staff member's name, or who it was when nobody was logged in; from a
    command, with the operating-system account that ran it (unless `with_command` is off)."""
    account = command_account(event_row) if with_command else ""
    by_command = f"（コマンド：{account}）" if account else ""
    if event_row.user is not None:
        return event_row.user.display_name + by_command
    if by_command:
        return by_command
    if event_row.target_type == "inquiry" and event_row.action == "create":
        return "（一般の方）"
    return ANONYMOUS_ACTORS.get(event_row.action, "（システム）")
