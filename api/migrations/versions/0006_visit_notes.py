"""visit notes: the team leader's optional note on an outcome

Revision ID: 0006
Revises: 0005

``visits.note``: free text typed on the tablet with an outcome (at most 500 characters, no
control characters), shown to the planner on the console's board; never logged, never in a URL.
"""

from alembic import op
import sqlalchemy as sa


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_column("note")
