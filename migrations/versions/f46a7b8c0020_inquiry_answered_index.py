"""an index on when inquiries were answered (the answered tab, the figures per day)

Revision ID: f46a7b8c0020
Revises: e35f6a7b0019
Create Date: 2026-12-02
"""
from alembic import op

revision = 'f46a7b8c0020'
down_revision = 'e35f6a7b0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_inquiry_answered_at", "inquiry", ["answered_at"])


def downgrade():
    op.drop_index("ix_inquiry_answered_at", table_name="inquiry")
