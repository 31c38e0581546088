"""`flask users …`: staff accounts from the command line."""

import click
from flask.cli import AppGroup

from ..extensions import db
from ..models import Role, User
from . import accounts, mfa

users_cli = AppGroup("users", help="スタッフアカウントの管理")
BY_HELP = "操作する管理者のユーザー名（監査ログに記録。最初の管理者を作るときは省略し、OSのアカウントが記録されます）"


def _admin_or_fail(username: str | None) -> User | None:
    """The administrator named by --by (None when not given), or a Japanese error that ends the command."""
    if not username:
        return None
    user = _user_or_fail(username)
    if not user.active or not user.has_role(Role.ADMIN):
        raise click.ClickException(f"--by には有効な管理者のユーザー名を指定してください: {username}")
    return user


@users_cli.command("create")
@click.argument("username")
@click.option("--name", "display_name", default="", help="表示名")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.AGENT.value)
@click.password_option(help="パスワード（12文字以上）")
@click.option("--by", "by", default=None, help=BY_HELP)
def create_user(username: str, display_name: str, role: str, password: str, by: str | None) -> None:
    """Create a staff account."""
    try:
        accounts.create_user(username, display_name, password, Role(role), by=_admin_or_fail(by))
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
@click.option("--by", "by", default=None, help=BY_HELP)
def disable_user(username: str, by: str | None) -> None:
    """Disable an account and end its sessions."""
    _set_active(username, False, by)


@users_cli.command("enable")
@click.argument("username")
@click.option("--by", "by", default=None, help=BY_HELP)
def enable_user(username: str, by: str | None) -> None:
    """Enable a disabled account again (it logs in with its password and second factor)."""
    _set_active(username, True, by)


def _set_active(username: str, active: bool, by: str | None) -> None:
    """Enable or disable one account and say so."""
    accounts.set_active(_user_or_fail(username), active, by=_admin_or_fail(by))
    db.session.commit()
    click.echo(f"{'有効' if active else '無効'}にしました: {username}")


@users_cli.command("list")
def list_users() -> None:
    """Every staff account: name, role, state, second factor."""
    for user in db.session.scalars(db.select(User).order_by(User.username)):
        state = "有効" if user.active else "無効"
        second = "二段階認証あり" if user.totp_secret else "二段階認証なし"
        click.echo(f"{user.username}\t{user.display_name}\t{user.role.label}\t{state}\t{second}")


@users_cli.command("reset-mfa")
@click.argument("username")
@click.option("--by", "by", default=None, help=BY_HELP)
def reset_mfa(username: str, by: str | None) -> None:
    """Remove an account's one-time password app (lost phone); ends its sessions."""
    mfa.reset(_user_or_fail(username), by=_admin_or_fail(by))
    db.session.commit()
    click.echo(f"二段階認証を解除しました: {username}（次回ログイン時に再設定できます）")
