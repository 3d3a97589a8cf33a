"""A practice setting: email greets partners by first name (#14).

Revision ID: 0018_mail_first_name
Revises: 0017_releases
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_mail_first_name"
down_revision = "0017_releases"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("practice_settings") as batch:
        batch.add_column(sa.Column("mail_first_name", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("practice_settings") as batch:
        batch.drop_column("mail_first_name")
