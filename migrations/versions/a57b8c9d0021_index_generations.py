"""generation numbers of the search indexes, so every node's index follows the database

Revision ID: a57b8c9d0021
Revises: f46a7b8c0020
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = 'a57b8c9d0021'
down_revision = 'f46a7b8c0020'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "index_generation",
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_index_generation")),
    )
    op.bulk_insert(table, [{"name": "faq", "number": 0}, {"name": "answers", "number": 0}])


def downgrade():
    op.drop_table("index_generation")
