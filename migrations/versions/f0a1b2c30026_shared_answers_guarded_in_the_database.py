"""the text agents answer with changes in the database only through an approval by a second person

Revision ID: f0a1b2c30026
Revises: e9f0a1b20025
Create Date: 2026-12-03 10:30:00

The application lets no one put their own text in use (hotline.answers.approval,
hotline.faq.blocks); raw SQL could. Triggers now hold the same rules in the database:

- answer_template_version: a version's text and writer never change; its approver is set
  once, never to its writer; an approved version is never deleted.
- answer_template: while usable (approved or needs_review) the text in use is that of its
  current version, and that version is approved; the version number never goes back.
- text_block: the approved text changes only to the text waiting for approval, with the
  version raised by one and an approval (person and time) recorded anew, by someone other
  than the person who wrote it; a block starts empty at version 0, and an approved block is
  never deleted or renamed.
"""
from alembic import op


revision = 'f0a1b2c30026'
down_revision = 'e9f0a1b20025'
branch_labels = None
depends_on = None

MESSAGE = "shared answer texts change only through an approval by a second person"
TEXT = ("title", "questions", "keywords", "body")


def _conditions(same: str, differs: str) -> dict[str, str]:
    """The rules as SQL conditions (true = refused), with the dialect's null-safe comparisons."""
    version_changed = " OR ".join(f"OLD.{c} {differs} NEW.{c}" for c in ("template_id", "version", *TEXT, "edited_by_id"))
    text_of_version = " AND ".join(f"v.{c} {same} NEW.{c}" for c in TEXT)
    return {
        "version_update": f"""{version_changed}
            OR (OLD.approved_by_id IS NOT NULL AND OLD.approved_by_id {differs} NEW.approved_by_id)
            OR (NEW.approved_by_id IS NOT NULL AND NEW.approved_by_id {same} NEW.edited_by_id)""",
        "version_insert": f"NEW.approved_by_id IS NOT NULL AND NEW.approved_by_id {same} NEW.edited_by_id",
        "version_delete": "OLD.approved_by_id IS NOT NULL",
        "template_write": f"""NEW.status IN ('approved', 'needs_review') AND NOT EXISTS (
            SELECT 1 FROM answer_template_version v WHERE v.template_id = NEW.id AND v.version = NEW.version
            AND v.approved_by_id IS NOT NULL AND {text_of_version})""",
        "template_back": "NEW.version < OLD.version",
        "block_update": f"""(OLD.body {differs} NEW.body OR OLD.version {differs} NEW.version
              OR (OLD.version > 0 AND OLD.name {differs} NEW.name))
            AND NOT (NEW.version = OLD.version + 1 AND OLD.pending_body IS NOT NULL AND NEW.body {same} OLD.pending_body
                     AND OLD.pending_by_id IS NOT NULL AND NEW.approved_by_id IS NOT NULL
                     AND NEW.approved_by_id {differs} OLD.pending_by_id AND NEW.name {same} OLD.name
                     AND NEW.approved_at IS NOT NULL AND NEW.approved_at {differs} OLD.approved_at)""",
        "block_insert": "NEW.version <> 0 OR NEW.body <> ''",
        "block_delete": "OLD.version > 0",
    }


# (trigger name, timing, table, conditions)
TRIGGERS = (
    ("answer_version_update", "UPDATE", "answer_template_version", ("version_update",)),
    ("answer_version_insert", "INSERT", "answer_template_version", ("version_insert",)),
    ("answer_version_delete", "DELETE", "answer_template_version", ("version_delete",)),
    ("answer_template_insert", "INSERT", "answer_template", ("template_write",)),
    ("answer_template_update", "UPDATE", "answer_template", ("template_write", "template_back")),
    ("text_block_update", "UPDATE", "text_block", ("block_update",)),
    ("text_block_insert", "INSERT", "text_block", ("block_insert",)),
    ("text_block_delete", "DELETE", "text_block", ("block_delete",)),
)


def _sqlite() -> list[str]:
    """One trigger per rule: SQLite's WHEN clause holds the condition."""
    rules = _conditions("IS", "IS NOT")
    return [f"CREATE TRIGGER {name}_{rule} BEFORE {timing} ON {table} WHEN {rules[rule]}\n"
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            for name, timing, table, names in TRIGGERS for rule in names]


def _postgres() -> list[str]:
    """One function and trigger per table and timing."""
    rules = _conditions("IS NOT DISTINCT FROM", "IS DISTINCT FROM")
    statements = []
    for name, timing, table, names in TRIGGERS:
        checks = "\n".join(f"    IF {rules[rule]} THEN\n        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = "
                           f"'integrity_constraint_violation';\n    END IF;" for rule in names)
        result = "OLD" if timing == "DELETE" else "NEW"
        statements.append(f"CREATE FUNCTION hotline_guard_{name}() RETURNS trigger AS $$\nBEGIN\n{checks}\n"
                          f"    RETURN {result};\nEND $$ LANGUAGE plpgsql")
        statements.append(f"CREATE TRIGGER {name} BEFORE {timing} ON {table} FOR EACH ROW "
                          f"EXECUTE FUNCTION hotline_guard_{name}()")
    return statements


def upgrade():
    # Templates approved before versions recorded their approver: the approver of the
    # template approved its current version.
    op.execute("""UPDATE answer_template_version SET approved_by_id = (
                      SELECT t.approved_by_id FROM answer_template t WHERE t.id = answer_template_version.template_id)
                  WHERE approved_by_id IS NULL AND EXISTS (
                      SELECT 1 FROM answer_template t WHERE t.id = answer_template_version.template_id
                      AND t.version = answer_template_version.version
                      AND t.status IN ('approved', 'needs_review', 'retired') AND t.approved_by_id IS NOT NULL
                      AND (answer_template_version.edited_by_id IS NULL
                           OR t.approved_by_id <> answer_template_version.edited_by_id))""")
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in _postgres() if postgres else _sqlite():
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name, _timing, table, _names in TRIGGERS:
            op.execute(f"DROP TRIGGER {name} ON {table}")
            op.execute(f"DROP FUNCTION hotline_guard_{name}()")
    else:
        for name, _timing, _table, names in TRIGGERS:
            for rule in names:
                op.execute(f"DROP TRIGGER {name}_{rule}")
