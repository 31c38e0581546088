"""`flask mail …`: deliver the outbox once, show its state, or run the sender process."""

import logging
import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from ..models import MailStatus
from . import sender

log = logging.getLogger("hotline.mail.worker")

mail_cli = AppGroup("mail", help="メールの送信（送信待ちキュー）")
_round_hooks: list = []


def on_round(hook) -> None:
    """Run `hook()` at the start of every sender round (e.g. queueing paced notices)."""
    if hook not in _round_hooks:
        _round_hooks.append(hook)


def _describe(result: sender.DeliveryResult) -> str:
    """One Japanese line with the counts of a delivery round."""
    return f"送信 {result.sent} 件、再送待ち {result.retrying} 件、送信失敗 {result.failed} 件"


@mail_cli.command("send")
@click.option("--limit", default=50, show_default=True, help="1回に送る最大件数")
def send_once(limit: int) -> None:
    """Deliver the messages that are due, once, and print the counts."""
    result = sender.deliver_pending(limit)
    click.echo(_describe(result))


@mail_cli.command("catch")
@click.option("--port", default=1025, show_default=True, help="待ち受けるポート（127.0.0.1）")
@click.option("--folder", default=None, help="受け取ったメールを保存するフォルダ（既定: instance/caught-mail）")
def catch(port: int, folder: str | None) -> None:
    """開発用: 届いたメールを読める形で表示し、ファイルに保存します（転送はしません）。"""
    import os

    from . import catcher

    target = folder or os.path.join(current_app.instance_path, "caught-mail")
    controller = catcher.start(target, port, echo=click.echo)
    click.echo(f"127.0.0.1:{port} でメールを受け付けています。保存先: {target}（Ctrl+C で終了）")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


@mail_cli.command("status")
def status() -> None:
    """Print how many messages are in each state and the oldest waiting one's age."""
    summary = sender.outbox_summary()
    click.echo("、".join(f"{s.label} {summary.counts[s]} 件" for s in MailStatus))
    if summary.oldest_pending_age is not None:
        click.echo(f"最も古い未送信: {int(summary.oldest_pending_age.total_seconds())} 秒前")


def run_worker(stop: threading.Event, poll_seconds: float, limit: int = 50) -> None:
    """Deliver due mail until `stop` is set, waiting `poll_seconds` when idle.

    A failing database or SMTP server is logged (error class only: no addresses or
    text) and the loop goes on; mail waits in the outbox meanwhile.
    """
    while not stop.is_set():
        busy = False
        for hook in _round_hooks:
            try:
                hook()
            except Exception as error:  # a failing hook must not stop the mail
                log.error("round hook %s failed: %s", getattr(hook, "__name__", "hook"), type(error).__name__)
                _reset_session()
        try:
            result = sender.deliver_pending(limit, should_stop=stop.is_set)
            if result.attempted:
                log.info("mail round: %s sent, %s to retry, %s failed", result.sent, result.retrying, result.failed)
            busy = result.attempted >= limit
        except Exception as error:  # keep the sender alive through any outage
            log.error("mail round failed: %s", type(error).__name__)
        finally:
            _reset_session()
        if not busy:
            stop.wait(poll_seconds)


def _reset_session() -> None:
    """Drop the session and its connection so the next round starts clean."""
    try:
        db.session.remove()
    except Exception as error:  # the database may be gone; the next round reconnects
        log.error("closing the session failed: %s", type(error).__name__)


@mail_cli.command("worker")
@click.option("--limit", default=50, show_default=True, help="1回に送る最大件数")
def worker(limit: int) -> None:
    """Keep delivering mail every MAIL_POLL_SECONDS until SIGTERM or SIGINT."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    stop = threading.Event()

    def request_stop(signum, _frame) -> None:
        log.info("mail worker stopping (signal %s)", signum)
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    poll_seconds = current_app.config["MAIL_POLL_SECONDS"]
    log.info("mail worker started; polling every %s s", poll_seconds)
    try:
        run_worker(stop, poll_seconds, limit)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("mail worker stopped")
