"""The app starts on each backend and serves its top page."""

from hotline.extensions import db
from hotline.models import User


def test_top_page_renders_in_japanese(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="ja">' in response.get_data(as_text=True)


def test_staff_fixture_creates_accounts(staff):
    assert db.session.scalar(db.select(db.func.count(User.id))) == 4
