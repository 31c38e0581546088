"""what the public FAQ says changes in the database only as the values of an approved change

Revision ID: a0b1c2d30027
Revises: f0a1b2c30026
Create Date: 2026-12-03 11:10:00

The application writes an entry's public content only from a change a second supervisor
approved, or from an approved template's words (hotline.faq.changes). Raw SQL could write
anything. Each entry now names the approved change its content comes from
(faq_entry.approved_change_id), and triggers refuse:

- an entry inserted, or its public content changed, unless it names a new approved change
  whose values are exactly that content and whose approver is none of its writers (taking an
  entry off the public FAQ, published set to false and nothing else, needs no change);
- an approved change rewritten or deleted.

Entries already stored get one approved change each that records their content as it was.
"""
import json
from datetime import date

from alembic import op
import sqlalchemy as sa


revision = 'a0b1c2d30027'
down_revision = 'f0a1b2c30026'
branch_labels = None
depends_on = None

MESSAGE = "the public FAQ changes only as the values of a change a second supervisor approved"
TEXTS = ("key", "category", "question", "alternatives", "keywords", "answer")
CONTENT = (*TEXTS, "display_order", "published", "expires_on")


def _conditions(postgres: bool) -> dict[str, str]:
    """The rules as SQL conditions (true = refused) in the dialect's terms."""
    same, differs = ("IS NOT DISTINCT FROM", "IS DISTINCT FROM") if postgres else ("IS", "IS NOT")
    if postgres:
        def value(name: str) -> str:
            return f"(c.\"values\"::jsonb ->> '{name}')"
        matches = [f"{value(n)} {same} NEW.{n}" for n in TEXTS] + [
            f"{value('display_order')}::integer {same} NEW.display_order",
            f"{value('published')}::boolean {same} NEW.published",
            f"COALESCE({value('expires_on')}, '') = COALESCE(to_char(NEW.expires_on, 'YYYY-MM-DD'), '')"]
    else:
        def value(name: str) -> str:
            return f"json_extract(c.\"values\", '$.{name}')"
        matches = [f"{value(n)} {same} NEW.{n}" for n in TEXTS] + [
            f"CAST({value('display_order')} AS INTEGER) {same} NEW.display_order",
            f"CAST({value('published')} AS INTEGER) {same} NEW.published",
            f"COALESCE({value('expires_on')}, '') {same} COALESCE(NEW.expires_on, '')"]
    approved = f"""EXISTS (SELECT 1 FROM faq_change c WHERE c.id = NEW.approved_change_id AND c.status = 'approved'
            AND c.decided_by_id IS NOT NULL AND (c.entry_id IS NULL OR c.entry_id = NEW.id)
            AND (',' || c.writers || ',') NOT LIKE ('%,' || CAST(c.decided_by_id AS TEXT) || ',%')
            AND {' AND '.join(matches)})"""
    changed = " OR ".join(f"OLD.{n} {differs} NEW.{n}" for n in CONTENT)
    others_same = " AND ".join(f"OLD.{n} {same} NEW.{n}" for n in CONTENT if n != "published")
    frozen = ("values", "status", "writers", "decided_by_id")
    return {
        "entry_insert": f"NOT {approved}",
        "entry_update": f"""({changed})
            AND NOT (OLD.published AND NOT NEW.published AND {others_same})
            AND (NEW.approved_change_id {same} OLD.approved_change_id OR NOT {approved})""",
        "change_update": f"""OLD.status = 'approved' AND ({' OR '.join(f'OLD."{n}" {differs} NEW."{n}"' for n in frozen)}
            OR (OLD.entry_id IS NOT NULL AND OLD.entry_id {differs} NEW.entry_id))""",
        "change_delete": "OLD.status = 'approved'",
    }


# (trigger name, timing, table, condition)
TRIGGERS = (
    ("faq_entry_insert", "INSERT", "faq_entry", "entry_insert"),
    ("faq_entry_update", "UPDATE", "faq_entry", "entry_update"),
    ("faq_change_update", "UPDATE", "faq_change", "change_update"),
    ("faq_change_delete", "DELETE", "faq_change", "change_delete"),
)


def _statements(postgres: bool) -> list[str]:
    """CREATE statements: a WHEN clause on SQLite, a function per trigger on PostgreSQL."""
    rules = _conditions(postgres)
    if not postgres:
        return [f"CREATE TRIGGER {name} BEFORE {timing} ON {table} WHEN {rules[rule]}\n"
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END" for name, timing, table, rule in TRIGGERS]
    statements = []
    for name, timing, table, rule in TRIGGERS:
        result = "OLD" if timing == "DELETE" else "NEW"
        statements.append(f"""CREATE FUNCTION hotline_guard_{name}() RETURNS trigger AS $$
BEGIN
    IF {rules[rule]} THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN {result};
END $$ LANGUAGE plpgsql""")
        statements.append(f"CREATE TRIGGER {name} BEFORE {timing} ON {table} FOR EACH ROW "
                          f"EXECUTE FUNCTION hotline_guard_{name}()")
    return statements


def _record_stored_entries(connection) -> None:
    """One approved change per entry already stored, holding its content as it is."""
    rows = connection.execute(sa.text(f"SELECT id, {', '.join(CONTENT)} FROM faq_entry")).mappings().all()
    for row in rows:
        values = {name: row[name] for name in TEXTS} | {
            "display_order": int(row["display_order"]), "published": bool(row["published"]),
            "expires_on": row["expires_on"].isoformat() if isinstance(row["expires_on"], date)
            else (row["expires_on"] or "")}
        change_id = connection.execute(sa.text(
            "INSERT INTO faq_change (entry_id, \"values\", base_hash, writers, status, note, created_at, decided_at)"
            " VALUES (:id, :values, '', '', 'approved', :note, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id"),
            {"id": row["id"], "values": json.dumps(values, ensure_ascii=False),
             "note": "記録を始めた時点の公開内容"}).scalar()
        connection.execute(sa.text("UPDATE faq_entry SET approved_change_id = :change WHERE id = :id"),
                           {"change": change_id, "id": row["id"]})


def upgrade():
    with op.batch_alter_table('faq_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_change_id', sa.Integer(), nullable=True))
    connection = op.get_bind()
    _record_stored_entries(connection)
    for statement in _statements(connection.dialect.name == "postgresql"):
        op.execute(statement)


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, _timing, table, _rule in TRIGGERS:
        if postgres:
            op.execute(f"DROP TRIGGER {name} ON {table}")
            op.execute(f"DROP FUNCTION hotline_guard_{name}()")
        else:
            op.execute(f"DROP TRIGGER {name}")
    with op.batch_alter_table('faq_entry', schema=None) as batch_op:
        batch_op.drop_column('approved_change_id')
