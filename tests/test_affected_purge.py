"""The retention purge of the affected list, for people who were sent a notice (both databases)."""

from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from hotline import affected
from hotline.affected import campaigns, sending
from hotline.extensions import db
from hotline.models import (
    AffectedMembership, AffectedPerson, AuditEvent, MailStatus, NoticeDelivery, NoticeEvent, OutboxMail,
)
from hotline.models._types import utcnow

from .affected_helpers import MEMBER_ROWS, MEMBERS, csv_bytes, incident_with_groups

# 10:00 in Japan: within the default sending hours.
MORNING = datetime(2026, 12, 3, 1, 0)


def count(column) -> int:
    return db.session.scalar(select(func.count(column)))


def test_purge_removes_notified_people_with_their_deliveries_and_mail(app, staff):
    incident = incident_with_groups(staff)
    affected.import_list(incident, csv_bytes(MEMBER_ROWS), "members.csv", group=MEMBERS, user=staff["sup1"])
    db.session.commit()
    campaign = campaigns.create(incident, staff["sup1"])
    campaigns.submit(campaign, staff["sup1"])
    assert campaigns.approve(campaign, staff["sup2"], campaigns.content_hash(campaign)) == 3
    campaign.last_pump_at, campaign.credit = MORNING - timedelta(hours=1), 10.0
    assert sending._queue_some(campaign, MORNING) == 2  # two emails; the third person gets a letter
    db.session.execute(update(OutboxMail).values(status=MailStatus.SENT, sent_at=MORNING))
    sending.record_outcomes(campaign)
    db.session.commit()
    assert (count(NoticeDelivery.id), count(OutboxMail.id), count(NoticeEvent.id)) == (3, 2, 2)

    taro = db.session.scalar(select(AffectedPerson).where(AffectedPerson.email_hash != "").order_by(AffectedPerson.id))
    taro_id = taro.id
    outbox_id = db.session.scalar(select(NoticeDelivery.outbox_id).where(NoticeDelivery.person_id == taro_id))
    assert outbox_id is not None
    taro.updated_at = utcnow() - timedelta(days=800)
    db.session.commit()

    assert affected.purge(730) == 1
    db.session.commit()
    assert count(AffectedPerson.id) == 2
    assert db.session.scalar(select(func.count(NoticeDelivery.id)).where(NoticeDelivery.person_id == taro_id)) == 0
    assert db.session.get(OutboxMail, outbox_id) is None
    assert (count(NoticeDelivery.id), count(OutboxMail.id), count(NoticeEvent.id)) == (2, 1, 1)
    assert count(AffectedMembership.id) == 2
    detail = db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "purge"))
    assert detail == "保存期間（730日）を過ぎた1名を削除（お知らせの送付記録1件と、その送信メール1件を含む）"
    # The campaign goes on for the people still listed.
    assert campaigns.why_not_sendable(campaign) == ""
