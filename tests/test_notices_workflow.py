"""Drafting, two-person approval and immutability, on a real database."""

import pytest
from sqlalchemy import select

from hotline import notices
from hotline.extensions import db
from hotline.models import AuditEvent, Certainty, DataCategory, IncidentStatus, LeakStatus, Report, ReportState

from .factories import make_draft, make_incident, publish


def test_two_people_publish_a_report(staff):
    incident = make_incident()
    report = publish(make_draft(incident, staff["sup1"]), staff["sup1"], staff["sup2"])
    assert report.state is ReportState.PUBLISHED and report.number == 1
    assert report.approver_id == staff["sup2"].id and report.published_at is not None
    assert notices.report_label(report) == "第一報"


def test_author_cannot_approve_own_draft(staff):
    report = make_draft(make_incident(), staff["sup1"])
    notices.submit_for_approval(report, staff["sup1"])
    db.session.commit()
    with pytest.raises(notices.NoticeError, match="作成者本人"):
        notices.approve_and_publish(report, staff["sup1"], notices.content_hash(report))
    db.session.rollback()
    assert db.session.get(Report, report.id).state is ReportState.AWAITING_APPROVAL


def test_agent_cannot_draft_or_approve(staff):
    incident = make_incident()
    with pytest.raises(notices.NoticeError):
        notices.start_draft(incident, staff["agent"])
    report = make_draft(incident, staff["sup1"])
    notices.submit_for_approval(report, staff["sup1"])
    with pytest.raises(notices.NoticeError):
        notices.approve_and_publish(report, staff["agent"], notices.content_hash(report))


def test_approval_rechecks_consistency(staff):
    incident = make_incident()
    publish(make_draft(incident, staff["sup1"], count_min=300, count_max=300,
                       count_certainty=Certainty.CONFIRMED), staff["sup1"], staff["sup2"])
    draft = make_draft(incident, staff["sup1"], count_min=300, count_max=300, count_certainty=Certainty.CONFIRMED)
    notices.submit_for_approval(draft, staff["sup1"])
    draft.groups[0].count_min = draft.groups[0].count_max = 400  # slipped in after submission, bypassing update_draft
    with pytest.raises(notices.PublishBlocked) as caught:
        notices.approve_and_publish(draft, staff["sup2"], notices.content_hash(draft))
    assert any(f.code == "confirmed_figure_changed" for f in caught.value.findings)


def test_nobody_who_edited_a_version_may_approve_it(staff):
    report = make_draft(make_incident(), staff["sup1"])
    notices.update_draft(report, {"contact_phone": "0120-999-999"}, editor=staff["sup2"])
    notices.submit_for_approval(report, staff["sup1"])
    db.session.commit()
    with pytest.raises(notices.NoticeError) as caught:
        notices.approve_and_publish(report, staff["sup2"], notices.content_hash(report))
    assert str(caught.value) == "この報を編集した方は承認できません。編集に加わっていない別の責任者に承認を依頼してください。"
    db.session.rollback()
    report = db.session.get(Report, report.id)
    assert report.state is ReportState.AWAITING_APPROVAL
    assert notices.editors_of(report) == {staff["sup1"].id, staff["sup2"].id}
    notices.approve_and_publish(report, staff["admin"], notices.content_hash(report))
    db.session.commit()
    assert report.state is ReportState.PUBLISHED and report.approver_id == staff["admin"].id


def test_approval_is_of_the_version_the_approver_saw(staff):
    report = make_draft(make_incident(), staff["sup1"])
    notices.submit_for_approval(report, staff["sup1"])
    seen = notices.content_hash(report)
    notices.update_draft(report, {"contact_phone": "0120-000-001"}, editor=staff["sup1"])
    assert report.state is ReportState.DRAFT and report.submitted_at is None  # the edit sent it back
    notices.submit_for_approval(report, staff["sup1"])
    db.session.commit()
    with pytest.raises(notices.NoticeError, match="内容が変わりました"):
        notices.approve_and_publish(report, staff["sup2"], seen)
    db.session.rollback()
    report = db.session.get(Report, report.id)
    assert report.state is ReportState.AWAITING_APPROVAL
    notices.approve_and_publish(report, staff["sup2"], notices.content_hash(report))
    db.session.commit()
    event = db.session.scalars(select(AuditEvent).filter_by(action="publish", target_id=str(report.id))).one()
    assert event.user_id == staff["sup2"].id and event.detail == f"version={notices.content_hash(report)[:16]}"


