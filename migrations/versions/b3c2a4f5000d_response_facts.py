"""damage figures, compensation, service status, individual-notice schedule, next update

Revision ID: b3c2a4f5000d
Revises: a2b1f3e4000c
Create Date: 2026-12-02 02:00:00

The facts of the company's response as data beside the text items, so pages, templates
and checks read the same values. Empty for existing reports. Adding columns changes no
published row; the freezing triggers stay as they are.
"""
from alembic import op
import sqlalchemy as sa


revision = 'b3c2a4f5000d'
down_revision = 'a2b1f3e4000c'
branch_labels = None
depends_on = None

TEXTS = ("compensation", "service_status", "reopening_note", "next_update_note")
NUMBERS = ("damage_cases", "damage_amount")
DATES = ("reopening_on", "notice_mail_from", "notice_letters_by", "next_update_on")


def upgrade():
    for name in TEXTS:
        op.add_column('report', sa.Column(name, sa.Text(), nullable=False, server_default=''))
    op.add_column('report', sa.Column('compensation_status', sa.String(length=16), nullable=False, server_default=''))
    for name in NUMBERS:
        op.add_column('report', sa.Column(name, sa.BigInteger(), nullable=True))
    for name in DATES:
        op.add_column('report', sa.Column(name, sa.Date(), nullable=True))


def downgrade():
    for name in (*TEXTS, "compensation_status", *NUMBERS, *DATES):
        op.execute(f"ALTER TABLE report DROP COLUMN {name}")
