"""A couple's homework entries of a date window are one index range scan: (couple_id, done_on) replaces the
index on couple_id alone, which it covers (#13).

Revision ID: 0020_entry_couple_day_index
Revises: 0019_user_time_zone
"""

from alembic import op

revision = "0020_entry_couple_day_index"
down_revision = "0019_user_time_zone"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_homework_entry_couple_id_done_on", "homework_entry", ["couple_id", "done_on"])
    op.drop_index("ix_homework_entry_couple_id", table_name="homework_entry")


def downgrade() -> None:
    op.create_index("ix_homework_entry_couple_id", "homework_entry", ["couple_id"])
    op.drop_index("ix_homework_entry_couple_id_done_on", table_name="homework_entry")
