"""notice campaigns and their deliveries; the outbox's address, name and body sealed

Revision ID: 6b7c8d9e0010
Revises: 5a6b7c8d000f
Create Date: 2026-12-02 03:55:00

Individual notices go through the mail outbox, so the outbox must not hold addresses
in clear either: its to_addr, to_name and body become encrypted TEXT, and the rows
already there are encrypted here with the application's data key.
"""
from alembic import op
import sqlalchemy as sa

from hotline.models._sealed import seal, unseal


revision = '6b7c8d9e0010'
down_revision = '5a6b7c8d000f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notice_campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'awaiting_approval', 'running', 'paused', 'done', name='campaignstate', native_enum=False, length=24), nullable=False),
    sa.Column('pace_per_hour', sa.Integer(), nullable=False),
    sa.Column('send_from_hour', sa.Integer(), nullable=False),
    sa.Column('send_until_hour', sa.Integer(), nullable=False),
    sa.Column('pause_backlog', sa.Integer(), nullable=False),
    sa.Column('pause_oldest_minutes', sa.Integer(), nullable=False),
    sa.Column('credit', sa.Double(), nullable=False),
    sa.Column('last_pump_at', sa.DateTime(), nullable=True),
    sa.Column('paused_reason', sa.String(length=300), nullable=False),
    sa.Column('editor_ids', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'], name=op.f('fk_notice_campaign_approved_by_id_user')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_notice_campaign_created_by_id_user')),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_notice_campaign_incident_id_incident')),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_notice_campaign_report_id_report')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_campaign'))
    )
    with op.batch_alter_table('notice_campaign', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_campaign_incident_id'), ['incident_id'], unique=False)

    op.create_table('notice_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('email', 'letter', 'none', name='noticechannel', native_enum=False, length=24), nullable=False),
    sa.Column('status', sa.Enum('waiting', 'queued', 'sent', 'bounced', 'to_print', 'printed', 'returned', 'substitute', name='deliverystatus', native_enum=False, length=24), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('batch', sa.Integer(), nullable=True),
    sa.Column('queued_at', sa.DateTime(), nullable=True),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('bounced_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['notice_campaign.id'], name=op.f('fk_notice_delivery_campaign_id_notice_campaign')),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox_mail.id'], name=op.f('fk_notice_delivery_outbox_id_outbox_mail')),
    sa.ForeignKeyConstraint(['person_id'], ['affected_person.id'], name=op.f('fk_notice_delivery_person_id_affected_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_delivery')),
    sa.UniqueConstraint('campaign_id', 'person_id', name=op.f('uq_notice_delivery_campaign_id'))
    )
    with op.batch_alter_table('notice_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_delivery_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_delivery_queued_at'), ['queued_at'], unique=False)
        batch_op.create_index('ix_notice_delivery_state', ['campaign_id', 'status'], unique=False)

    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.alter_column('to_addr',
               existing_type=sa.VARCHAR(length=254),
               type_=sa.Text(),
               existing_nullable=False)
        batch_op.alter_column('to_name',
               existing_type=sa.VARCHAR(length=100),
               type_=sa.Text(),
               existing_nullable=False)
    _convert(seal)


def _convert(function) -> None:
    """Seal (or unseal) the address, name and body of every outbox row."""
    bind = op.get_bind()
    outbox = sa.table("outbox_mail", sa.column("id"), sa.column("to_addr", sa.Text), sa.column("to_name", sa.Text),
                      sa.column("body", sa.Text))
    rows = bind.execute(sa.select(outbox.c.id, outbox.c.to_addr, outbox.c.to_name, outbox.c.body)).all()
    for row_id, to_addr, to_name, body in rows:
        values = {name: function(value) if value else value
                  for name, value in (("to_addr", to_addr), ("to_name", to_name), ("body", body))}
        bind.execute(sa.update(outbox).where(outbox.c.id == row_id).values(**values))


def downgrade():
    _convert(unseal)
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.alter_column('to_name',
               existing_type=sa.Text(),
               type_=sa.VARCHAR(length=100),
               existing_nullable=False)
        batch_op.alter_column('to_addr',
               existing_type=sa.Text(),
               type_=sa.VARCHAR(length=254),
               existing_nullable=False)

    with op.batch_alter_table('notice_delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_notice_delivery_state')
        batch_op.drop_index(batch_op.f('ix_notice_delivery_queued_at'))
        batch_op.drop_index(batch_op.f('ix_notice_delivery_person_id'))

    op.drop_table('notice_delivery')
    with op.batch_alter_table('notice_campaign', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_campaign_incident_id'))

    op.drop_table('notice_campaign')
