"""The publishing workflow's small rules: who may return or delete, the exact refusal, what the audit log keeps."""

import pytest
from sqlalchemy import select

from hotline import notices
from hotline.extensions import db
from hotline.models import AuditEvent, Certainty, Report, ReportState
from hotline.notices.versions import TEXT_FIELDS
from hotline.notices.workflow import NoticeError, ReportFrozen

from .factories import make_draft, make_incident, publish


def events(action: str) -> list[tuple]:
    rows = db.session.scalars(select(AuditEvent).filter_by(action=action, target_type="report").order_by(AuditEvent.id))
    return [(e.target_id, e.user_id, e.detail) for e in rows]


def refused(kind, message: str, call, *args):
    with pytest.raises(kind) as raised:
        call(*args)
    assert str(raised.value) == message


def test_only_a_supervisor_returns_a_submitted_report_and_the_reason_is_kept_short(app, staff):
    incident = make_incident()
    draft = make_draft(incident, staff["sup1"])
    refused(NoticeError, "承認待ちの報だけを差し戻せます。", notices.return_to_draft, draft, staff["sup2"], "x")
    notices.submit_for_approval(draft, staff["sup1"])
    refused(NoticeError, "差し戻しには責任者以上の権限が必要です。", notices.return_to_draft, draft, staff["agent"], "x")
    refused(NoticeError, "差し戻しには責任者以上の権限が必要です。", notices.return_to_draft, draft, None, "x")
    notices.return_to_draft(draft, staff["sup2"], "件数の根拠を" * 50)
    assert draft.state is ReportState.DRAFT and draft.submitted_at is None
    notices.submit_for_approval(draft, staff["sup1"])
    notices.return_to_draft(draft, staff["sup2"])
    db.session.commit()
    assert events("return") == [(str(draft.id), staff["sup2"].id, ("件数の根拠を" * 50)[:200]),
                                (str(draft.id), staff["sup2"].id, "")]


def test_only_a_supervisor_deletes_and_only_an_unpublished_report(app, staff):
    incident = make_incident()
    draft = make_draft(incident, staff["sup1"])
    db.session.commit()
    draft_id = draft.id
    refused(NoticeError, "削除には責任者以上の権限が必要です。", notices.delete_draft, draft, staff["agent"])
    notices.delete_draft(draft, staff["sup2"])
    db.session.commit()
    assert db.session.get(Report, draft_id) is None
    assert events("delete") == [(str(draft_id), staff["sup2"].id, "")]
    published = publish(make_draft(incident, staff["sup1"]), staff["sup1"], staff["sup2"])
    with pytest.raises(ReportFrozen):
        notices.delete_draft(published, staff["sup2"])


def test_a_draft_checked_from_a_file_is_built_like_a_new_one_and_never_saved(app, staff):
    incident = make_incident(contact_phone="0120-000-111", contact_hours="9:00〜17:00", contact_form_url="/inquiry")
    db.session.commit()
    draft = notices.unsaved_draft(incident)
    assert draft not in db.session and draft.incident is None
    assert (draft.is_final, draft.state, draft.period_start, draft.period_end) == (False, ReportState.DRAFT, None, None)
    assert all(getattr(draft, name) == "" for name in TEXT_FIELDS if not name.startswith("contact"))
    assert (draft.period_certainty, draft.cause_certainty, draft.damage_certainty) == (Certainty.PROVISIONAL,) * 3
    assert (draft.contact_phone, draft.contact_hours, draft.contact_form_url) == ("0120-000-111", "9:00〜17:00", "/inquiry")
    db.session.commit()
    assert db.session.scalars(select(Report)).all() == []


def test_submitting_records_who_submitted_without_a_logged_in_request(app, staff):
    draft = make_draft(make_incident(), staff["sup1"])
    notices.submit_for_approval(draft, staff["sup1"])
    db.session.commit()
    assert events("submit") == [(str(draft.id), staff["sup1"].id, "")]


def test_only_incidents_with_a_published_report_are_public_newest_first(app, staff):
    from datetime import date

    older = make_incident("older", aware_on=date(2026, 10, 1))
    newer = make_incident("newer", aware_on=date(2026, 11, 1))
    hidden = make_incident("hidden", aware_on=date(2026, 11, 20))
    make_draft(hidden, staff["sup1"])  # a draft only
    publish(make_draft(older, staff["sup1"]), staff["sup1"], staff["sup2"])
    publish(make_draft(newer, staff["sup1"]), staff["sup1"], staff["sup2"])
    assert [i.slug for i in notices.public_incidents()] == ["newer", "older"]


def test_earlier_reports_are_the_published_ones_before_this_one(app, staff):
    incident = make_incident()
    first = publish(make_draft(incident, staff["sup1"]), staff["sup1"], staff["sup2"])
    second = publish(make_draft(incident, staff["sup1"]), staff["sup1"], staff["sup2"])
    draft = make_draft(incident, staff["sup1"])
    assert [r.id for r in notices.earlier_published(second)] == [first.id]
    assert [r.id for r in notices.earlier_published(first)] == []
    assert [r.id for r in notices.earlier_published(draft)] == [first.id, second.id]


def test_the_approval_refusals_say_exactly_why(app, staff):
    from hotline.notices.workflow import PublishBlocked

    incident = make_incident()
    draft = make_draft(incident, staff["sup1"])
    refused(NoticeError, "承認依頼には責任者以上の権限が必要です。", notices.submit_for_approval, draft, staff["agent"])
    refused(NoticeError, "承認待ちの報だけを承認できます。", notices.approve_and_publish, draft, staff["sup2"],
            notices.content_hash(draft))
    notices.submit_for_approval(draft, staff["sup1"])
    assert draft.submitted_at is not None
    refused(NoticeError, "下書きの報だけを承認依頼できます。", notices.submit_for_approval, draft, staff["sup1"])
    refused(NoticeError, "承認には責任者以上の権限が必要です。", notices.approve_and_publish, draft, staff["agent"],
            notices.content_hash(draft))
    refused(NoticeError, "作成者本人は自分の報を承認できません。別の責任者に承認を依頼してください。",
            notices.approve_and_publish, draft, staff["sup1"], notices.content_hash(draft))
    refused(NoticeError, "確認いただいた後に内容が変わりました。最新の内容をもう一度確認してから承認してください。",
            notices.approve_and_publish, draft, staff["sup2"], "0" * 64)
    blocked = make_draft(incident, staff["sup1"], situation="")
    with pytest.raises(PublishBlocked) as raised:
        notices.submit_for_approval(blocked, staff["sup1"])
    assert "missing_situation" in {f.code for f in raised.value.findings}
    assert str(raised.value) == "整合性チェックで公開できない問題が見つかりました。"
