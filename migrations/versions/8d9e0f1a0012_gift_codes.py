"""お詫び品: an optional gift per campaign (label, deadline, the FAQ entry about it) and a code per person

Revision ID: 8d9e0f1a0012
Revises: 7c8d9e0f0011
Create Date: 2026-12-02 04:30:00

The code is encrypted by the application (TEXT here); gift_hash finds it by exact match.
"""
from alembic import op
import sqlalchemy as sa


revision = '8d9e0f1a0012'
down_revision = '7c8d9e0f0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notice_campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gift_label', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('gift_deadline', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('gift_faq_key', sa.String(length=64), server_default='', nullable=False))

    with op.batch_alter_table('notice_delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gift_code', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('gift_hash', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('gift_redeemed_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_notice_delivery_gift_hash'), ['gift_hash'], unique=False)



def downgrade():
    with op.batch_alter_table('notice_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_delivery_gift_hash'))
        batch_op.drop_column('gift_redeemed_at')
        batch_op.drop_column('gift_hash')
        batch_op.drop_column('gift_code')

    with op.batch_alter_table('notice_campaign', schema=None) as batch_op:
        batch_op.drop_column('gift_faq_key')
        batch_op.drop_column('gift_deadline')
        batch_op.drop_column('gift_label')

