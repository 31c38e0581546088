"""`flask notices load-draft / check / check-file`: output in Japanese, exit codes for scripts."""

import getpass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hotline import audit
from hotline.extensions import db
from hotline.models import AuditEvent, Report, ReportState

from .factories import make_draft, make_incident, publish

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BLOCKED_FILE = 'incident = "test-incident"\n[contact]\nphone = ""\nhours = ""\nform_url = ""\n[report]\nsituation = "x"\n'


def report_count() -> int:
    """Reports stored now."""
    db.session.rollback()
    return db.session.scalar(select(func.count(Report.id)))


@pytest.fixture
def sakura(staff):
    """The incident the example files are written for."""
    incident = make_incident(slug="2026-sakura-books")
    db.session.commit()
    return incident


def test_load_draft_creates_the_draft_and_prints_id_and_findings(runner, sakura):
    result = runner.invoke(args=["notices", "load-draft", str(EXAMPLES / "first-report.toml"), "--author", "sup1"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    report = db.session.scalars(select(Report)).one()
    assert f"下書きを作成しました: ID {report.id}" in result.output and "第一報" in result.output
    assert "整合性チェック" in result.output
    assert report.state is ReportState.DRAFT and report.author.username == "sup1"


def test_load_draft_records_its_actor_in_the_audit_log(runner, sakura, staff):
    result = runner.invoke(args=["notices", "load-draft", str(EXAMPLES / "first-report.toml"), "--author", "sup1"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    report = db.session.scalars(select(Report)).one()
    events = db.session.scalars(select(AuditEvent).filter_by(target_type="report", target_id=str(report.id))).all()
    assert {e.action for e in events} == {"create", "update"}
    assert {e.user_id for e in events} == {staff["sup1"].id}
    assert [edit.user_id for edit in report.edits] == [staff["sup1"].id, staff["sup1"].id]
    # --author names anyone; the account that typed the command is kept beside it
    account = getpass.getuser()
    assert {e.origin for e in events} == {f"os:{account}"}
    assert audit.actor_label(events[0]) == f"{staff['sup1'].display_name}（コマンド：{account}）"


def test_the_audit_page_shows_the_account_that_ran_a_command(runner, sakura, staff, client, login):
    runner.invoke(args=["notices", "load-draft", str(EXAMPLES / "first-report.toml"), "--author", "sup1"])
    login("admin1")
    page = client.get("/supervisor/audit?target=report").get_data(as_text=True)
    assert f'{staff["sup1"].display_name}<br><span class="muted command-origin">コマンド：{getpass.getuser()}</span>' in page


def test_audit_rows_written_in_a_web_request_have_no_command_origin(client, login, staff):
    login("sup1")
    client.get("/supervisor/audit")
    rows = db.session.scalars(select(AuditEvent)).all()
    assert rows and {r.origin for r in rows} == {""}


def test_load_draft_prints_blocking_findings_but_keeps_the_draft(runner, staff, tmp_path):
    make_incident(contact_phone="", contact_hours="", contact_form_url="")
    db.session.commit()
    path = tmp_path / "draft.toml"
    path.write_text('incident = "test-incident"\n', encoding="utf-8")
    result = runner.invoke(args=["notices", "load-draft", str(path), "--author", "sup1"])
    assert result.exit_code == 0 and "[公開できない問題]" in result.output and report_count() == 1


@pytest.mark.parametrize("author, message", [("nobody", "ユーザーが見つかりません"), ("agent1", "責任者以上")])
def test_load_draft_refuses_unknown_or_agent_author(runner, sakura, author, message):
    result = runner.invoke(args=["notices", "load-draft", str(EXAMPLES / "first-report.toml"), "--author", author])
    assert result.exit_code == 1 and message in result.output and report_count() == 0


def test_check_exits_0_when_nothing_blocks(runner, staff):
    report = make_draft(make_incident(), staff["sup1"])
    db.session.commit()
    result = runner.invoke(args=["notices", "check", str(report.id)])
    assert result.exit_code == 0, result.output
    assert "第一報（下書き）" in result.output


def test_check_exits_1_and_lists_blocking_findings_in_japanese(runner, staff):
    report = make_draft(make_incident(contact_phone="", contact_form_url=""), staff["sup1"])
    db.session.commit()
    result = runner.invoke(args=["notices", "check", str(report.id)])
    assert result.exit_code == 1
    assert "[公開できない問題] 問い合わせ窓口" in result.output


def test_check_shows_corrected_findings_without_failing(runner, staff):
    incident = make_incident()
    publish(make_draft(incident, staff["sup1"], count_min=100, count_max=200), staff["sup1"], staff["sup2"])
    report = make_draft(incident, staff["sup1"], count_min=300, count_max=400, correction="件数を訂正します。")
    db.session.commit()
    result = runner.invoke(args=["notices", "check", str(report.id)])
    assert result.exit_code == 0 and "[訂正として公表]" in result.output


def test_check_unknown_report_exits_1(runner, staff):
    result = runner.invoke(args=["notices", "check", "9999"])
    assert result.exit_code == 1 and "報が見つかりません" in result.output


def test_check_file_exits_0_for_a_good_file_and_saves_nothing(runner, sakura):
    result = runner.invoke(args=["notices", "check-file", str(EXAMPLES / "first-report.toml")])
    assert result.exit_code == 0, result.output
    assert "保存していません" in result.output and report_count() == 0


def test_check_file_exits_1_when_a_finding_blocks(runner, staff, tmp_path):
    make_incident()
    db.session.commit()
    path = tmp_path / "blocked.toml"
    path.write_text(BLOCKED_FILE, encoding="utf-8")
    result = runner.invoke(args=["notices", "check-file", str(path)])
    assert result.exit_code == 1 and "[公開できない問題]" in result.output and report_count() == 0


@pytest.mark.parametrize("content, message", [
    ('incident = "2026-sakura-books"\n[[groups]]\nname = "会員"\ncount = { min = -1 }\n',
     "groups[1].count（4行目）: 人数・件数に負の数は使えません。"),
    ('incident = "2026-sakura-books\n', "TOMLの書き方に誤りがあります（1行目"),
    ('incident = "no-such-incident"\n', "事案が見つかりません"),
    (b"\xff\xfe\x00\x00", "UTF-8"),
])
def test_check_file_exits_1_with_japanese_error_for_a_bad_file(runner, sakura, tmp_path, content, message):
    path = tmp_path / "bad.toml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    result = runner.invoke(args=["notices", "check-file", str(path)])
    assert result.exit_code == 1 and message in result.output and "エラー" in result.output


def test_check_file_missing_file_exits_1(runner, staff, tmp_path):
    result = runner.invoke(args=["notices", "check-file", str(tmp_path / "missing.toml")])
    assert result.exit_code == 1 and "ファイルを読み込めません" in result.output


def test_verify_finds_nothing_when_every_report_went_through_two_people(runner, staff):
    incident = make_incident()
    publish(make_draft(incident, staff["sup1"]), staff["sup1"], staff["sup2"])
    result = runner.invoke(args=["notices", "verify"])
    assert result.exit_code == 0, result.output
    assert "問題は見つかりませんでした" in result.output


def _published_by_raw_sql(report, approver) -> None:
    """What someone with database access could do: 承認待ち, then 公開 with another account."""
    from datetime import datetime, timezone

    from sqlalchemy import text

    db.session.execute(text("UPDATE report SET state = 'awaiting_approval' WHERE id = :id"), {"id": report.id})
    db.session.execute(text("UPDATE report SET state = 'published', approver_id = :approver, number = 1,"
                            " published_at = :at WHERE id = :id"),
                       {"id": report.id, "approver": approver.id, "at": datetime.now(timezone.utc).replace(tzinfo=None)})
    db.session.commit()
    db.session.expire_all()


def test_verify_lists_a_report_published_past_the_application_and_exits_1(runner, staff):
    from hotline.notices.verify import NOT_PUBLISHED_HERE, irregular_reports

    report = make_draft(make_incident(contact_phone="", contact_form_url=""), staff["sup1"])
    db.session.commit()
    _published_by_raw_sql(report, staff["sup2"])
    found = irregular_reports()
    assert [item.report.id for item in found] == [report.id]
    assert found[0].problems[0] == NOT_PUBLISHED_HERE
    assert any("問い合わせ窓口" in problem for problem in found[0].problems[1:])  # and what would have blocked it
    result = runner.invoke(args=["notices", "verify"])
    assert result.exit_code == 1
    assert "公開済みの報のうち1件に問題があります" in result.output and "第一報（ID " in result.output
    assert "監査ログにありません" in result.output


def test_verify_names_a_side_door_publication_even_when_its_text_passes_every_check(runner, staff):
    from hotline.notices.verify import NOT_PUBLISHED_HERE, irregular_reports

    report = make_draft(make_incident(), staff["sup1"])
    db.session.commit()
    _published_by_raw_sql(report, staff["sup2"])
    assert [(item.report.id, item.problems) for item in irregular_reports()] == [(report.id, [NOT_PUBLISHED_HERE])]
