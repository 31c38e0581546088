"""FAQ entries written or changed in the back office wait for a second supervisor

Revision ID: af1b2c3d0014
Revises: 9e0f1a2b0013
Create Date: 2026-12-02 07:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'af1b2c3d0014'
down_revision = '9e0f1a2b0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'faq_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=True),
        sa.Column('values', sa.Text(), nullable=False),
        sa.Column('base_hash', sa.String(length=64), nullable=False),
        sa.Column('writers', sa.String(length=200), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('note', sa.String(length=300), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['user.id'], ),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], ),
        sa.ForeignKeyConstraint(['entry_id'], ['faq_entry.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('faq_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_faq_change_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_faq_change_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('faq_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faq_change_status'))
        batch_op.drop_index(batch_op.f('ix_faq_change_entry_id'))
    op.drop_table('faq_change')
