"""`flask faq …`: bring FAQ files in for approval and rebuild the search index."""

from pathlib import Path

import click
from flask.cli import AppGroup

from sqlalchemy import select

from ..config import PROJECT_ROOT
from ..extensions import db
from ..models import User
from . import entries as faq
from . import imports
from . import search as faq_search
from .changes import FaqChangeError

faq_cli = AppGroup("faq", help="よくあるご質問の管理")


@faq_cli.command("import")
@click.argument("directory", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--author", required=True, help="取り込む責任者のユーザー名（承認は別の責任者が管理画面で行います）")
def import_files(directory: Path | None, author: str) -> None:
    """Bring faq/*.md in as changes by AUTHOR, each public once another supervisor approves it."""
    user = db.session.scalar(select(User).filter_by(username=author))
    if user is None or not user.active:
        raise click.ClickException(f"ユーザーが見つかりません: {author}")
    try:
        result = imports.import_specs(faq.read_faq_dir(directory or PROJECT_ROOT / "faq"), user)
    except (faq.FaqFileError, FaqChangeError) as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"取り込みました：承認待ち {len(result.changes)} 件、変更なし {result.unchanged} 件")
    if result.changes:
        click.echo("管理画面「よくあるご質問の管理」の「承認待ちの変更」で、取り込んだ方とは別の責任者が承認すると公開されます。")
    if result.kept:
        click.echo("管理画面で書かれた内容（承認待ちを含む）があるため、ファイルから取り込まなかった質問："
                   + "、".join(result.kept))


@faq_cli.command("reindex")
def reindex() -> None:
    """Rebuild the search index from the database."""
    count = faq_search.rebuild()
    click.echo(f"検索インデックスを再構築しました（{count} 件）")
