"""Admin incident pages and the dashboard's regulator deadlines."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from hotline.admin.display import today_jst
from hotline.extensions import db
from hotline.models import Incident, IncidentStatus

from .factories import make_draft, make_incident, publish
from .test_admin_reports import text

NEW = {"slug": "2026-web-shop", "title": "ウェブショップへの不正アクセス", "aware_on": "2026-11-01",
       "malicious": "y", "contact_phone": "0120-000-000", "contact_hours": "9:00〜18:00",
       "contact_form_url": "/inquiry", "status": "active"}


def incidents():
    """(slug, title, status) of every stored incident."""
    db.session.rollback()
    return db.session.execute(select(Incident.slug, Incident.title, Incident.status).order_by(Incident.id)).all()


def test_supervisor_registers_an_incident(client, login, staff):
    login("sup1")
    response = client.post("/admin/incidents/new", data=NEW)
    assert response.status_code == 302
    assert incidents() == [("2026-web-shop", "ウェブショップへの不正アクセス", IncidentStatus.ACTIVE)]


@pytest.mark.parametrize("slug, message", [
    ("Bad Slug!", "半角の英小文字・数字・ハイフン"), ("-leading", "半角の英小文字・数字・ハイフン"),
    ("<script>", "半角の英小文字・数字・ハイフン"), ("", "スラッグを入力してください"), ("a" * 65, "64文字以内"),
])
def test_bad_slug_is_refused_in_japanese_and_input_kept(client, login, staff, slug, message):
    login("sup1")
    response = client.post("/admin/incidents/new", data={**NEW, "slug": slug})
    assert response.status_code == 422 and message in text(response)
    assert "ウェブショップへの不正アクセス" in text(response)
    assert incidents() == []


def test_full_width_slug_is_normalized(client, login, staff):
    login("sup1")
    client.post("/admin/incidents/new", data={**NEW, "slug": "２０２６-ＷＥＢ-ｓｈｏｐ"})
    assert incidents()[0].slug == "2026-web-shop"


def test_duplicate_slug_is_refused_next_to_the_field(client, login, staff):
    make_incident(slug="2026-web-shop")
    db.session.commit()
    login("sup1")
    response = client.post("/admin/incidents/new", data=NEW)
    assert response.status_code == 422 and "そのスラッグは既に使われています。" in text(response)
    assert len(incidents()) == 1


def test_missing_aware_date_is_refused(client, login, staff):
    login("sup1")
    response = client.post("/admin/incidents/new", data={**NEW, "aware_on": ""})
    assert "発覚日を入力してください。" in text(response) and incidents() == []


def test_supervisor_edits_title_and_closes_an_incident(client, login, staff):
    incident = make_incident()
    db.session.commit()
    login("sup2")
    response = client.post(f"/admin/incidents/{incident.id}/edit",
                           data={**NEW, "slug": "renamed", "title": "新しい名称", "status": "closed"})
    assert response.status_code == 302
    assert incidents() == [("renamed", "新しい名称", IncidentStatus.CLOSED)]


def test_slug_cannot_change_once_a_report_is_published(client, login, staff):
    incident = make_incident()
    publish(make_draft(incident, staff["sup1"]), staff["sup1"], staff["sup2"])
    login("sup1")
    assert "readonly" in text(client.get(f"/admin/incidents/{incident.id}/edit"))
    client.post(f"/admin/incidents/{incident.id}/edit", data={**NEW, "slug": "renamed"})
    assert incidents()[0].slug == "test-incident"


def test_edit_refuses_a_slug_used_by_another_incident(client, login, staff):
    make_incident(slug="taken")
    incident = make_incident(slug="mine")
    db.session.commit()
    login("sup1")
    response = client.post(f"/admin/incidents/{incident.id}/edit", data={**NEW, "slug": "taken"})
    assert "そのスラッグは既に使われています。" in text(response)
    assert [row.slug for row in incidents()] == ["taken", "mine"]


def test_dashboard_shows_deadlines_with_days_left_and_overdue_highlighted(client, login, staff):
    today = today_jst()
    make_incident(slug="old", title="古い事案", aware_on=today - timedelta(days=10), malicious=False)
    make_incident(slug="new", title="新しい事案", aware_on=today - timedelta(days=1), malicious=True)
    db.session.commit()
    login("agent1")
    html = text(client.get("/admin/"))
    assert "期限切れ：5日超過" in html and 'class="deadline overdue"' in html  # 速報 of the old one
    assert "確報（発覚から30日以内）" in html and "あと20日" in html
    assert "あと4日" in html and "確報（発覚から60日以内）" in html and "あと59日" in html


def test_the_contact_schedule_is_checked_in_japanese_and_stored_in_one_form(client, login, staff):
    login("sup1")
    bad = client.post("/admin/incidents/new", data={**NEW, "contact_schedule": "2026-11-20〜2026-12-31 20:00-9:00"})
    assert bad.status_code == 422 and "1行目：終了時刻が開始時刻より前になっています。" in text(bad)
    assert "2026-11-20〜2026-12-31 20:00-9:00" in text(bad) and incidents() == []
    good = client.post("/admin/incidents/new", data={**NEW, "contact_schedule": "２０２６/１１/２０～２０２６/１２/３１　９:００－２０:００"})
    assert good.status_code == 302
    stored = db.session.scalar(select(Incident.contact_schedule))
    assert stored == "2026-11-20〜2026-12-31 9:00-20:00 土日祝も受付"
