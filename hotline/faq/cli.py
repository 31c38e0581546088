"""`flask faq …`: import FAQ files and rebuild the search index."""

from pathlib import Path

import click
from flask.cli import AppGroup

from ..config import PROJECT_ROOT
from ..extensions import db
from . import entries as faq
from . import search as faq_search

faq_cli = AppGroup("faq", help="よくあるご質問の管理")


@faq_cli.command("import")
@click.argument("directory", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
def import_files(directory: Path | None) -> None:
    """Create or update entries from faq/*.md (re-running never duplicates)."""
    try:
        specs = faq.read_faq_dir(directory or PROJECT_ROOT / "faq")
    except faq.FaqFileError as error:
        raise click.ClickException(str(error)) from error
    kept: list[str] = []
    changed, unchanged = faq.import_specs(specs, kept)
    db.session.commit()
    faq_search.sync(changed)
    click.echo(f"取り込みました：更新 {len(changed)} 件、変更なし {unchanged} 件")
    if kept:
        click.echo("管理画面で承認された内容があるため、ファイルで上書きしなかった質問：" + "、".join(kept))


@faq_cli.command("reindex")
def reindex() -> None:
    """Rebuild the search index from the database."""
    count = faq_search.rebuild()
    click.echo(f"検索インデックスを再構築しました（{count} 件）")
