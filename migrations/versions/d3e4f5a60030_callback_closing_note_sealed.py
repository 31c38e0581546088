"""the closing note of a callback sealed at rest like the rest of the callback

Revision ID: d3e4f5a60030
Revises: c2d3e4f50029
Create Date: 2026-12-03 12:20:00

The note an agent writes when a callback ends (「番号が違う … 」 followed by their own
words) may hold personal data; it was the one callback column kept in clear. It becomes
TEXT and the rows already there are encrypted with the application's data key.
"""
import sqlalchemy as sa
from alembic import op

from hotline.models._sealed import seal, unseal

revision = 'd3e4f5a60030'
down_revision = 'c2d3e4f50029'
branch_labels = None
depends_on = None


def _convert(function) -> None:
    """Seal (or unseal) every closing note."""
    bind = op.get_bind()
    table = sa.table("callback", sa.column("id"), sa.column("closed_note", sa.Text))
    rows = bind.execute(sa.select(table).where(table.c.closed_note != "")).all()
    if rows:
        bind.execute(sa.update(table).where(table.c.id == sa.bindparam("row_id")).values(
            closed_note=sa.bindparam("note")), [{"row_id": r.id, "note": function(r.closed_note)} for r in rows])


def upgrade():
    with op.batch_alter_table("callback") as batch:
        batch.alter_column("closed_note", existing_type=sa.String(length=300), type_=sa.Text(), existing_nullable=False)
    _convert(seal)


def downgrade():
    _convert(unseal)
    with op.batch_alter_table("callback") as batch:
        batch.alter_column("closed_note", existing_type=sa.Text(), type_=sa.String(length=300), existing_nullable=False)
