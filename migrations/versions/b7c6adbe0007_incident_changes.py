"""changes of published incidents approved by a second person

Revision ID: b7c6adbe0007
Revises: a6b5fcad0006
Create Date: 2026-12-01 23:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7c6adbe0007'
down_revision = 'a6b5fcad0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'incident_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('incident_id', sa.Integer(), nullable=False),
        sa.Column('changes', sa.Text(), nullable=False),
        sa.Column('reason', sa.String(length=300), nullable=False),
        sa.Column('state', sa.Enum('pending', 'approved', 'rejected', name='changestate', native_enum=False,
                                   length=24), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('requested_at', sa.DateTime(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('decision_note', sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_incident_change_decided_by_id_user')),
        sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_incident_change_incident_id_incident')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_incident_change_requested_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_change')),
    )
    with op.batch_alter_table('incident_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_change_incident_id'), ['incident_id'], unique=False)


def downgrade():
    with op.batch_alter_table('incident_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_change_incident_id'))
    op.drop_table('incident_change')
