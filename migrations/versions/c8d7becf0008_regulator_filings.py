"""regulator filings and the reporting decision

Revision ID: c8d7becf0008
Revises: b7c6adbe0007
Create Date: 2026-12-01 23:15:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c8d7becf0008'
down_revision = 'b7c6adbe0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'regulator_filing',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('incident_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('preliminary', 'final', 'supplement', name='filingkind', native_enum=False,
                                  length=24), nullable=False),
        sa.Column('filed_on', sa.Date(), nullable=False),
        sa.Column('reference', sa.String(length=100), nullable=False),
        sa.Column('note', sa.String(length=300), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_regulator_filing_incident_id_incident')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_regulator_filing_recorded_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_regulator_filing')),
    )
    with op.batch_alter_table('regulator_filing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_regulator_filing_incident_id'), ['incident_id'], unique=False)
    op.create_table(
        'reporting_decision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('incident_id', sa.Integer(), nullable=False),
        sa.Column('sensitive', sa.Boolean(), nullable=False),
        sa.Column('financial', sa.Boolean(), nullable=False),
        sa.Column('wrongful', sa.Boolean(), nullable=False),
        sa.Column('over_thousand', sa.Boolean(), nullable=False),
        sa.Column('note', sa.String(length=300), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=False),
        sa.Column('decided_at', sa.DateTime(), nullable=False),
        sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
        sa.Column('reviewed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_reporting_decision_decided_by_id_user')),
        sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_reporting_decision_incident_id_incident')),
        sa.ForeignKeyConstraint(['reviewed_by_id'], ['user.id'], name=op.f('fk_reporting_decision_reviewed_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reporting_decision')),
        sa.UniqueConstraint('incident_id', name=op.f('uq_reporting_decision_incident_id')),
    )


def downgrade():
    op.drop_table('reporting_decision')
    with op.batch_alter_table('regulator_filing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_regulator_filing_incident_id'))
    op.drop_table('regulator_filing')
