"""note_risk_review: how a moderate or high risk rating in a note was addressed

Revision ID: 0006_note_risk_review
Revises: 0005_homework_safeguard
Create Date: 2026-12-01 22:25:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0006_note_risk_review"
down_revision = "0005_homework_safeguard"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "note_risk_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("progress_note_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.String(length=1), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["by_id"], ["user.id"], name=op.f("fk_note_risk_review_by_id_user")),
        sa.ForeignKeyConstraint(
            ["progress_note_id"], ["progress_note.id"], name=op.f("fk_note_risk_review_progress_note_id_progress_note")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_risk_review")),
    )
    with op.batch_alter_table("note_risk_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_note_risk_review_progress_note_id"), ["progress_note_id"], unique=False)


def downgrade():
    with op.batch_alter_table("note_risk_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_risk_review_progress_note_id"))
    op.drop_table("note_risk_review")
