"""subscribers of an incident's reports (double opt-in) and the broadcasts of new reports

Revision ID: c79d0e1f0023
Revises: b68c9d0e0022
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = 'c79d0e1f0023'
down_revision = 'b68c9d0e0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "subscriber",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("email_hash", sa.String(length=64), nullable=False),
        sa.Column("confirm_token_hash", sa.String(length=64), nullable=True),
        sa.Column("confirm_expires_at", sa.DateTime(), nullable=True),
        sa.Column("confirm_sent_at", sa.DateTime(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("stop_token_hash", sa.String(length=64), nullable=False),
        sa.Column("stopped_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], name=op.f("fk_subscriber_incident_id_incident")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriber")),
        sa.UniqueConstraint("incident_id", "email_hash", name=op.f("uq_subscriber_incident_id")),
        sa.UniqueConstraint("confirm_token_hash", name=op.f("uq_subscriber_confirm_token_hash")),
        sa.UniqueConstraint("stop_token_hash", name=op.f("uq_subscriber_stop_token_hash")),
    )
    op.create_index(op.f("ix_subscriber_incident_id"), "subscriber", ["incident_id"])
    op.create_table(
        "broadcast",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_subscriber_id", sa.Integer(), nullable=False),
        sa.Column("queued", sa.Integer(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"], name=op.f("fk_broadcast_report_id_report")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcast")),
        sa.UniqueConstraint("report_id", name=op.f("uq_broadcast_report_id")),
    )


def downgrade():
    op.drop_table("broadcast")
    op.drop_index(op.f("ix_subscriber_incident_id"), table_name="subscriber")
    op.drop_table("subscriber")
