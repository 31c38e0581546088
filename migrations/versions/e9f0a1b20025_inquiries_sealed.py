"""inquiries sealed at rest: name, email, phone, message, answer and staff note encrypted

Revision ID: e9f0a1b20025
Revises: d8a0e1f20024
Create Date: 2026-12-02

The affected list, the outbox, callbacks and subscribers were already sealed; the
inquiries, which hold the most personal data of all, still held it in clear. The
contact columns become TEXT (a token is longer than the value) and the rows already
there are encrypted here with the application's data key, a thousand at a time.
"""
import sqlalchemy as sa
from alembic import op

from hotline.models._sealed import seal, unseal

revision = 'e9f0a1b20025'
down_revision = 'd8a0e1f20024'
branch_labels = None
depends_on = None

COLUMNS = ("name", "email", "phone", "message", "answer_text", "staff_note")
WIDTHS = {"name": 100, "email": 254, "phone": 30}
BATCH = 1000


def upgrade():
    with op.batch_alter_table("inquiry") as batch:
        for name, width in WIDTHS.items():
            batch.alter_column(name, existing_type=sa.String(length=width), type_=sa.Text(), existing_nullable=False)
    _convert(seal)


def _convert(function) -> None:
    """Seal (or unseal) the personal columns of every inquiry."""
    bind = op.get_bind()
    table = sa.table("inquiry", sa.column("id"), *(sa.column(name, sa.Text) for name in COLUMNS))
    statement = sa.update(table).where(table.c.id == sa.bindparam("row_id")).values(
        {name: sa.bindparam(f"new_{name}") for name in COLUMNS})
    last = 0
    while True:
        rows = bind.execute(sa.select(table).where(table.c.id > last).order_by(table.c.id).limit(BATCH)).all()
        if not rows:
            return
        bind.execute(statement, [
            {"row_id": row.id, **{f"new_{name}": function(getattr(row, name)) if getattr(row, name) else ""
                                  for name in COLUMNS}}
            for row in rows])
        last = rows[-1].id


def downgrade():
    _convert(unseal)
    with op.batch_alter_table("inquiry") as batch:
        for name, width in WIDTHS.items():
            batch.alter_column(name, existing_type=sa.Text(), type_=sa.String(length=width), existing_nullable=False)
