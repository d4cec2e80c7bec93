"""plan progress and per-plan settings: the best plan so far while solving, a settings file

Revision ID: 0004
Revises: 0003

While a plan is solved the solver writes, besides ``progress`` (0..1 of the time limit),
``best_planned`` (residents in the best plan found so far) and ``best_coverage`` (its
priority-weighted coverage, 0..1): the console's progress view shows them. ``settings_toml``
is the settings file a planner uploaded with the plan (validated at upload, applied by the
solver to that plan only over the server's settings). All three are empty for older plans.
"""

from alembic import op
import sqlalchemy as sa


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("best_planned", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("best_coverage", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("settings_toml", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_column("settings_toml")
        batch_op.drop_column("best_coverage")
        batch_op.drop_column("best_planned")
