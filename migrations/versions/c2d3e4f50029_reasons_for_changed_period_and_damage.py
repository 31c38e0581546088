"""the reason a report gives for a changed period and changed damage figures

Revision ID: c2d3e4f50029
Revises: b1c2d3e40028
Create Date: 2026-12-03 12:00:00

Shown in the changes section beside the change, like each group's reason; a final report
needs them for every figure that changed. Added with ALTER TABLE ADD COLUMN on SQLite too
(no table rebuild), so the triggers that freeze published reports stay in place.
"""
from alembic import op
import sqlalchemy as sa


revision = 'c2d3e4f50029'
down_revision = 'b1c2d3e40028'
branch_labels = None
depends_on = None


def upgrade():
    for name in ("period_reason", "damage_reason"):
        op.add_column('report', sa.Column(name, sa.Text(), nullable=False, server_default=""))


def downgrade():
    for name in ("period_reason", "damage_reason"):
        op.execute(f"ALTER TABLE report DROP COLUMN {name}")
