"""Security review (issue 19): no unconfirmed second-factor secret on the account; sign-in addresses.

Revision ID: 0016_security
Revises: 0009_fk_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_security"
down_revision = "0009_fk_indexes"
branch_labels = None
depends_on = None


def upgrade():
    # An enrolment attempt now lives in the browser session only (a nonce, the secret derived on the
    # server); a secret left here by an unfinished enrolment is dropped with the column.
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("totp_pending_secret")


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_pending_secret", sa.String(length=64), nullable=True))
