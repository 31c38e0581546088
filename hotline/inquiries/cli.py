"""`flask inquiries …`: retention."""

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from . import intake as inquiries

inquiries_cli = AppGroup("inquiries", help="お問い合わせの管理")


@inquiries_cli.command("purge")
@click.option("--days", type=int, default=None, help="保管日数（既定は HOTLINE_INQUIRY_RETENTION_DAYS）")
def purge_command(days: int | None) -> None:
    """Delete inquiries and their mail past the retention period (run daily from a scheduler)."""
    days = current_app.config["INQUIRY_RETENTION_DAYS"] if days is None else days
    if days < 1:
        raise click.ClickException("保管日数は1日以上を指定してください。")
    counts = inquiries.purge_expired(days)
    db.session.commit()
    click.echo(f"削除しました：問い合わせ{counts['inquiries']}件、メール{counts['mails']}件、"
               f"アクセス記録{counts['rate_events']}件、検索の記録{counts['search_stats']}件（保管日数 {days}日）")
