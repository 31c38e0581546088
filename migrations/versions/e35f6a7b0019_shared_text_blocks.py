"""shared text blocks ({文面:name}) used in answer templates and FAQ entries

Revision ID: e35f6a7b0019
Revises: d24e5f6a0018
Create Date: 2026-12-02 08:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'e35f6a7b0019'
down_revision = 'd24e5f6a0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'text_block',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('pending_body', sa.Text(), nullable=True),
        sa.Column('pending_by_id', sa.Integer(), nullable=True),
        sa.Column('pending_at', sa.DateTime(), nullable=True),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('approved_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'], ),
        sa.ForeignKeyConstraint(['pending_by_id'], ['user.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name'),
    )


def downgrade():
    op.drop_table('text_block')
