"""Command-line tools: `flask users …`, `flask demo …`, `flask notices …`, `flask mail …`."""

import click
from flask import current_app
from flask.cli import AppGroup

from . import accounts, demo, mfa
from .extensions import db
from .models import Role, User

users_cli = AppGroup("users", help="スタッフアカウントの管理")
demo_cli = AppGroup("demo", help="デモデータ")


def init_app(app) -> None:
    """Register the command groups."""
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    from .answers_cli import answers_cli
    from .faq_cli import faq_cli
    from .inquiries_cli import inquiries_cli
    from .mail_cli import mail_cli
    from .notices_cli import notices_cli

    app.cli.add_command(notices_cli)
    app.cli.add_command(faq_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(answers_cli)
    app.cli.add_command(inquiries_cli)


@users_cli.command("create")
@click.argument("username")
@click.option("--name", "display_name", default="", help="表示名")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.AGENT.value)
@click.password_option(help="パスワード（12文字以上）")
def create_user(username: str, display_name: str, role: str, password: str) -> None:
    """Create a staff account."""
    try:
        accounts.create_user(username, display_name, password, Role(role))
    except accounts.AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"作成しました: {username} ({Role(role).label})")


def _user_or_fail(username: str) -> User:
    """The account, or a Japanese error that ends the command."""
    user = db.session.scalar(db.select(User).filter_by(username=username))
    if user is None:
        raise click.ClickException(f"ユーザーが見つかりません: {username}")
    return user


@users_cli.command("disable")
@click.argument("username")
def disable_user(username: str) -> None:
    """Disable an account and end its sessions."""
    accounts.set_active(_user_or_fail(username), False)
    db.session.commit()
    click.echo(f"無効にしました: {username}")


@users_cli.command("reset-mfa")
@click.argument("username")
def reset_mfa(username: str) -> None:
    """Remove an account's one-time password app (lost phone); ends its sessions."""
    mfa.reset(_user_or_fail(username))
    db.session.commit()
    click.echo(f"二段階認証を解除しました: {username}（次回ログイン時に再設定できます）")


@demo_cli.command("load")
def load_demo() -> None:
    """Load the demo incident and demo staff accounts (never in production)."""
    try:
        created = demo.load_demo(current_app.config["HOTLINE_ENV"])
    except demo.DemoRefused as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo("デモデータを読み込みました。" if created else "デモデータは読み込み済みです。")
