"""safety tiers: decision history, follow-up checklist, in-office answers, re-screen settings

Revision ID: 0003_safety_tiers
Revises: 0002_features
Create Date: 2026-12-01 22:00:00

Hand-written; batch operations so it runs on SQLite and PostgreSQL. The single decision recorded on a
safety screen (safety_screen.decision*) is copied into the new history table; the old columns stay,
read-only, so nothing is lost and a downgrade keeps them.
"""

from alembic import op
import sqlalchemy as sa


revision = "0003_safety_tiers"
down_revision = "0002_features"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("practice_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rescreen_days", sa.Integer(), server_default="90", nullable=False))
        batch_op.add_column(sa.Column("screen_before_conjoint", sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table("safety_screen", schema=None) as batch_op:
        batch_op.add_column(sa.Column("method", sa.String(length=10), server_default="portal", nullable=False))
        batch_op.add_column(sa.Column("answered_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_safety_screen_answered_by_id_user"), "user", ["answered_by_id"], ["id"]
        )
        batch_op.create_check_constraint(batch_op.f("ck_safety_screen_method_known"), "method in ('portal', 'office')")

    op.create_table(
        "safety_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("couple_id", sa.Integer(), nullable=False),
        sa.Column("screen_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=40), nullable=False),
        sa.Column("tier", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=False),
        sa.Column("is_attested", sa.Boolean(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "decision in ('individual_sessions', 'referral', 'conjoint_with_safety_plan', 'conjoint_appropriate')",
            name=op.f("ck_safety_decision_decision_known"),
        ),
        sa.ForeignKeyConstraint(["couple_id"], ["couple.id"], name=op.f("fk_safety_decision_couple_id_couple")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user.id"], name=op.f("fk_safety_decision_decided_by_id_user")),
        sa.ForeignKeyConstraint(
            ["screen_id"], ["safety_screen.id"], name=op.f("fk_safety_decision_screen_id_safety_screen")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_decision")),
    )
    with op.batch_alter_table("safety_decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_safety_decision_couple_id"), ["couple_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_safety_decision_screen_id"), ["screen_id"], unique=False)

    op.create_table(
        "safety_follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("couple_id", sa.Integer(), nullable=False),
        sa.Column("screen_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["couple_id"], ["couple.id"], name=op.f("fk_safety_follow_up_couple_id_couple")),
        sa.ForeignKeyConstraint(
            ["screen_id"], ["safety_screen.id"], name=op.f("fk_safety_follow_up_screen_id_safety_screen")
        ),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user.id"], name=op.f("fk_safety_follow_up_updated_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_follow_up")),
        sa.UniqueConstraint("screen_id", name="uq_safety_follow_up_screen_id"),
    )
    with op.batch_alter_table("safety_follow_up", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_safety_follow_up_couple_id"), ["couple_id"], unique=False)

    # Each earlier single decision becomes the first entry of its screen's history (tier: positive, the
    # only kind of screen that could hold one). Not attested then: the history shows that honestly.
    op.execute(
        "INSERT INTO safety_decision (couple_id, screen_id, decision, tier, note, override_reason, is_attested, "
        "decided_by_id, decided_at) "
        "SELECT couple_id, id, decision, 'positive', coalesce(decision_note, ''), '', false, "
        "coalesce(decided_by_id, sent_by_id), coalesce(decided_at, answered_at, sent_at) "
        "FROM safety_screen WHERE decision IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table("safety_follow_up", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_safety_follow_up_couple_id"))
    op.drop_table("safety_follow_up")
    with op.batch_alter_table("safety_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_safety_decision_screen_id"))
        batch_op.drop_index(batch_op.f("ix_safety_decision_couple_id"))
    op.drop_table("safety_decision")
    with op.batch_alter_table("safety_screen", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_safety_screen_method_known"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_safety_screen_answered_by_id_user"), type_="foreignkey")
        batch_op.drop_column("answered_by_id")
        batch_op.drop_column("method")
    with op.batch_alter_table("practice_settings", schema=None) as batch_op:
        batch_op.drop_column("screen_before_conjoint")
        batch_op.drop_column("rescreen_days")
