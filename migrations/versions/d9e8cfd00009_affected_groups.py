"""affected groups and their data items replace the single count and category list

Revision ID: d9e8cfd00009
Revises: c8d7becf0008
Create Date: 2026-12-02 00:40:00

A report now speaks of groups of people (会員, お届け先 …), each with its own bounded
count and its own data items. Every existing report becomes one group named
「お客様」 holding its former count (unit 件) and its former data categories, so
published pages read as before. The new tables are frozen with their report: triggers
refuse INSERT, UPDATE and DELETE once the report is published, on SQLite and PostgreSQL.
"""
from alembic import op
import sqlalchemy as sa


revision = 'd9e8cfd00009'
down_revision = 'c8d7becf0008'
branch_labels = None
depends_on = None

MESSAGE = "published reports are immutable"
MIGRATED_GROUP = "お客様"
CATEGORY_LABELS = {
    "name": "氏名", "address": "住所", "email": "メールアドレス", "phone": "電話番号",
    "birth_date": "生年月日", "gender": "性別", "card_holder": "クレジットカード名義人名",
    "card_number": "クレジットカード番号", "card_expiry": "クレジットカード有効期限",
    "security_code": "セキュリティコード", "login_id": "ログインID", "password": "パスワード",
    "purchase_history": "購入履歴", "bank_account": "銀行口座情報",
}
CERTAINTY = sa.Enum('confirmed', 'provisional', name='certainty', native_enum=False, length=24)
STATUS = sa.Enum('confirmed', 'likely', 'possible', 'investigating', 'not_leaked', 'not_held',
                 name='leakstatus', native_enum=False, length=24)
CATEGORY = sa.Enum(*CATEGORY_LABELS, name='datacategory', native_enum=False, length=24)

_GROUP_STATE = "(SELECT state FROM report WHERE id = {row}.report_id)"
_ITEM_STATE = ("(SELECT report.state FROM report JOIN affected_group ON affected_group.report_id = report.id "
               "WHERE affected_group.id = {row}.group_id)")


