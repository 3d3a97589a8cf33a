"""sign out one device: the user's ended session ids (#18)

Revision ID: 0015_ui
Revises: 0009_fk_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_ui"
down_revision = "0010_mail"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ended_sessions", sa.JSON(), server_default="[]", nullable=False))


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("ended_sessions")
