"""searches followed by an inquiry, and misses a supervisor has dealt with

Revision ID: d24e5f6a0018
Revises: c13d4e5f0016
Create Date: 2026-12-02 08:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'd24e5f6a0018'
down_revision = 'c13d4e5f0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('search_stat', schema=None) as batch_op:
        batch_op.add_column(sa.Column('inquiries', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('handled_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('handled_note', sa.String(length=100), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('search_stat', schema=None) as batch_op:
        batch_op.drop_column('handled_note')
        batch_op.drop_column('handled_at')
        batch_op.drop_column('inquiries')
