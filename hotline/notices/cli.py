"""`flask notices …`: load drafts from files and run the consistency check.

Exit codes: 0 when nothing blocks publication, 1 when a finding blocks or a file is
unusable, so the commands fit in scripts.
"""

import re
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..extensions import db
from ..models import Report, User
from . import workflow as notices
from .consistency import BLOCKING, CORRECTED, WARNING, Finding, is_blocked
from .draft_files import DraftFileError, check_spec, load_draft, parse_draft
from .verify import irregular_reports

notices_cli = AppGroup("notices", help="お知らせ（報）の管理")
SEVERITY_LABELS = {BLOCKING: "公開できない問題", WARNING: "確認事項", CORRECTED: "訂正として公表"}


def _fail(message: str) -> None:
    """Print a Japanese error to stderr and exit with status 1."""
    click.echo(f"エラー: {message}", err=True)
    raise SystemExit(1)


def _read_spec(path: str):
    """Read and parse a draft file, exiting with a Japanese message when it is unusable."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        _fail(f"ファイルを読み込めません: {path}（{error.__class__.__name__}）。UTF-8 のテキストファイルを指定してください。")
    try:
        return parse_draft(text)
    except DraftFileError as error:
        _fail(f"{path}: {error}")


def echo_findings(findings: list[Finding]) -> None:
    """Print findings grouped by severity, blocking first."""
    if not findings:
        click.echo("整合性チェック: 問題は見つかりませんでした。")
        return
    click.echo(f"整合性チェック: {len(findings)}件")
    for severity in (BLOCKING, WARNING, CORRECTED):
        for finding in findings:
            if finding.severity == severity:
                click.echo(f"  [{SEVERITY_LABELS[severity]}] {finding.message}")
    if is_blocked(findings):
        click.echo("公開できない問題があるため、このままでは承認依頼・公開できません。")


def _exit_for(findings: list[Finding]) -> None:
    """Exit 1 when any finding blocks."""
    if is_blocked(findings):
        raise SystemExit(1)


@notices_cli.command("load-draft")
@click.argument("file")
@click.option("--author", required=True, help="作成者のユーザー名（責任者以上）")
def load_draft_command(file: str, author: str) -> None:
    """Create a draft report from a TOML draft file."""
    spec = _read_spec(file)
    user = db.session.scalar(select(User).filter_by(username=author))
    if user is None or not user.active:
        _fail(f"ユーザーが見つかりません: {author}")
    try:
        report = load_draft(spec, user)
        findings = notices.findings_for(report)
        db.session.commit()
    except (DraftFileError, notices.NoticeError) as error:
        db.session.rollback()
        _fail(str(error))
    click.echo(f"下書きを作成しました: ID {report.id}（{report.incident.title} {notices.report_label(report)}）")
    echo_findings(findings)


@notices_cli.command("check")
@click.argument("report_id", type=int)
def check_command(report_id: int) -> None:
    """Run the consistency check on a stored report."""
    report = db.session.get(Report, report_id)
    if report is None:
        _fail(f"報が見つかりません: ID {report_id}")
    click.echo(f"{report.incident.title} {notices.report_label(report)}（{report.state.label}）")
    findings = notices.findings_for(report)
    echo_findings(findings)
    _exit_for(findings)


@notices_cli.command("check-file")
@click.argument("file")
def check_file_command(file: str) -> None:
    """Parse a draft file and run the consistency check without saving anything."""
    spec = _read_spec(file)
    try:
        label, findings = check_spec(spec)
    except DraftFileError as error:
        _fail(str(error))
    click.echo(f"{file}: {spec.incident_slug} {label}（保存していません）")
    echo_findings(findings)
    _exit_for(findings)


@notices_cli.command("verify")
def verify_command() -> None:
    """Check every published report again: published through the application, nothing that blocks."""
    found = irregular_reports()
    if not found:
        click.echo("公開済みの報をすべて確認しました。問題は見つかりませんでした。")
        return
    click.echo(f"公開済みの報のうち{len(found)}件に問題があります。内容を確認し、必要であれば訂正の報を出してください。")
    for item in found:
        click.echo(f"- {item.label}")
        for problem in item.problems:
            click.echo(f"    {problem}")
    raise SystemExit(1)


@notices_cli.command("export")
@click.argument("directory")
@click.option("--base-url", default="http://localhost", show_default=True,
              help="公開するサイトのURL（フィードのリンクに使います）")
def export_command(directory: str, base_url: str) -> None:
    """Write the public notice pages as static files for any web server or CDN."""
    from flask import current_app

    from .static_export import ExportError, export_site

    if not re.match(r"^https?://[^\s/]+$", base_url.rstrip("/")):
        _fail("--base-url には https://example.jp のようなアドレスを指定してください。")
    try:
        files = export_site(current_app._get_current_object(), directory, base_url.rstrip("/"))
    except (ExportError, OSError) as error:
        _fail(f"書き出しに失敗しました: {error}")
    click.echo(f"{len(files)}個のファイルを {directory} に書き出しました。")
