"""given_to_partner: a handout can be given to one partner only (given_handout.partner_id)

Revision ID: 0004_given_to_partner
Revises: 0003_safety_tiers
Create Date: 2026-12-01 22:10:00

Hand-written; batch operations so that SQLite (which cannot add a foreign key in place) and
PostgreSQL take the same path.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0004_given_to_partner"
down_revision = "0003_safety_tiers"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("given_handout", schema=None) as batch_op:
        batch_op.add_column(sa.Column("partner_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_given_handout_partner_id_partner"), "partner", ["partner_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_given_handout_partner_id"), ["partner_id"], unique=False)


def downgrade():
    with op.batch_alter_table("given_handout", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_given_handout_partner_id"))
        batch_op.drop_constraint(batch_op.f("fk_given_handout_partner_id_partner"), type_="foreignkey")
        batch_op.drop_column("partner_id")
