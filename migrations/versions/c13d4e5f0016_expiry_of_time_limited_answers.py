"""an expiry date for time-limited answer templates and FAQ entries

Revision ID: c13d4e5f0016
Revises: b02c3d4e0015
Create Date: 2026-12-02 08:00:00

From the day after it, a template is no longer offered to agents and an entry is no
longer shown or found by the public search (checked when read, so no job is needed).
"""
from alembic import op
import sqlalchemy as sa


revision = 'c13d4e5f0016'
down_revision = 'b02c3d4e0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('answer_template', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_on', sa.Date(), nullable=True))
    with op.batch_alter_table('faq_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('faq_entry', schema=None) as batch_op:
        batch_op.drop_column('expires_on')
    with op.batch_alter_table('answer_template', schema=None) as batch_op:
        batch_op.drop_column('expires_on')
