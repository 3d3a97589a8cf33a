"""releases of the record each partner authorises, and their decisions (#16)

Revision ID: 0017_releases
Revises: 0015_ui
"""

import sqlalchemy as sa
from alembic import op


revision = "0017_releases"
down_revision = "0015_ui"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "record_release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("couple_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("scope_partner_id", sa.Integer(), nullable=True),
        sa.Column("recipient_kind", sa.String(length=20), nullable=False),
        sa.Column("recipient_name", sa.String(length=120), nullable=False),
        sa.Column("recipient_organisation", sa.String(length=160), nullable=False),
        sa.Column("recipient_partner_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("include_process_notes", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("scope IN ('joint', 'individual')", name=op.f("ck_record_release_scope_known")),
        sa.CheckConstraint(
            "recipient_kind IN ('third_party', 'partner')", name=op.f("ck_record_release_recipient_kind_known")
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'authorised', 'declined', 'withdrawn', 'released')",
            name=op.f("ck_record_release_status_known"),
        ),
        sa.CheckConstraint(
            "(scope = 'individual') = (scope_partner_id IS NOT NULL)",
            name=op.f("ck_record_release_scope_partner_matches"),
        ),
        sa.CheckConstraint(
            "(recipient_kind = 'partner') = (recipient_partner_id IS NOT NULL)",
            name=op.f("ck_record_release_recipient_partner_matches"),
        ),
        sa.ForeignKeyConstraint(
            ["couple_id"], ["couple.id"], name=op.f("fk_record_release_couple_id_couple"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["user.id"], name=op.f("fk_record_release_requested_by_id_user"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["scope_partner_id"],
            ["partner.id"],
            name=op.f("fk_record_release_scope_partner_id_partner"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_partner_id"],
            ["partner.id"],
            name=op.f("fk_record_release_recipient_partner_id_partner"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["released_by_id"], ["user.id"], name=op.f("fk_record_release_released_by_id_user"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_release")),
    )
    for column in (
        "couple_id",
        "requested_by_id",
        "scope_partner_id",
        "recipient_partner_id",
        "status",
        "released_by_id",
    ):
        op.create_index(op.f(f"ix_record_release_{column}"), "record_release", [column])
    op.create_table(
        "release_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("typed_name", sa.String(length=120), nullable=False),
        sa.Column("process_notes_authorised", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("client_address", sa.String(length=64), nullable=False),
        sa.CheckConstraint("decision IN ('authorised', 'declined')", name=op.f("ck_release_decision_decision_known")),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["record_release.id"],
            name=op.f("fk_release_decision_release_id_record_release"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_release_decision_partner_id_partner"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user.id"], name=op.f("fk_release_decision_decided_by_id_user"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_release_decision")),
        sa.UniqueConstraint("release_id", "partner_id", name="uq_release_decision_release_partner"),
    )
    for column in ("release_id", "partner_id", "decided_by_id"):
        op.create_index(op.f(f"ix_release_decision_{column}"), "release_decision", [column])


def downgrade():
    op.drop_table("release_decision")
    op.drop_table("record_release")
