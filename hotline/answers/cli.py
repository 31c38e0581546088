"""`flask answers …`: import answer templates from files and rebuild their search index."""

from pathlib import Path

import click
from flask.cli import AppGroup

from ..extensions import db
from . import files as answer_files
from . import search as answer_search

answers_cli = AppGroup("answers", help="回答テンプレート（想定Q&A）の管理")


@answers_cli.command("import")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
def import_files(directory: Path) -> None:
    """Create or update templates from DIRECTORY/*.md (re-running never duplicates)."""
    try:
        result = answer_files.import_specs(answer_files.read_answer_dir(directory))
    except answer_files.AnswerFileError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"取り込みました：更新 {len(result.changed)} 件、変更なし {result.unchanged} 件")
    if result.kept:
        click.echo(f"管理画面で変更されたため、ファイルの内容で上書きしなかったテンプレート：{', '.join(result.kept)}")


@answers_cli.command("reindex")
def reindex() -> None:
    """Rebuild the template search index from the database."""
    count = answer_search.rebuild()
    click.echo(f"回答テンプレートの検索インデックスを再構築しました（{count} 件）")
