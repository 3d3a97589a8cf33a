"""homework safeguard: who confirmed a conflict-raising assignment under the safeguard, and why

Revision ID: 0005_homework_safeguard
Revises: 0004_given_to_partner
Create Date: 2026-12-01 22:00:00

Hand-written. Batch operations so that SQLite (which cannot add a foreign key with ALTER) rebuilds the
table; PostgreSQL runs them as plain ALTER TABLE statements.
"""

from alembic import op
import sqlalchemy as sa


revision = "0005_homework_safeguard"
down_revision = "0004_given_to_partner"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("risk_confirmed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("risk_reason", sa.Text(), server_default="", nullable=False))
        batch_op.create_foreign_key(
            batch_op.f("fk_assignment_risk_confirmed_by_id_user"), "user", ["risk_confirmed_by_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_assignment_risk_confirmed_by_id_user"), type_="foreignkey")
        batch_op.drop_column("risk_reason")
        batch_op.drop_column("risk_confirmed_by_id")
