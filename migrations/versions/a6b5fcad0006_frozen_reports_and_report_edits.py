"""published reports frozen in the database; who edited each draft

Revision ID: a6b5fcad0006
Revises: f5a4ebc9d005
Create Date: 2026-12-01 22:45:00

Triggers refuse UPDATE and DELETE of a published report and any change to the data
categories of one, on SQLite and on PostgreSQL, so not even raw SQL alters what the
public has read. Drafts record every person who saved them (report_edit); existing
drafts get their author as the first editor.
"""
from alembic import op
import sqlalchemy as sa


revision = 'a6b5fcad0006'
down_revision = 'f5a4ebc9d005'
branch_labels = None
depends_on = None

MESSAGE = "published reports are immutable"

SQLITE_TRIGGERS = {
    "report_frozen_update": f"""
        CREATE TRIGGER report_frozen_update BEFORE UPDATE ON report
        WHEN OLD.state = 'published'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    "report_frozen_delete": f"""
        CREATE TRIGGER report_frozen_delete BEFORE DELETE ON report
        WHEN OLD.state = 'published'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    "report_category_frozen_insert": f"""
        CREATE TRIGGER report_category_frozen_insert BEFORE INSERT ON report_category
        WHEN (SELECT state FROM report WHERE id = NEW.report_id) = 'published'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    "report_category_frozen_update": f"""
        CREATE TRIGGER report_category_frozen_update BEFORE UPDATE ON report_category
        WHEN (SELECT state FROM report WHERE id = OLD.report_id) = 'published'
          OR (SELECT state FROM report WHERE id = NEW.report_id) = 'published'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    "report_category_frozen_delete": f"""
        CREATE TRIGGER report_category_frozen_delete BEFORE DELETE ON report_category
        WHEN (SELECT state FROM report WHERE id = OLD.report_id) = 'published'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
}

POSTGRES = f"""
CREATE FUNCTION hotline_refuse_published_report() RETURNS trigger AS $$
BEGIN
    IF OLD.state = 'published' THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION hotline_refuse_published_category() RETURNS trigger AS $$
BEGIN
    IF (TG_OP <> 'INSERT' AND EXISTS (SELECT 1 FROM report WHERE id = OLD.report_id AND state = 'published'))
       OR (TG_OP <> 'DELETE' AND EXISTS (SELECT 1 FROM report WHERE id = NEW.report_id AND state = 'published')) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER report_frozen BEFORE UPDATE OR DELETE ON report
    FOR EACH ROW EXECUTE FUNCTION hotline_refuse_published_report();
CREATE TRIGGER report_category_frozen BEFORE INSERT OR UPDATE OR DELETE ON report_category
    FOR EACH ROW EXECUTE FUNCTION hotline_refuse_published_category();
"""


def upgrade():
    op.create_table(
        'report_edit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_report_edit_report_id_report')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_report_edit_user_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_edit')),
    )
    with op.batch_alter_table('report_edit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_edit_report_id'), ['report_id'], unique=False)
    op.execute(
        "INSERT INTO report_edit (report_id, user_id, content_hash, at) "
        "SELECT id, author_id, '', created_at FROM report WHERE state <> 'published'"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES)
    else:
        for sql in SQLITE_TRIGGERS.values():
            op.execute(sql)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER report_category_frozen ON report_category")
        op.execute("DROP TRIGGER report_frozen ON report")
        op.execute("DROP FUNCTION hotline_refuse_published_category()")
        op.execute("DROP FUNCTION hotline_refuse_published_report()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    with op.batch_alter_table('report_edit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_edit_report_id'))
    op.drop_table('report_edit')
