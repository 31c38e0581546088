"""`flask answers …`: import answer templates from files and rebuild their search index."""

from pathlib import Path

import click
from flask.cli import AppGroup

from sqlalchemy import select

from ..extensions import db
from ..models import User
from . import files as answer_files
from . import search as answer_search
from .templates import AnswerError

answers_cli = AppGroup("answers", help="回答テンプレート（想定Q&A）の管理")


@answers_cli.command("import")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--author", required=True, help="取り込む責任者のユーザー名（承認は別の責任者が管理画面で行います）")
def import_files(directory: Path, author: str) -> None:
    """Bring DIRECTORY/*.md in as edits by AUTHOR, each waiting for another supervisor's approval."""
    user = db.session.scalar(select(User).filter_by(username=author))
    if user is None or not user.active:
        raise click.ClickException(f"ユーザーが見つかりません: {author}")
    try:
        result = answer_files.import_specs(answer_files.read_answer_dir(directory), user)
    except (answer_files.AnswerFileError, AnswerError) as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"取り込みました：承認待ち {len(result.changed)} 件、変更なし {result.unchanged} 件")
    if result.changed:
        click.echo("管理画面の回答テンプレートで、取り込んだ方とは別の責任者が承認すると使われ始めます。")
    if result.kept:
        click.echo(f"別の編集が承認待ちか廃止済みのため、取り込まなかったテンプレート：{', '.join(result.kept)}")


@answers_cli.command("reindex")
def reindex() -> None:
    """Rebuild the template search index from the database."""
    count = answer_search.rebuild()
    click.echo(f"回答テンプレートの検索インデックスを再構築しました（{count} 件）")