def _sqlite_triggers(table: str, state: str) -> dict:
    """INSERT, UPDATE and DELETE refused while the owning report is published."""
    new, old = state.format(row="NEW"), state.format(row="OLD")
    return {
        f"{table}_frozen_insert": f"CREATE TRIGGER {table}_frozen_insert BEFORE INSERT ON {table} "
                                  f"WHEN {new} = 'published' BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        f"{table}_frozen_update": f"CREATE TRIGGER {table}_frozen_update BEFORE UPDATE ON {table} "
                                  f"WHEN {old} = 'published' OR {new} = 'published' "
                                  f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        f"{table}_frozen_delete": f"CREATE TRIGGER {table}_frozen_delete BEFORE DELETE ON {table} "
                                  f"WHEN {old} = 'published' BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    }


SQLITE_TRIGGERS = {**_sqlite_triggers("affected_group", _GROUP_STATE),
                   **_sqlite_triggers("group_item", _ITEM_STATE)}

POSTGRES = f"""
CREATE FUNCTION hotline_refuse_published_item() RETURNS trigger AS $$
BEGIN
    IF (TG_OP <> 'INSERT' AND EXISTS (SELECT 1 FROM report JOIN affected_group ON affected_group.report_id = report.id
                                      WHERE affected_group.id = OLD.group_id AND report.state = 'published'))
       OR (TG_OP <> 'DELETE' AND EXISTS (SELECT 1 FROM report JOIN affected_group ON affected_group.report_id = report.id
                                         WHERE affected_group.id = NEW.group_id AND report.state = 'published')) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER affected_group_frozen BEFORE INSERT OR UPDATE OR DELETE ON affected_group
    FOR EACH ROW EXECUTE FUNCTION hotline_refuse_published_category();
CREATE TRIGGER group_item_frozen BEFORE INSERT OR UPDATE OR DELETE ON group_item
    FOR EACH ROW EXECUTE FUNCTION hotline_refuse_published_item();
"""

OLD_CATEGORY_TRIGGERS_SQLITE = ("report_category_frozen_insert", "report_category_frozen_update",
                                "report_category_frozen_delete")


def upgrade():
    op.create_table(
        'affected_group',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('affected', sa.Boolean(), nullable=False),
        sa.Column('unit', sa.String(length=4), nullable=False),
        sa.Column('count_min', sa.Integer(), nullable=True),
        sa.Column('count_max', sa.Integer(), nullable=True),
        sa.Column('count_approx', sa.Boolean(), nullable=False),
        sa.Column('count_certainty', CERTAINTY, nullable=False),
        sa.Column('cleared', sa.Integer(), nullable=True),
        sa.Column('final_scope', sa.Boolean(), nullable=False),
        sa.Column('note', sa.String(length=300), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_affected_group_report_id_report')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_affected_group')),
        sa.UniqueConstraint('report_id', 'name', name=op.f('uq_affected_group_report_id')),
    )
    with op.batch_alter_table('affected_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_affected_group_report_id'), ['report_id'], unique=False)
    op.create_table(
        'group_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('category', CATEGORY, nullable=True),
        sa.Column('label', sa.String(length=60), nullable=False),
        sa.Column('status', STATUS, nullable=False),
        sa.Column('note', sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['affected_group.id'], name=op.f('fk_group_item_group_id_affected_group')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_group_item')),
        sa.UniqueConstraint('group_id', 'label', name=op.f('uq_group_item_group_id')),
    )
    with op.batch_alter_table('group_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_item_group_id'), ['group_id'], unique=False)

    op.execute(
        "INSERT INTO affected_group (report_id, position, name, affected, unit, count_min, count_max, count_approx,"
        " count_certainty, cleared, final_scope, note, reason) "
        f"SELECT id, 0, '{MIGRATED_GROUP}', TRUE, '件', count_min, count_max, FALSE, count_certainty, NULL, FALSE, '', ''"
        " FROM report"
    )
    label = "CASE report_category.category " + " ".join(
        f"WHEN '{key}' THEN '{text}'" for key, text in CATEGORY_LABELS.items()) + " END"
    position = "CASE report_category.category " + " ".join(
        f"WHEN '{key}' THEN {n}" for n, key in enumerate(CATEGORY_LABELS)) + " END"
    op.execute(
        "INSERT INTO group_item (group_id, position, category, label, status, note) "
        f"SELECT affected_group.id, {position}, report_category.category, {label}, report_category.status,"
        " report_category.note FROM report_category"
        " JOIN affected_group ON affected_group.report_id = report_category.report_id"
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("DROP TRIGGER report_category_frozen ON report_category")
    else:
        for name in OLD_CATEGORY_TRIGGERS_SQLITE:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table('report_category')
    for column in ('count_min', 'count_max', 'count_certainty'):
        op.execute(f"ALTER TABLE report DROP COLUMN {column}")
    if postgres:
        op.execute(POSTGRES)
    else:
        for sql in SQLITE_TRIGGERS.values():
            op.execute(sql)


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("DROP TRIGGER group_item_frozen ON group_item")
        op.execute("DROP TRIGGER affected_group_frozen ON affected_group")
        op.execute("DROP FUNCTION hotline_refuse_published_item()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.add_column('report', sa.Column('count_min', sa.Integer(), nullable=True))
    op.add_column('report', sa.Column('count_max', sa.Integer(), nullable=True))
    op.add_column('report', sa.Column('count_certainty', CERTAINTY, nullable=False, server_default='provisional'))
    op.create_table(
        'report_category',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('category', CATEGORY, nullable=False),
        sa.Column('status', sa.Enum('confirmed', 'possible', 'not_leaked', 'investigating', name='leakstatus',
                                    native_enum=False, length=24), nullable=False),
        sa.Column('note', sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_report_category_report_id_report')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_category')),
        sa.UniqueConstraint('report_id', 'category', name=op.f('uq_report_category_report_id')),
    )
    with op.batch_alter_table('report_category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_category_report_id'), ['report_id'], unique=False)
    first = "(SELECT MIN(g.id) FROM affected_group g WHERE g.report_id = report.id)"
    # The report triggers refuse updates of published reports; they are set aside for the copy.
    if postgres:
        op.execute("ALTER TABLE report DISABLE TRIGGER report_frozen")
    else:
        op.execute("DROP TRIGGER report_frozen_update")
    for column in ('count_min', 'count_max', 'count_certainty'):
        fallback = "'provisional'" if column == 'count_certainty' else "NULL"
        op.execute(f"UPDATE report SET {column} = COALESCE((SELECT {column} FROM affected_group "
                   f"WHERE affected_group.id = {first}), {fallback})")
    if postgres:
        op.execute("ALTER TABLE report ENABLE TRIGGER report_frozen")
    else:
        op.execute("CREATE TRIGGER report_frozen_update BEFORE UPDATE ON report WHEN OLD.state = 'published' "
                   f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")
    op.execute(
        "INSERT INTO report_category (report_id, category, status, note) "
        "SELECT affected_group.report_id, group_item.category,"
        " CASE group_item.status WHEN 'likely' THEN 'possible' WHEN 'not_held' THEN 'not_leaked'"
        " ELSE group_item.status END, group_item.note"
        " FROM group_item JOIN affected_group ON affected_group.id = group_item.group_id"
        " WHERE group_item.category IS NOT NULL AND affected_group.id ="
        " (SELECT MIN(g.id) FROM affected_group g WHERE g.report_id = affected_group.report_id)"
    )
    if postgres:
        op.execute("CREATE TRIGGER report_category_frozen BEFORE INSERT OR UPDATE OR DELETE ON report_category "
                   "FOR EACH ROW EXECUTE FUNCTION hotline_refuse_published_category()")
    else:
        for sql in _sqlite_triggers("report_category", _GROUP_STATE).values():
            op.execute(sql)
    op.drop_table('group_item')
    op.drop_table('affected_group')
