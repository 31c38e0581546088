"""the contact window as a schedule of periods

Revision ID: a2b1f3e4000c
Revises: f1a0e1f2000b
Create Date: 2026-12-02 01:45:00

One period per line (開始日〜終了日 開始時刻-終了時刻 曜日), read by
hotline.notices.contact_window. Empty for existing incidents: their pages keep showing the
hours text as before.
"""
from alembic import op
import sqlalchemy as sa


revision = 'a2b1f3e4000c'
down_revision = 'f1a0e1f2000b'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('incident', sa.Column('contact_schedule', sa.Text(), nullable=False, server_default=''))


def downgrade():
    op.execute("ALTER TABLE incident DROP COLUMN contact_schedule")
