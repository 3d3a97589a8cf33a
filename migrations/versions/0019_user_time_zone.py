"""Each user's own time zone for reading and typing times; empty means the practice's zone (#15).

Revision ID: 0019_user_time_zone
Revises: 0018_mail_first_name
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_user_time_zone"
down_revision = "0018_mail_first_name"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("time_zone", sa.String(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user") as batch:
        batch.drop_column("time_zone")
