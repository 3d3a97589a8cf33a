"""Security review (issue 19): no unconfirmed second-factor secret on the account; sign-in addresses.

Revision ID: 0016_security
Revises: 0009_fk_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_security"
down_revision = "0011_appointments"
branch_labels = None
depends_on = None


def upgrade():
    # An enrolment attempt now lives in the browser session only (a nonce, the secret derived on the
    # server); a secret left here by an unfinished enrolment is dropped with the column.
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("totp_pending_secret")

    # Addresses each account fully signed in from (keyed digests): the sign-in throttle lets the owner
    # through from one of them while strangers elsewhere wait.
    op.create_table(
        "sign_in_address",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("address_digest", sa.String(length=64), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_sign_in_address_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_address")),
        sa.UniqueConstraint("user_id", "address_digest", name=op.f("uq_sign_in_address_user_id")),
    )
    with op.batch_alter_table("sign_in_address", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_address_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("sign_in_address", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_address_user_id"))
    op.drop_table("sign_in_address")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_pending_secret", sa.String(length=64), nullable=True))
