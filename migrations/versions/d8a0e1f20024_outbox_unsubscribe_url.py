"""one-click unsubscribe address of an outbox message (RFC 8058), for subscriber mail

Revision ID: d8a0e1f20024
Revises: c79d0e1f0023
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = 'd8a0e1f20024'
down_revision = 'c79d0e1f0023'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_mail") as batch:
        batch.add_column(sa.Column("unsubscribe_url", sa.String(length=300), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("outbox_mail") as batch:
        batch.drop_column("unsubscribe_url")