def test_the_fingerprint_covers_every_fact_group_and_item(staff):
    report = make_draft(make_incident(), staff["sup1"])
    before = notices.content_hash(report)
    group = report.groups[0]
    for target, field, value in [
        (group, "count_max", 501), (group, "count_certainty", Certainty.CONFIRMED), (group, "name", "会員"),
        (group, "affected", False), (group, "final_scope", True), (group, "count_approx", True),
        (group, "cleared", 3), (group, "unit", "名"), (group, "reason", "理由"),
        (group.items[0], "status", LeakStatus.POSSIBLE), (group.items[0], "note", "メモ"),
        (report, "situation", "別の文"), (report, "is_final", True), (report, "contact_phone", "03-0000-0000"),
    ]:
        old = getattr(target, field)
        setattr(target, field, value)
        assert notices.content_hash(report) != before, field
        setattr(target, field, old)
    assert notices.content_hash(report) == before


def test_editing_needs_a_supervisor(staff):
    report = make_draft(make_incident(), staff["sup1"])
    with pytest.raises(notices.NoticeError):
        notices.update_draft(report, {"situation": "書き換え"}, editor=staff["agent"])


def test_submit_refused_while_blocking_findings(staff):
    report = make_draft(make_incident(contact_phone="", contact_form_url=""), staff["sup1"])
    with pytest.raises(notices.PublishBlocked):
        notices.submit_for_approval(report, staff["sup1"])
    assert report.state is ReportState.DRAFT


def test_second_draft_starts_from_latest_published_report(staff):
    incident = make_incident()
    publish(make_draft(incident, staff["sup1"], count_min=123, count_max=456, cause="不正アクセス",
                       title="【第一報】お詫びとお知らせ", signatory="株式会社テスト\n代表取締役 試験 太郎"),
            staff["sup1"], staff["sup2"])
    second = notices.start_draft(incident, staff["sup2"])
    assert second.title == "" and second.signatory == "株式会社テスト\n代表取締役 試験 太郎"  # a title is per stage
    group = second.groups[0]
    assert (group.name, group.count_min, group.count_max, second.cause) == ("お客様", 123, 456, "不正アクセス")
    assert [i.label for i in group.items] == ["氏名"] and group.reason == ""  # a reason belongs to one report
    assert second.correction == "" and notices.report_label(second) == "第二報"


def test_published_report_cannot_be_changed_by_any_path(staff):
    report = publish(make_draft(make_incident(), staff["sup1"]), staff["sup1"], staff["sup2"])
    with pytest.raises(notices.ReportFrozen):
        notices.update_draft(report, {"situation": "書き換え"}, editor=staff["sup2"])
    db.session.rollback()
    report = db.session.get(Report, report.id)
    report.situation = "直接の書き換え"
    with pytest.raises(notices.ReportFrozen):
        db.session.flush()
    db.session.rollback()
    report = db.session.get(Report, report.id)
    report.groups[0].items[0].note = "書き換え"
    with pytest.raises(notices.ReportFrozen):
        db.session.flush()
    db.session.rollback()
    report = db.session.get(Report, report.id)
    report.groups[0].count_max = 1
    with pytest.raises(notices.ReportFrozen):
        db.session.flush()
    db.session.rollback()
    report = db.session.get(Report, report.id)
    notices.replace_groups(report, [notices.GroupSpec("新しい区分")])
    with pytest.raises(notices.ReportFrozen):
        db.session.flush()
    db.session.rollback()
    report = db.session.get(Report, report.id)
    db.session.delete(report)
    with pytest.raises(notices.ReportFrozen):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(Report, report.id).situation != "直接の書き換え"


def test_the_final_report_leaves_the_incident_open_for_follow_ups(staff):
    incident = make_incident()
    publish(make_draft(incident, staff["sup1"], prevention="監視を強化してまいります。"), staff["sup1"], staff["sup2"])
    final = make_draft(incident, staff["sup1"], is_final=True, count_min=300, count_max=300,
                       count_certainty=Certainty.CONFIRMED, period_certainty=Certainty.CONFIRMED,
                       cause="改ざん", cause_certainty=Certainty.CONFIRMED,
                       damage="なし", damage_certainty=Certainty.CONFIRMED,
                       prevention="決済画面の改ざん検知を導入し、外部の専門機関による診断を毎月実施しております。")
    final.groups[0].reason = "調査が完了し、対象が300件に確定いたしました。"
    notices.update_draft(final, {"period_start": incident.aware_on, "period_end": incident.aware_on},
                         editor=staff["sup1"])
    publish(final, staff["sup1"], staff["sup2"])
    assert incident.status is IncidentStatus.ACTIVE and incident in notices.active_incidents()
    assert notices.report_label(final) == "最終報告"
    follow_up = notices.start_draft(incident, staff["sup1"])
    notices.update_draft(follow_up, {"situation": "お詫び品の発送を完了いたしました。"}, editor=staff["sup1"])
    assert notices.report_label(follow_up) == "追加のお知らせ"
    publish(follow_up, staff["sup1"], staff["sup2"])
    assert follow_up.number == 3 and notices.report_label(follow_up) == "追加のお知らせ"


