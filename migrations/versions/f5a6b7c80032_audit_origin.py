"""audit rows written outside a web request name the operating-system account that ran them

Revision ID: f5a6b7c80032
Revises: e4f5a6b70031
Create Date: 2026-12-03 13:00:00

A command such as `flask notices load-draft --author sato` records sato as the actor; the
new column keeps beside it the account that typed the command ("os:tanaka"), so a name
given on the command line can be checked. Empty for rows written in a web request.
"""
import sqlalchemy as sa
from alembic import op

revision = 'f5a6b7c80032'
down_revision = 'e4f5a6b70031'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("audit_event", sa.Column("origin", sa.String(length=80), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("origin")
