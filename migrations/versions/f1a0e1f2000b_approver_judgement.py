"""the approver's written judgement on a finding that needs one

Revision ID: f1a0e1f2000b
Revises: e0f9d0e1000a
Create Date: 2026-12-02 01:30:00

Some findings do not stop a draft from being submitted but need the approver's written
reason to publish (a 「漏えいしていない」 that the draft's own facts make doubtful). The
reason is kept with the published report, frozen like the rest of it.
"""
from alembic import op
import sqlalchemy as sa


revision = 'f1a0e1f2000b'
down_revision = 'e0f9d0e1000a'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('report', sa.Column('approver_judgement', sa.Text(), nullable=False, server_default=''))


def downgrade():
    op.execute("ALTER TABLE report DROP COLUMN approver_judgement")
