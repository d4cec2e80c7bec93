"""hardening: token expiry and revocation, idempotency keys per team, audit, solver heartbeats

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: names SQLite's reflection gives the unnamed constraints of 0001, so batch mode can drop them
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _old_key_constraint() -> str:
    """0001's unique constraint on visits.idempotency_key: PostgreSQL named it itself."""
    return (
        "visits_idempotency_key_key"
        if op.get_bind().dialect.name == "postgresql"
        else "uq_visits_idempotency_key"
    )


def upgrade() -> None:
    with op.batch_alter_table("tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("visits", schema=None, naming_convention=NAMING) as batch_op:
        batch_op.drop_constraint(_old_key_constraint(), type_="unique")
        batch_op.create_unique_constraint("uq_visits_team_key", ["team_id", "idempotency_key"])

    with op.batch_alter_table("residents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))

    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("resident_id", sa.String(length=100), nullable=True),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_resident_id"), ["resident_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_resident_id"))
        batch_op.drop_index(batch_op.f("ix_audit_at"))
    op.drop_table("audit")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_column("attempts")
        batch_op.drop_column("heartbeat_at")
    with op.batch_alter_table("residents", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_constraint("uq_visits_team_key", type_="unique")
        batch_op.create_unique_constraint("uq_visits_idempotency_key", ["idempotency_key"])
    with op.batch_alter_table("tokens", schema=None) as batch_op:
        batch_op.drop_column("revoked_at")
        batch_op.drop_column("expires_at")
