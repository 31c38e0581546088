"""`flask affected …`: importing lists, key rotation, retention."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from ..extensions import db
from ..models import AffectedPerson, Incident, MergeCandidate, MergeState, NoticeCampaign, Role, User
from . import gifts, letters, outcomes, sending
from .importing import ImportRefused, import_list
from .rows import FIELDS
from .upkeep import purge, rotate_keys

affected_cli = AppGroup("affected", help="対象者リストの管理")
_FIELD_BY_LABEL = {label: name for name, label in FIELDS.items()}


def _incident(slug: str | None) -> Incident:
    if slug:
        incident = db.session.scalar(select(Incident).filter_by(slug=slug))
    else:
        incident = db.session.scalar(select(Incident).order_by(Incident.id.desc()))
    if incident is None:
        raise click.ClickException(f"事案が見つかりません: {slug or '（事案がありません）'}")
    return incident


def _mapping(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        column, sep, field = pair.partition("=")
        field = field.strip()
        field = _FIELD_BY_LABEL.get(field, field)
        if not sep or (field != "-" and field not in FIELDS):
            raise click.ClickException(
                f"対応の指定が読めません: {pair}（例: 顧客コード=会員番号、備考=-）")
        out[column.strip()] = field
    return out


@affected_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--incident", "slug", help="事案の識別子（既定は最新の事案）")
@click.option("--group", default="", help="区分の列がないときの区分（報の対象者の区分名）")
@click.option("--source", default="", help="リストの名前（既定はファイル名）。同じ名前で取り込むと置き換えます")
@click.option("--map", "pairs", multiple=True, help="列の対応: 列名=項目 または 列名=-（無視）")
@click.option("--by", "username", required=True, help="取り込む責任者のユーザー名（監査ログに残ります）")
def import_command(file: str, slug: str | None, group: str, source: str, pairs: tuple[str, ...], username: str) -> None:
    """Import an affected list (CSV or XLSX): every row or none."""
    user = _staff(username)
    incident = _incident(slug)
    path = Path(file)
    try:
        result = import_list(incident, path.read_bytes(), path.name, group=group, source=source,
                             mapping=_mapping(pairs), user=user)
        db.session.commit()
    except ImportRefused as refused:
        db.session.rollback()
        raise click.ClickException("\n".join(refused.lines)) from None
    record = result.record
    click.echo(f"取り込みました: {record.source}（{record.rows}行）新規{record.added}名・更新{record.updated}名・"
               f"名寄せで統合{record.merged}件・確認待ちの候補{record.candidates}件・リストから外れた方{record.removed}名")
    for rule, count in result.merged_rules.items():
        click.echo(f"  統合の理由「{rule}」: {count}件")


@affected_cli.command("stats")
@click.option("--incident", "slug", help="事案の識別子（既定は最新の事案）")
def stats_command(slug: str | None) -> None:
    """How many people the list holds and how many merges wait for a decision."""
    incident = _incident(slug)
    people = db.session.scalar(select(func.count(AffectedPerson.id)).filter_by(incident_id=incident.id))
    waiting = db.session.scalar(select(func.count(MergeCandidate.id)).filter_by(
        incident_id=incident.id, state=MergeState.OPEN))
    click.echo(f"{incident.title}: 対象者{people}名、名寄せの確認待ち{waiting}件")


@affected_cli.command("rotate-keys")
def rotate_command() -> None:
    """Re-encrypt every sealed value with the first key of HOTLINE_DATA_KEYS."""
    changed = rotate_keys()
    db.session.commit()
    click.echo(f"再暗号化しました: {changed}件。古い鍵は、すべてのサーバーで設定から外してかまいません。")


@affected_cli.command("purge")
@click.option("--days", type=int, default=None, help="保管日数（既定は HOTLINE_AFFECTED_RETENTION_DAYS）")
def purge_command(days: int | None) -> None:
    """Delete people from the list past the retention period."""
    days = current_app.config["AFFECTED_RETENTION_DAYS"] if days is None else days
    if days < 1:
        raise click.ClickException("保管日数は1日以上を指定してください。")
    count = purge(days)
    db.session.commit()
    click.echo(f"削除しました: 対象者{count}名（保管日数 {days}日）")


def _campaign(campaign_id: int) -> NoticeCampaign:
    campaign = db.session.get(NoticeCampaign, campaign_id)
    if campaign is None:
        raise click.ClickException(f"お知らせが見つかりません: ID {campaign_id}")
    return campaign


def _staff(username: str) -> User:
    user = db.session.scalar(select(User).filter_by(username=username))
    if user is None or not user.active or not user.has_role(Role.SUPERVISOR):
        raise click.ClickException(f"責任者のユーザーが見つかりません: {username}")
    return user


@affected_cli.command("pump")
def pump_command() -> None:
    """Queue the individual notices the pace allows now (the mail worker does this every round)."""
    click.echo(f"送信待ちに入れました: {sending.pump()}通")


@affected_cli.command("letters")
@click.argument("campaign_id", type=int)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="書き出す PDF ファイル")
@click.option("--by", "username", required=True, help="印刷する責任者のユーザー名")
@click.option("--limit", default=letters.BATCH_MAX, show_default=True, help="1バッチの最大通数")
def letters_command(campaign_id: int, out: str, username: str, limit: int) -> None:
    """Write the next batch of letters waiting as one PDF (one notice per page)."""
    try:
        number, pdf, count = letters.print_batch(_campaign(campaign_id), _staff(username), limit)
    except letters.LetterError as error:
        raise click.ClickException(str(error)) from None
    Path(out).write_bytes(pdf)
    db.session.commit()
    click.echo(f"バッチ{number}: {count}通を {out} に書き出しました。")


@affected_cli.command("bounces")
@click.argument("campaign_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--by", "username", required=True, help="取り込む責任者のユーザー名")
def bounces_command(campaign_id: int, file: str, username: str) -> None:
    """Read a DSN (.eml) or a bounce list and send those notices by letter instead."""
    result = outcomes.import_bounces(_campaign(campaign_id), Path(file).read_bytes(), _staff(username))
    db.session.commit()
    click.echo(f"不達 {result.moved}件を郵送に切り替えました（該当なし {result.unknown}件、処理済み {result.already}件）。")


@affected_cli.command("redeem")
@click.argument("code")
@click.option("--by", "username", required=True, help="記録する責任者のユーザー名")
def redeem_command(code: str, username: str) -> None:
    """Use an お詫び品 code once."""
    try:
        used = gifts.redeem(code, _staff(username))
    except gifts.GiftError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"使用を記録しました: {used.label}（お知らせ番号 {used.notice_number}）")
