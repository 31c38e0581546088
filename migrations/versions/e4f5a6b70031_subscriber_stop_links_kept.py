"""a subscriber's stop link kept with the subscription, so rotating the secret key breaks none

Revision ID: e4f5a6b70031
Revises: d3e4f5a60030
Create Date: 2026-12-03 12:40:00

The stop token was derived from SECRET_KEY each time a mail was built: after a rotation
of that key, new mails carried links that matched no subscription. The token is now drawn
once and kept sealed in subscriber.stop_token. The subscriptions already stored get the
token their earlier mails carried, derived here with the key those mails were built with,
so every link already sent keeps working.
"""
import hashlib
import hmac

import sqlalchemy as sa
from alembic import op
from flask import current_app

from hotline.models._sealed import seal

revision = 'e4f5a6b70031'
down_revision = 'd3e4f5a60030'
branch_labels = None
depends_on = None


def _earlier_token(incident_id: int, email_hash: str) -> str:
    """The token the mails sent so far carried (the derivation used until this revision)."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"subscriber-stop:{incident_id}:{email_hash}".encode(), hashlib.sha256).hexdigest()[:40]


def upgrade():
    op.add_column("subscriber", sa.Column("stop_token", sa.Text(), nullable=False, server_default=""))
    bind = op.get_bind()
    table = sa.table("subscriber", sa.column("id"), sa.column("incident_id"), sa.column("email_hash"),
                     sa.column("stop_token", sa.Text))
    rows = bind.execute(sa.select(table.c.id, table.c.incident_id, table.c.email_hash)).all()
    if rows:
        bind.execute(sa.update(table).where(table.c.id == sa.bindparam("row_id")).values(
            stop_token=sa.bindparam("token")),
            [{"row_id": r.id, "token": seal(_earlier_token(r.incident_id, r.email_hash))} for r in rows])


def downgrade():
    with op.batch_alter_table("subscriber") as batch:
        batch.drop_column("stop_token")
