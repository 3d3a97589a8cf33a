"""audit seal: keyed batches replace the single-head hash chain

Events get a nullable seal_id; audit_seal holds the batches; the chain head table and the per-row
hash columns go. Existing events are left unsealed: the first sealing run seals them.

Revision ID: 0007_audit_seal
Revises: 0006_note_risk_review
"""

from alembic import op
import sqlalchemy as sa

revision = "0007_audit_seal"
down_revision = "0006_note_risk_review"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_seal",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("first_event_id", sa.Integer(), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("merkle_root", sa.String(length=64), nullable=False),
        sa.Column("prev_mac", sa.String(length=64), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_seal")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seal_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_event_seal_id"), ["seal_id"], unique=False)
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("row_hash")
    op.drop_table("audit_chain_head")


def downgrade():
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=True),
        sa.Column("last_hash", sa.String(length=64), nullable=True),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("row_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.drop_index(batch_op.f("ix_audit_event_seal_id"))
        batch_op.drop_column("seal_id")
    op.drop_table("audit_seal")
