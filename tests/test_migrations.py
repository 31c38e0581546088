"""The schema comes from migrations, and the migrations match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from hotline.extensions import db


def test_migrated_schema_matches_the_models(app):
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_migrations_downgrade_and_upgrade_again(app):
    db.session.remove()
    downgrade(revision="base")
    with db.engine.connect() as connection:
        assert "report" not in db.inspect(connection).get_table_names()
    upgrade()
    with db.engine.connect() as connection:
        assert {"report", "faq_entry", "user"} <= set(db.inspect(connection).get_table_names())
