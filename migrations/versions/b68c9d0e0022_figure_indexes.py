"""covering indexes for the supervisor figures (backlog by category and age, answers per day, template use)

Revision ID: b68c9d0e0022
Revises: a57b8c9d0021
Create Date: 2026-12-02
"""
from alembic import op

revision = 'b68c9d0e0022'
down_revision = 'a57b8c9d0021'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_inquiry_answered_at", table_name="inquiry")
    op.create_index("ix_inquiry_answered", "inquiry", ["answered_at", "template_id"])
    op.create_index("ix_inquiry_backlog", "inquiry", ["status", "category", "created_at", "urgent"])
    op.create_index("ix_inquiry_template", "inquiry", ["template_id", "template_edited"])


def downgrade():
    op.drop_index("ix_inquiry_template", table_name="inquiry")
    op.drop_index("ix_inquiry_backlog", table_name="inquiry")
    op.drop_index("ix_inquiry_answered", table_name="inquiry")
    op.create_index("ix_inquiry_answered_at", "inquiry", ["answered_at"])
