"""the affected list: people, the files they came from, merges and notice history

Revision ID: 5a6b7c8d000f
Revises: c4d3b5a6000e
Create Date: 2026-12-02 03:34:14

Contact fields are encrypted by the application before they reach these TEXT
columns; the *_hash columns hold keyed hashes for exact lookups.
"""
from alembic import op
import sqlalchemy as sa


revision = '5a6b7c8d000f'
down_revision = 'c4d3b5a6000e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('affected_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('group_name', sa.String(length=60), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('merged', sa.Integer(), nullable=False),
    sa.Column('candidates', sa.Integer(), nullable=False),
    sa.Column('removed', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_affected_import_incident_id_incident')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_affected_import_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_affected_import'))
    )
    op.create_table('affected_person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('notice_number', sa.String(length=16), nullable=False),
    sa.Column('verify_code', sa.Text(), nullable=False),
    sa.Column('verify_hash', sa.String(length=64), nullable=False),
    sa.Column('member_id', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('kana', sa.Text(), nullable=False),
    sa.Column('email', sa.Text(), nullable=False),
    sa.Column('phone', sa.Text(), nullable=False),
    sa.Column('postal_code', sa.Text(), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('birth_date', sa.Text(), nullable=False),
    sa.Column('member_hash', sa.String(length=64), nullable=False),
    sa.Column('email_hash', sa.String(length=64), nullable=False),
    sa.Column('phone_hash', sa.String(length=64), nullable=False),
    sa.Column('birth_hash', sa.String(length=64), nullable=False),
    sa.Column('name_hash', sa.String(length=64), nullable=False),
    sa.Column('address_hash', sa.String(length=64), nullable=False),
    sa.Column('email_bounced', sa.Boolean(), nullable=False),
    sa.Column('letter_returned', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_affected_person_incident_id_incident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_affected_person')),
    sa.UniqueConstraint('notice_number', name=op.f('uq_affected_person_notice_number'))
    )
    with op.batch_alter_table('affected_person', schema=None) as batch_op:
        batch_op.create_index('ix_affected_person_email', ['incident_id', 'email_hash'], unique=False)
        batch_op.create_index('ix_affected_person_member', ['incident_id', 'member_hash'], unique=False)
        batch_op.create_index('ix_affected_person_name', ['incident_id', 'name_hash'], unique=False)
        batch_op.create_index('ix_affected_person_phone', ['incident_id', 'phone_hash'], unique=False)

    op.create_table('affected_membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('group_name', sa.String(length=60), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.Column('row_number', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['affected_import.id'], name=op.f('fk_affected_membership_import_id_affected_import')),
    sa.ForeignKeyConstraint(['person_id'], ['affected_person.id'], name=op.f('fk_affected_membership_person_id_affected_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_affected_membership')),
    sa.UniqueConstraint('person_id', 'group_name', 'source', name=op.f('uq_affected_membership_person_id'))
    )
    with op.batch_alter_table('affected_membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_affected_membership_person_id'), ['person_id'], unique=False)

    op.create_table('merge_candidate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('other_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('state', sa.Enum('open', 'merged', 'separate', name='mergestate', native_enum=False, length=24), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_merge_candidate_decided_by_id_user')),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_merge_candidate_incident_id_incident')),
    sa.ForeignKeyConstraint(['other_id'], ['affected_person.id'], name=op.f('fk_merge_candidate_other_id_affected_person')),
    sa.ForeignKeyConstraint(['person_id'], ['affected_person.id'], name=op.f('fk_merge_candidate_person_id_affected_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_merge_candidate')),
    sa.UniqueConstraint('person_id', 'other_id', name=op.f('uq_merge_candidate_person_id'))
    )
    with op.batch_alter_table('merge_candidate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_merge_candidate_incident_id'), ['incident_id'], unique=False)

    op.create_table('notice_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.Enum('email', 'letter', 'none', name='noticechannel', native_enum=False, length=24), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('happened_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['affected_person.id'], name=op.f('fk_notice_event_person_id_affected_person')),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_notice_event_report_id_report')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_event'))
    )
    with op.batch_alter_table('notice_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_event_person_id'), ['person_id'], unique=False)



def downgrade():
    with op.batch_alter_table('notice_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_event_person_id'))

    op.drop_table('notice_event')
    with op.batch_alter_table('merge_candidate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_merge_candidate_incident_id'))

    op.drop_table('merge_candidate')
    with op.batch_alter_table('affected_membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_affected_membership_person_id'))

    op.drop_table('affected_membership')
    with op.batch_alter_table('affected_person', schema=None) as batch_op:
        batch_op.drop_index('ix_affected_person_phone')
        batch_op.drop_index('ix_affected_person_name')
        batch_op.drop_index('ix_affected_person_member')
        batch_op.drop_index('ix_affected_person_email')

    op.drop_table('affected_person')
    op.drop_table('affected_import')
