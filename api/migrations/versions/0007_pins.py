"""hand edits: the edits that made a plan version, which also keep the planner's pins

Revision ID: 0007
Revises: 0006

``plan_edits``: the hand edits that made a plan version (a draft, like a re-plan) from its
parent, the routes locked in it, and the residents the edits named (what else moved is the
difference of the two versions). The pins of the edits whose version was solved apply to every
later plan, the newest edit's pin of a resident winning (api/plan_edits.py): they persist
without a column on the residents, whose data is the imported list's.
"""

from alembic import op
import sqlalchemy as sa


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_edits",
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plans.id"), primary_key=True),
        sa.Column("parent_id", sa.Integer(), sa.ForeignKey("plans.id"), nullable=False),
        sa.Column("edits", sa.JSON(), nullable=False),
        sa.Column("locked", sa.JSON(), nullable=False),
        sa.Column("edited", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("plan_edits")
