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
