"""callbacks (折り返し): booked time slots, attempts and how each ended

Revision ID: b02c3d4e0015
Revises: af1b2c3d0014
Create Date: 2026-12-02 07:40:00

Phone, name, email and note are encrypted by the application (TEXT here).
"""
from alembic import op
import sqlalchemy as sa


revision = 'b02c3d4e0015'
down_revision = 'af1b2c3d0014'
branch_labels = None
depends_on = None

CATEGORIES = ('eligibility', 'leaked_data', 'card_fraud', 'suspicious_contact', 'compensation', 'deletion', 'other')


def upgrade():
    op.create_table(
        'callback',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=20), nullable=False),
        sa.Column('phone', sa.Text(), nullable=False),
        sa.Column('phone_hash', sa.String(length=64), nullable=False),
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('email', sa.Text(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('category', sa.Enum(*CATEGORIES, name='inquirycategory', native_enum=False, length=24),
                  nullable=False),
        sa.Column('slot_at', sa.DateTime(), nullable=False),
        sa.Column('status', sa.Enum('scheduled', 'done', 'unreached', 'cancelled', name='callbackstatus',
                                    native_enum=False, length=24), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
        sa.Column('inquiry_id', sa.Integer(), nullable=True),
        sa.Column('handled_by_id', sa.Integer(), nullable=True),
        sa.Column('closed_note', sa.String(length=300), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['handled_by_id'], ['user.id'], ),
        sa.ForeignKeyConstraint(['inquiry_id'], ['inquiry.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('number'),
    )
    with op.batch_alter_table('callback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_callback_phone_hash'), ['phone_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_callback_slot_at'), ['slot_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_callback_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_callback_next_attempt_at'), ['next_attempt_at'], unique=False)


def downgrade():
    with op.batch_alter_table('callback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_callback_next_attempt_at'))
        batch_op.drop_index(batch_op.f('ix_callback_status'))
        batch_op.drop_index(batch_op.f('ix_callback_slot_at'))
        batch_op.drop_index(batch_op.f('ix_callback_phone_hash'))
    op.drop_table('callback')
