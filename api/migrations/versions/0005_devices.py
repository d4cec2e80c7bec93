"""devices: enrolled tablets of team leaders and their one-time enrolment codes

Revision ID: 0005
Revises: 0004

``devices`` holds each enrolled tablet (api/devices.py): its team, a label, who enrolled it,
when it was last seen and revoked, the SHA-256 of its session secret (the cookie's value is
never stored) and the CSRF token its pages send. ``device_enrolments`` holds the one-time codes
a planner makes on the console: only their SHA-256, the team, the expiry (15 minutes) and when
and into which device they were used.
"""

from alembic import op
import sqlalchemy as sa


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=100), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_devices_team_id"), ["team_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_devices_secret_hash"), ["secret_hash"], unique=True)

    op.create_table(
        "device_enrolments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("team_id", sa.String(length=100), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("device_enrolments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_device_enrolments_code_hash"), ["code_hash"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("device_enrolments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_enrolments_code_hash"))
    op.drop_table("device_enrolments")
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_devices_secret_hash"))
        batch_op.drop_index(batch_op.f("ix_devices_team_id"))
    op.drop_table("devices")
