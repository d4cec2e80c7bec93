"""plan progress across a cluster: areas finished and areas in all

Revision ID: 0008
Revises: 0007

A plan whose horizon is split into areas solved as Dask tasks (issue 25) reports, while it is
solved, how many areas are finished and how many there are: the JSON API's plan and the
console's progress view show them beside the best coverage so far. Both are empty for a plan
solved in one piece and for older plans.
"""

from alembic import op
import sqlalchemy as sa


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("areas_done", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("areas_total", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_column("areas_total")
        batch_op.drop_column("areas_done")
