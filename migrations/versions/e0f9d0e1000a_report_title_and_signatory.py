"""a title and a signatory per report

Revision ID: e0f9d0e1000a
Revises: d9e8cfd00009
Create Date: 2026-12-02 01:20:00

Each stage has its own heading (【第二報】…に関するお詫びとご報告) and is signed (株式会社…
代表取締役 …). Existing reports get empty values: their pages keep the incident's title.
Adding columns changes no published row, so the freezing triggers stay as they are.
"""
from alembic import op
import sqlalchemy as sa


revision = 'e0f9d0e1000a'
down_revision = 'd9e8cfd00009'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('report', sa.Column('title', sa.String(length=200), nullable=False, server_default=''))
    op.add_column('report', sa.Column('signatory', sa.Text(), nullable=False, server_default=''))


def downgrade():
    for column in ('signatory', 'title'):
        op.execute(f"ALTER TABLE report DROP COLUMN {column}")
