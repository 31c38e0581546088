"""follow-up notices: which report an answer stated, and campaigns for people told facts that changed

Revision ID: 7c8d9e0f0011
Revises: 6b7c8d9e0010
Create Date: 2026-12-02 04:18:10
"""
from alembic import op
import sqlalchemy as sa


revision = '7c8d9e0f0011'
down_revision = '6b7c8d9e0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer_report_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_inquiry_answer_report_id_report'), 'report', ['answer_report_id'], ['id'])

    with op.batch_alter_table('notice_campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('follow_up', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('notice_campaign', schema=None) as batch_op:
        batch_op.drop_column('follow_up')

    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_inquiry_answer_report_id_report'), type_='foreignkey')
        batch_op.drop_column('answer_report_id')