def test_a_final_report_writes_its_own_prevention(staff):
    incident = make_incident()
    promise = "セキュリティ対策を強化してまいります。"
    publish(make_draft(incident, staff["sup1"], prevention=promise), staff["sup1"], staff["sup2"])
    final = make_draft(incident, staff["sup1"], is_final=True, prevention=" " + promise + "\n")
    assert "final_prevention_carried_over" in {f.code for f in notices.findings_for(final) if f.blocks}


def test_workflow_steps_are_audited(staff):
    publish(make_draft(make_incident(), staff["sup1"]), staff["sup1"], staff["sup2"])
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["submit", "publish"]
    assert "create" in actions and "update" in actions


def test_regulator_deadlines(staff):
    incident = make_incident()
    quick, final = notices.regulator_deadlines(incident)
    assert (quick.due - incident.aware_on).days == 5
    assert (final.due - incident.aware_on).days == 60
    incident.malicious = False
    assert (notices.regulator_deadlines(incident)[1].due - incident.aware_on).days == 30


def test_a_finding_that_needs_judgement_publishes_only_with_the_approvers_written_reason(staff):
    report = make_draft(make_incident(), staff["sup1"], cause="決済画面が改ざんされた可能性がございます。",
                        categories={DataCategory.CARD_NUMBER: (LeakStatus.NOT_LEAKED, "")})
    notices.submit_for_approval(report, staff["sup1"])  # the author may submit: a person decides
    db.session.commit()
    with pytest.raises(notices.JudgementRequired, match="判断の理由"):
        notices.approve_and_publish(report, staff["sup2"], notices.content_hash(report), judgement=" \u200b ")
    db.session.rollback()
    report = db.session.get(Report, report.id)
    reason = "調査会社の報告書で、カード番号は決済代行会社の画面で入力され当社を経由しないことを確認した。"
    notices.approve_and_publish(report, staff["sup2"], notices.content_hash(report), judgement=reason)
    db.session.commit()
    assert report.is_published and report.approver_judgement == reason
    event = db.session.scalars(select(AuditEvent).filter_by(action="publish", target_id=str(report.id))).one()
    assert "judgement=調査会社の報告書" in event.detail


def test_a_judgement_is_not_stored_when_nothing_needed_one(staff):
    report = make_draft(make_incident(), staff["sup1"])
    notices.submit_for_approval(report, staff["sup1"])
    notices.approve_and_publish(report, staff["sup2"], notices.content_hash(report), judgement="念のため")
    assert report.approver_judgement == ""


def test_a_judgement_planted_on_a_draft_is_not_published_as_the_approvers(staff):
    from sqlalchemy import text

    report = make_draft(make_incident(), staff["sup1"])
    notices.submit_for_approval(report, staff["sup1"])
    db.session.commit()
    db.session.execute(text("UPDATE report SET approver_judgement = '承認者が確認済み' WHERE id = :id"), {"id": report.id})
    db.session.commit()
    report = db.session.get(Report, report.id)
    notices.approve_and_publish(report, staff["sup2"], notices.content_hash(report))
    db.session.commit()
    assert db.session.get(Report, report.id).approver_judgement == ""


def test_an_item_added_to_a_published_group_is_refused_however_it_is_attached(staff):
    from hotline.models import GroupItem, LeakStatus

    report = publish(make_draft(make_incident(), staff["sup1"]), staff["sup1"], staff["sup2"])
    group = report.groups[0]
    by_object = GroupItem(label="電話番号", status=LeakStatus.POSSIBLE)
    by_object.group = group  # the group's id is not copied to the item until the flush
    db.session.add(by_object)
    with pytest.raises(notices.ReportFrozen):
        db.session.flush()
    db.session.rollback()
    by_id = GroupItem(group_id=group.id, label="住所", status=LeakStatus.POSSIBLE)  # the object is never loaded
    db.session.add(by_id)
    with pytest.raises(notices.ReportFrozen):
        db.session.flush()
    db.session.rollback()


