"""exercise.source (a source line per exercise) and exercise.is_private_to_partner (#17)

Revision ID: 0014_clinical
Revises: 0009_fk_indexes
Create Date: 2026-12-06 00:05:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0014_clinical"
down_revision = "0013_supervision"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("exercise", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("is_private_to_partner", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_check_constraint("private_is_one_partner", "NOT is_private_to_partner OR who = 'one'")


def downgrade():
    with op.batch_alter_table("exercise", schema=None) as batch_op:
        batch_op.drop_constraint("private_is_one_partner", type_="check")
        batch_op.drop_column("is_private_to_partner")
        batch_op.drop_column("source")
