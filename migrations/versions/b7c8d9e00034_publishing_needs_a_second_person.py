"""a report becomes published in the database only as the application publishes it: approved by a second person

Revision ID: b7c8d9e00034
Revises: a6b7c8d90033
Create Date: 2026-12-04 05:00:00

Published reports were frozen in the database, but the step into publication was not
guarded there: `UPDATE report SET state = 'published'` on a draft, with its author as
approver or with no approver, went through. The database now holds the rule that
hotline.notices.workflow.approve_and_publish applies:

- a report becomes published only from 承認待ち (awaiting_approval), with a number, a
  publication time and an approver who is neither its author nor anyone who saved a
  version of it (report_edit);
- no report is inserted as already published;
- who saved a version (report_edit) never changes, and is never deleted for a published report.
"""
from alembic import op

revision = 'b7c8d9e00034'
down_revision = 'a6b7c8d90033'
branch_labels = None
depends_on = None

MESSAGE = "a report is published only when a second person who did not write it approves it"
EDITS = "who saved a version of a report is kept"

PUBLISH = """NEW.state = 'published' AND OLD.state <> 'published' AND (
    OLD.state <> 'awaiting_approval' OR NEW.approver_id IS NULL OR NEW.number IS NULL OR NEW.published_at IS NULL
    OR NEW.approver_id = NEW.author_id
    OR EXISTS (SELECT 1 FROM report_edit e WHERE e.report_id = NEW.id AND e.user_id = NEW.approver_id))"""
INSERTED = "NEW.state = 'published'"
EDIT_DELETE = "EXISTS (SELECT 1 FROM report r WHERE r.id = OLD.report_id AND r.state = 'published')"

# (trigger, timing, table, condition, message)
TRIGGERS = (
    ("report_published_by_two", "UPDATE", "report", PUBLISH, MESSAGE),
    ("report_inserted_published", "INSERT", "report", INSERTED, MESSAGE),
    ("report_edit_kept_update", "UPDATE", "report_edit", "TRUE", EDITS),
    ("report_edit_kept_delete", "DELETE", "report_edit", EDIT_DELETE, EDITS),
)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name, timing, table, condition, message in TRIGGERS:
            result = "OLD" if timing == "DELETE" else "NEW"
            op.execute(f"""CREATE FUNCTION hotline_guard_{name}() RETURNS trigger AS $$
BEGIN
    IF {condition} THEN
        RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN {result};
END $$ LANGUAGE plpgsql""")
            op.execute(f"CREATE TRIGGER {name} BEFORE {timing} ON {table} FOR EACH ROW "
                       f"EXECUTE FUNCTION hotline_guard_{name}()")
    else:
        for name, timing, table, condition, message in TRIGGERS:
            when = "1" if condition == "TRUE" else condition
            op.execute(f"CREATE TRIGGER {name} BEFORE {timing} ON {table} WHEN {when}\n"
                       f"BEGIN SELECT RAISE(ABORT, '{message}'); END")


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, _timing, table, _condition, _message in TRIGGERS:
        if postgres:
            op.execute(f"DROP TRIGGER {name} ON {table}")
            op.execute(f"DROP FUNCTION hotline_guard_{name}()")
        else:
            op.execute(f"DROP TRIGGER {name}")
