"""what readers saw of an incident changes in the database only with an approved change request

Revision ID: 9e0f1a2b0013
Revises: 8d9e0f1a0012
Create Date: 2026-12-02 05:20:00

Once an incident has a published report, its slug, title, awareness date, kind, status
and contact window are changed by the application only through a change request that a
second supervisor approved (hotline.notices.incident_changes). The ORM refused other
changes; raw SQL did not. A trigger now refuses an UPDATE of those columns unless it
also sets incident.approved_change_id to a new change request of that incident (pending
or approved: the approval and the change are written in the same transaction).
"""
from alembic import op
import sqlalchemy as sa


revision = '9e0f1a2b0013'
down_revision = '8d9e0f1a0012'
branch_labels = None
depends_on = None

MESSAGE = "a published incident changes only through an approved change request"
COLUMNS = ("slug", "title", "aware_on", "malicious", "status", "contact_phone", "contact_hours",
           "contact_form_url", "contact_schedule")
SQLITE = f"""
CREATE TRIGGER incident_guarded_update BEFORE UPDATE ON incident
WHEN EXISTS (SELECT 1 FROM report WHERE incident_id = OLD.id AND state = 'published')
 AND ({" OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in COLUMNS)})
 AND (NEW.approved_change_id IS NULL OR NEW.approved_change_id IS OLD.approved_change_id
      OR NOT EXISTS (SELECT 1 FROM incident_change WHERE id = NEW.approved_change_id AND incident_id = OLD.id
                     AND state IN ('pending', 'approved')))
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
"""
POSTGRES = f"""
CREATE FUNCTION hotline_guard_incident() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM report WHERE incident_id = OLD.id AND state = 'published')
       AND ({" OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in COLUMNS)})
       AND (NEW.approved_change_id IS NULL OR NEW.approved_change_id IS NOT DISTINCT FROM OLD.approved_change_id
            OR NOT EXISTS (SELECT 1 FROM incident_change WHERE id = NEW.approved_change_id AND incident_id = OLD.id
                           AND state IN ('pending', 'approved'))) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER incident_guarded BEFORE UPDATE ON incident FOR EACH ROW EXECUTE FUNCTION hotline_guard_incident();
"""


def upgrade():
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_change_id', sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES)
    else:
        op.execute(SQLITE)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER incident_guarded ON incident")
        op.execute("DROP FUNCTION hotline_guard_incident()")
    else:
        op.execute("DROP TRIGGER incident_guarded_update")
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_column('approved_change_id')
