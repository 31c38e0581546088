"""times of day and a certainty for each end of a period; periods per group

Revision ID: c4d3b5a6000e
Revises: b3c2a4f5000d
Create Date: 2026-12-02 02:15:00

A report's period keeps its dates and its certainty (now the certainty of the start);
it gains optional times and the end's own certainty (empty: the same as the start). A
group whose period differs carries its own. Existing rows read exactly as before.
Adding columns changes no published row; the freezing triggers stay as they are.
"""
from alembic import op
import sqlalchemy as sa


revision = 'c4d3b5a6000e'
down_revision = 'b3c2a4f5000d'
branch_labels = None
depends_on = None

CERTAINTY = sa.Enum('confirmed', 'provisional', name='certainty', native_enum=False, length=24)


def upgrade():
    op.add_column('report', sa.Column('period_start_time', sa.Time(), nullable=True))
    op.add_column('report', sa.Column('period_end_time', sa.Time(), nullable=True))
    op.add_column('report', sa.Column('period_end_certainty', CERTAINTY, nullable=True))
    for name in ('period_start', 'period_end'):
        op.add_column('affected_group', sa.Column(name, sa.Date(), nullable=True))
        op.add_column('affected_group', sa.Column(f'{name}_time', sa.Time(), nullable=True))
        op.add_column('affected_group', sa.Column(f'{name}_certainty', CERTAINTY, nullable=False,
                                                  server_default='provisional'))


def downgrade():
    for name in ('period_start_time', 'period_end_time', 'period_end_certainty'):
        op.execute(f"ALTER TABLE report DROP COLUMN {name}")
    for name in ('period_start', 'period_end'):
        for column in (name, f'{name}_time', f'{name}_certainty'):
            op.execute(f"ALTER TABLE affected_group DROP COLUMN {column}")
