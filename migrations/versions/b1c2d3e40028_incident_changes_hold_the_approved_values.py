"""a published incident takes only the values a second supervisor approved

Revision ID: b1c2d3e40028
Revises: a0b1c2d30027
Create Date: 2026-12-03 11:40:00

The trigger of 9e0f1a2b0013 asked an UPDATE of what readers saw of an incident to name a
new change request of that incident, pending or approved; raw SQL could insert a pending
request and then write any value. Now the request must be approved, by someone other than
the person who asked for it, and every guarded column that changes must take the value the
request holds ({field: [before, after]}); the slug never changes once a report is public.
An approved request is never rewritten or deleted. The application approves the request
before it changes the incident (hotline.notices.incident_changes.approve_change).
"""
from alembic import op


revision = 'b1c2d3e40028'
down_revision = 'a0b1c2d30027'
branch_labels = None
depends_on = None

MESSAGE = "a published incident changes only through an approved change request"
COLUMNS = ("title", "aware_on", "malicious", "status", "contact_phone", "contact_hours", "contact_form_url",
           "contact_schedule")
PUBLISHED = "EXISTS (SELECT 1 FROM report WHERE incident_id = OLD.id AND state = 'published')"


def _sqlite_value(column: str) -> str:
    """The approved value of a column, SQLite's JSON functions."""
    return f"json_extract(c.changes, '$.{column}[1]')"


def _postgres_value(column: str) -> str:
    """The approved value of a column, cast to the column's type."""
    text = f"(c.changes::jsonb -> '{column}' ->> 1)"
    return {"aware_on": f"{text}::date", "malicious": f"{text}::boolean"}.get(column, text)


def _refused(postgres: bool) -> str:
    """True when an UPDATE of incident is refused."""
    same, differs = ("IS NOT DISTINCT FROM", "IS DISTINCT FROM") if postgres else ("IS", "IS NOT")
    has = (lambda c: f"(c.changes::jsonb ? '{c}')") if postgres else (lambda c: f"json_type(c.changes, '$.{c}') IS NOT NULL")
    value = _postgres_value if postgres else _sqlite_value
    taken = " AND ".join(f"(OLD.{c} {same} NEW.{c} OR ({has(c)} AND NEW.{c} {same} {value(c)}))" for c in COLUMNS)
    changed = " OR ".join(f"OLD.{c} {differs} NEW.{c}" for c in ("slug", *COLUMNS))
    return f"""{PUBLISHED} AND ({changed}) AND NOT (
        OLD.slug {same} NEW.slug AND NEW.approved_change_id IS NOT NULL
        AND NEW.approved_change_id {differs} OLD.approved_change_id
        AND EXISTS (SELECT 1 FROM incident_change c WHERE c.id = NEW.approved_change_id AND c.incident_id = OLD.id
                    AND c.state = 'approved' AND c.decided_by_id IS NOT NULL
                    AND c.decided_by_id {differs} c.requested_by_id AND {taken}))"""


def _change_refused(postgres: bool) -> str:
    """True when an UPDATE of an approved change request is refused."""
    differs = "IS DISTINCT FROM" if postgres else "IS NOT"
    fields = ("incident_id", "changes", "state", "requested_by_id", "decided_by_id")
    return f"OLD.state = 'approved' AND ({' OR '.join(f'OLD.{f} {differs} NEW.{f}' for f in fields)})"


def _function(name: str, condition: str, result: str = "NEW") -> str:
    return f"""CREATE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
    IF {condition} THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN {result};
END $$ LANGUAGE plpgsql"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER incident_guarded ON incident")
        op.execute("DROP FUNCTION hotline_guard_incident()")
        op.execute(_function("hotline_guard_incident", _refused(True)))
        op.execute("CREATE TRIGGER incident_guarded BEFORE UPDATE ON incident FOR EACH ROW "
                   "EXECUTE FUNCTION hotline_guard_incident()")
        op.execute(_function("hotline_guard_incident_change", _change_refused(True)))
        op.execute("CREATE TRIGGER incident_change_guarded BEFORE UPDATE ON incident_change FOR EACH ROW "
                   "EXECUTE FUNCTION hotline_guard_incident_change()")
        op.execute(_function("hotline_keep_incident_change", "OLD.state = 'approved'", "OLD"))
        op.execute("CREATE TRIGGER incident_change_kept BEFORE DELETE ON incident_change FOR EACH ROW "
                   "EXECUTE FUNCTION hotline_keep_incident_change()")
        return
    op.execute("DROP TRIGGER incident_guarded_update")
    for name, timing, table, condition in (
            ("incident_guarded_update", "UPDATE", "incident", _refused(False)),
            ("incident_change_guarded", "UPDATE", "incident_change", _change_refused(False)),
            ("incident_change_kept", "DELETE", "incident_change", "OLD.state = 'approved'")):
        op.execute(f"CREATE TRIGGER {name} BEFORE {timing} ON {table} WHEN {condition}\n"
                   f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def downgrade():
    """Back to the guard of 9e0f1a2b0013."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).with_name("9e0f1a2b0013_incident_changes_guarded_in_the_database.py")
    spec = importlib.util.spec_from_file_location("guard_9e0f1a2b0013", path)
    earlier = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(earlier)
    if op.get_bind().dialect.name == "postgresql":
        for trigger, table, function in (("incident_guarded", "incident", "hotline_guard_incident"),
                                         ("incident_change_guarded", "incident_change", "hotline_guard_incident_change"),
                                         ("incident_change_kept", "incident_change", "hotline_keep_incident_change")):
            op.execute(f"DROP TRIGGER {trigger} ON {table}")
            op.execute(f"DROP FUNCTION {function}()")
        op.execute(earlier.POSTGRES)
    else:
        for trigger in ("incident_guarded_update", "incident_change_guarded", "incident_change_kept"):
            op.execute(f"DROP TRIGGER {trigger}")
        op.execute(earlier.SQLITE)