def test_a_group_added_to_a_published_report_is_refused_however_it_is_attached(staff):
    from hotline.models import AffectedGroup

    report = publish(make_draft(make_incident(), staff["sup1"]), staff["sup1"], staff["sup2"])
    by_object = AffectedGroup(name="お届け先", position=5)
    by_object.report = report  # the report's id is not copied to the group until the flush
    db.session.add(by_object)
    with pytest.raises(notices.ReportFrozen):
        db.session.flush()
    db.session.rollback()
    db.session.add(AffectedGroup(report_id=report.id, name="従業員", position=6))
    with pytest.raises(notices.ReportFrozen):
        db.session.flush()
    db.session.rollback()


def test_an_approval_without_a_reason_where_one_is_needed_is_refused_with_the_findings(staff):
    report = make_draft(make_incident(), staff["sup1"], cause="決済画面が改ざんされた可能性がございます。",
                        categories={DataCategory.CARD_NUMBER: (LeakStatus.NOT_LEAKED, "")})
    notices.submit_for_approval(report, staff["sup1"])
    db.session.commit()
    with pytest.raises(notices.JudgementRequired) as caught:
        notices.approve_and_publish(report, staff["sup2"], notices.content_hash(report))  # no reason given
    assert caught.value.findings and all(f.code for f in caught.value.findings)
    db.session.rollback()
    report = db.session.get(Report, report.id)
    reason = "根" * 1200
    notices.approve_and_publish(report, staff["sup2"], notices.content_hash(report), judgement=reason)
    db.session.commit()
    assert report.approver_judgement == "根" * 1000  # kept to its column
    event = db.session.scalars(select(AuditEvent).filter_by(action="publish", target_id=str(report.id))).one()
    assert event.detail.endswith(" judgement=" + "根" * 150)


def test_each_refusal_of_the_workflow_says_exactly_why(staff):
    incident = make_incident("exact-words")
    created = db.session.scalars(select(AuditEvent).filter_by(action="create", target_type="incident")).all()
    assert [e.target_id for e in created] == [str(incident.id)]
    with pytest.raises(notices.NoticeError) as caught:
        make_incident("exact-words")
    assert str(caught.value) == "そのスラッグは既に使われています。"
    with pytest.raises(notices.NoticeError) as caught:
        notices.start_draft(incident, staff["agent"])
    assert str(caught.value) == "報の作成には責任者以上の権限が必要です。"
    draft = notices.start_draft(incident, staff["sup1"])
    assert draft.state is ReportState.DRAFT
    with pytest.raises(notices.NoticeError) as caught:
        notices.update_draft(draft, {"situation": "x"}, editor=staff["agent"])
    assert str(caught.value) == "報の編集には責任者以上の権限が必要です。"
    with pytest.raises(notices.NoticeError) as caught:
        notices.update_draft(draft, {"no_such_field": "x"}, editor=staff["sup1"])
    assert str(caught.value) == "不明な項目です: no_such_field"


def test_an_edit_is_audited_with_why_the_report_went_back_to_draft(staff):
    report = make_draft(make_incident(), staff["sup1"])
    notices.submit_for_approval(report, staff["sup1"])
    notices.update_draft(report, {"situation": "状況を書き直しました。"}, editor=staff["sup1"])
    notices.update_draft(report, {"situation": "もう一度書き直しました。"}, editor=staff["sup1"])
    details = db.session.scalars(select(AuditEvent.detail).filter_by(action="update", target_type="report",
                                                                     target_id=str(report.id))
                                 .order_by(AuditEvent.id)).all()
    assert details[-2:] == ["承認待ちの報が編集されたため下書きに戻りました", ""]
    published = publish(make_draft(make_incident("frozen-words"), staff["sup1"]), staff["sup1"], staff["sup2"])
    with pytest.raises(notices.ReportFrozen) as caught:
        notices.ensure_editable(published)
    assert str(caught.value) == "公開済みの報は変更できません。訂正は次の報で行ってください。"


def test_a_refused_group_reaches_the_author_with_its_own_japanese_message(staff):
    report = make_draft(make_incident(), staff["sup1"])
    with pytest.raises(notices.NoticeError) as caught:
        notices.update_draft(report, {}, [notices.GroupSpec("会員"), notices.GroupSpec("会員")], editor=staff["sup1"])
    assert str(caught.value) == "対象者の区分「会員」が二度書かれています。"
    with pytest.raises(notices.NoticeError) as caught:
        notices.update_draft(report, {}, [notices.GroupSpec("")], editor=staff["sup1"])
    assert str(caught.value) == "対象者の区分の名称を入力してください（例：会員のお客様）。"
