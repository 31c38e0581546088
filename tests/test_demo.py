"""The demo loads once, publishes two reports, and never loads in production."""

import pytest
from sqlalchemy import func, select

from hotline import demo, notices
from hotline.extensions import db
from hotline.models import Incident, User


def test_demo_publishes_two_reports_with_a_correction(app):
    assert demo.load_demo("development") is True
    db.session.commit()
    incident = db.session.scalar(select(Incident).filter_by(slug=demo.DEMO_SLUG))
    reports = notices.published_reports(incident)
    assert [r.number for r in reports] == [1, 2]
    assert reports[1].correction and not reports[0].correction
    assert reports[0].approver_id != reports[0].author_id
    assert demo.load_demo("development") is False


def test_demo_is_refused_in_production(app, runner):
    with pytest.raises(demo.DemoRefused):
        demo.load_demo("production")
    app.config["HOTLINE_ENV"] = "production"
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code != 0 and "本番" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_demo_has_a_callback_due_on_top_of_the_queue(app):
    from hotline import callbacks

    demo.load_demo("development")
    db.session.commit()
    assert [c.number for c in callbacks.due()] == ["CB-DEMO-0001"]
