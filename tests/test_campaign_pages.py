"""The campaign pages: a supervisor drafts, another approves, the pace, letters and bounces from the browser's side."""

import io

import pytest
from sqlalchemy import select

from hotline import affected
from hotline.extensions import db
from hotline.affected import campaigns, letters
from hotline.models import AffectedPerson, AuditEvent, CampaignState, NoticeCampaign

from .affected_helpers import MEMBER_ROWS, MEMBERS, csv_bytes, incident_with_groups


@pytest.fixture
def listed(app, staff):
    incident = incident_with_groups(staff)
    affected.import_list(incident, csv_bytes(MEMBER_ROWS), "members.csv", group=MEMBERS, user=staff["sup1"])
    db.session.commit()
    return incident


def test_a_campaign_from_draft_to_sending_takes_two_supervisors(client, login, listed):
    login("agent1")
    assert client.get("/supervisor/notices").status_code == 403
    client.post("/logout")
    login("sup1")
    created = client.post("/supervisor/notices/new", follow_redirects=True)
    page = created.get_data(as_text=True)
    assert "会員のお客様の方へのお知らせ" in page and "（お名前） 様" in page
    campaign = db.session.scalar(select(NoticeCampaign))
    form = {"subject": campaign.subject, "body": campaign.body + "\n{電話番号}", "pace_per_hour": "100",
            "send_from_hour": "9", "send_until_hour": "20", "pause_backlog": "50", "pause_oldest_minutes": "120"}
    refused = client.post(f"/supervisor/notices/{campaign.id}", data=form)
    assert refused.status_code == 422 and "使えない差し込み項目があります: {電話番号}" in refused.get_data(as_text=True)
    form["body"] = campaign.body
    assert client.post(f"/supervisor/notices/{campaign.id}", data=form).status_code == 303
    client.post(f"/supervisor/notices/{campaign.id}/submit")
    mine = client.get(f"/supervisor/notices/{campaign.id}").get_data(as_text=True)
    assert "文面を作成・変更した方は承認できません" in mine and "この文面で承認し" not in mine
    seen = campaigns.content_hash(db.session.get(NoticeCampaign, campaign.id))
    client.post(f"/supervisor/notices/{campaign.id}/approve", data={"seen": seen})
    assert db.session.get(NoticeCampaign, campaign.id).state is CampaignState.AWAITING_APPROVAL
    client.post("/logout")
    login("sup2")
    stale = client.post(f"/supervisor/notices/{campaign.id}/approve", data={"seen": "0" * 64}, follow_redirects=True)
    assert "確認された後に文面が変わっています" in stale.get_data(as_text=True)
    client.post(f"/supervisor/notices/{campaign.id}/approve", data={"seen": seen})
    assert db.session.get(NoticeCampaign, campaign.id).state is CampaignState.RUNNING
    client.post(f"/supervisor/notices/{campaign.id}/pause")
    assert db.session.get(NoticeCampaign, campaign.id).state is CampaignState.PAUSED
    client.post(f"/supervisor/notices/{campaign.id}/resume")
    assert db.session.get(NoticeCampaign, campaign.id).state is CampaignState.RUNNING
    running = client.get(f"/supervisor/notices/{campaign.id}").get_data(as_text=True)
    assert "送付の状況" in running and "1時間ごとの送信数" in running
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_type == "notice_campaign")))
    assert {"create", "update", "submit", "approve", "pause", "resume"} <= actions


def test_letters_bounces_and_returns_from_the_page(client, login, listed, staff):
    try:
        letters.font_path()
    except letters.LetterError:
        pytest.skip("fonts-noto-cjk not installed")
    campaign = campaigns.create(listed, staff["sup1"])
    campaigns.submit(campaign, staff["sup1"])
    campaigns.approve(campaign, staff["sup2"], campaigns.content_hash(campaign))
    db.session.commit()
    login("sup1")
    bounced = client.post(f"/supervisor/notices/{campaign.id}/bounces", content_type="multipart/form-data",
                          data={"file": (io.BytesIO(b"hanako@example.jp\n"), "bounces.txt")}, follow_redirects=True)
    assert "郵送に切り替え 1件" in bounced.get_data(as_text=True)
    pdf = client.post(f"/supervisor/notices/{campaign.id}/letters.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Cache-Control"] == "no-store"
    hanako = next(p for p in db.session.scalars(select(AffectedPerson)) if "佐藤" in p.name)
    returned = client.post(f"/supervisor/notices/{campaign.id}/returned", data={"number": hanako.notice_number},
                           follow_redirects=True)
    assert "返戻を記録しました" in returned.get_data(as_text=True)
    again = client.post(f"/supervisor/notices/{campaign.id}/letters.pdf", follow_redirects=True)
    assert "印刷を待っている郵送のお知らせはありません" in again.get_data(as_text=True)


def test_the_campaign_list_is_valid_html_with_a_plain_title(client, login, listed):
    from .pages import assert_valid_html

    login("sup1")
    page = client.get("/supervisor/notices").get_data(as_text=True)
    assert "<title>個別のお知らせ｜" in page
    assert page.count('id="redeem-title"') == 1
    assert_valid_html(page)
