"""a template version keeps the category and the display limit its approver was shown

Revision ID: a6b7c8d90033
Revises: f5a6b7c80032
Create Date: 2026-12-03 14:00:00

A template's category and display limit change at once, without approval, because agents
use them to sort and retire answers. When a template is published as a public FAQ entry,
though, they become public: the FAQ category and how long the entry stays up. The FAQ is
now written with the values the approver saw when approving, recorded on the version in
the same update that records the approver, and never changed afterwards. Versions approved
before this migration take the template's present values.
"""
import sqlalchemy as sa
from alembic import op

revision = 'a6b7c8d90033'
down_revision = 'f5a6b7c80032'
branch_labels = None
depends_on = None

MESSAGE = "shared answer texts change only through an approval by a second person"
COLUMNS = ("approved_category", "approved_expires_on")


def _condition(differs: str) -> str:
    """True (refused) when the recorded values change other than in the update that records the approver."""
    changed = " OR ".join(f"OLD.{c} {differs} NEW.{c}" for c in COLUMNS)
    return f"({changed}) AND NOT (OLD.approved_by_id IS NULL AND NEW.approved_by_id IS NOT NULL)"


def upgrade():
    op.add_column("answer_template_version", sa.Column("approved_category", sa.Enum(
        "eligibility", "leaked_data", "card_fraud", "suspicious_contact", "compensation", "deletion", "other",
        name="inquirycategory", native_enum=False, length=24), nullable=True))
    op.add_column("answer_template_version", sa.Column("approved_expires_on", sa.Date(), nullable=True))
    op.execute("""UPDATE answer_template_version SET
                      approved_category = (SELECT t.category FROM answer_template t
                                           WHERE t.id = answer_template_version.template_id),
                      approved_expires_on = (SELECT t.expires_on FROM answer_template t
                                             WHERE t.id = answer_template_version.template_id)
                  WHERE approved_by_id IS NOT NULL""")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""CREATE FUNCTION hotline_guard_answer_version_shown() RETURNS trigger AS $$
BEGIN
    IF {_condition("IS DISTINCT FROM")} THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql""")
        op.execute("CREATE TRIGGER answer_version_shown BEFORE UPDATE ON answer_template_version FOR EACH ROW "
                   "EXECUTE FUNCTION hotline_guard_answer_version_shown()")
    else:
        op.execute(f"CREATE TRIGGER answer_version_shown BEFORE UPDATE ON answer_template_version "
                   f"WHEN {_condition('IS NOT')}\nBEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER answer_version_shown ON answer_template_version")
        op.execute("DROP FUNCTION hotline_guard_answer_version_shown()")
    else:
        op.execute("DROP TRIGGER answer_version_shown")
    op.execute("ALTER TABLE answer_template_version DROP COLUMN approved_expires_on")
    op.execute("ALTER TABLE answer_template_version DROP COLUMN approved_category")
