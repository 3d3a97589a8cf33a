from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.db import TimestampMixin, UTCDateTime, VersionedMixin, one_of, utcnow
from clinic.extensions import Model

MODELS = {
    "efct": "EFCT (emotionally focused)",
    "cbct": "CBCT (cognitive-behavioural)",
    "integrative": "Integrative (IBCT-informed)",
}
STATUSES = {"intake": "Intake", "active": "Active", "paused": "Paused", "closed": "Closed"}
POLICIES = {"no_secrets": "No secrets", "limited_secrets": "Limited secrets"}
# The safety exception holds under either policy: it is stated in both, in plain words.
SAFETY_EXCEPTION = (
    "Safety comes first: the therapist will not share with the other partner anything a partner "
    "discloses about violence, fear or their safety plans."
)
POLICY_TERMS = {
    "no_secrets": "What one partner tells the therapist alone may be brought into the joint sessions: the "
    "therapist keeps no secrets for one partner from the other. "
    + SAFETY_EXCEPTION
    + " Safety comes before the no-secrets rule.",
    "limited_secrets": "A partner may ask the therapist to keep something said alone private; the therapist "
    "keeps it unless keeping it would harm the therapy, and then helps that partner share it "
    "themselves. " + SAFETY_EXCEPTION + " That is never treated as a secret to be shared.",
}
ATTACHMENT_STYLES = {
    "not_assessed": "Not yet assessed",
    "secure": "Secure",
    "anxious": "Anxious",
    "avoidant": "Avoidant",
    "fearful_avoidant": "Fearful-avoidant",
}
CYCLE_POSITIONS = {"unclear": "Unclear", "pursuer": "Pursuer", "withdrawer": "Withdrawer"}
GOAL_STATUSES = {"open": "Not started", "progressing": "In progress", "met": "Met", "dropped": "Set aside"}


class Couple(VersionedMixin, TimestampMixin, Model):
    """The treatment unit: one treating therapist, exactly two partners. Never hard-deleted."""

    __tablename__ = "couple"
    __table_args__ = (
        CheckConstraint(one_of("model", MODELS), name="model_known"),
        CheckConstraint(one_of("status", STATUSES), name="status_known"),
        CheckConstraint(one_of("confidentiality_policy", POLICIES), name="confidentiality_policy_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    display_name: Mapped[str] = mapped_column(String(120))
    model: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="intake", index=True)
    started_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    presenting_concerns: Mapped[str] = mapped_column(Text, default="")
    confidentiality_policy: Mapped[str] = mapped_column(String(20))
    policy_agreed_on: Mapped[date | None] = mapped_column(Date)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    therapist = relationship("User", lazy="joined")
    partners: Mapped[list["Partner"]] = relationship(
        back_populates="couple", order_by="Partner.position", lazy="selectin"
    )
    # Goals show only on the couple overview, which loads them itself (`services.OVERVIEW`).
    goals: Mapped[list["TreatmentGoal"]] = relationship(back_populates="couple", order_by="TreatmentGoal.id")

    @property
    def model_label(self) -> str:
        return MODELS.get(self.model, self.model)

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    @property
    def policy_label(self) -> str:
        return POLICIES.get(self.confidentiality_policy, self.confidentiality_policy)

    @property
    def policy_terms(self) -> str:
        return POLICY_TERMS.get(self.confidentiality_policy, "")

    @property
    def is_closed(self) -> bool:
        return self.status == "closed"

    def partner(self, position: str) -> "Partner":
        return next(p for p in self.partners if p.position == position)

    def other_partner(self, partner: "Partner") -> "Partner":
        return next(p for p in self.partners if p.id != partner.id)


class Partner(VersionedMixin, Model):
    """One of the two people in a couple; `user_id` is set once their invitation is accepted."""

    __tablename__ = "partner"
    __table_args__ = (
        UniqueConstraint("couple_id", "position", name="uq_partner_couple_position"),
        CheckConstraint("position in ('a', 'b')", name="position_a_or_b"),
        CheckConstraint(one_of("attachment_style", ATTACHMENT_STYLES), name="attachment_style_known"),
        CheckConstraint(one_of("cycle_position", CYCLE_POSITIONS), name="cycle_position_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete="RESTRICT"), index=True)
    position: Mapped[str] = mapped_column(String(1))
    name: Mapped[str] = mapped_column(String(120))
    pronouns: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), unique=True)
    attachment_style: Mapped[str] = mapped_column(String(20), default="not_assessed")
    cycle_position: Mapped[str] = mapped_column(String(20), default="unclear")

    couple: Mapped[Couple] = relationship(back_populates="partners")
    user = relationship("User")

    @property
    def attachment_label(self) -> str:
        return ATTACHMENT_STYLES.get(self.attachment_style, self.attachment_style)

    @property
    def cycle_position_label(self) -> str:
        return CYCLE_POSITIONS.get(self.cycle_position, self.cycle_position)


class TreatmentGoal(Model):
    __tablename__ = "treatment_goal"
    __table_args__ = (CheckConstraint(one_of("status", GOAL_STATUSES), name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete="RESTRICT"), index=True)
    text: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    couple: Mapped[Couple] = relationship(back_populates="goals")

    @property
    def status_label(self) -> str:
        return GOAL_STATUSES.get(self.status, self.status)


class Invitation(Model):
    """A one-time link for a partner to create their account. Only the token's SHA-256 is stored."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # first time the link's page was shown

    partner: Mapped[Partner] = relationship(lazy="joined")

    @property
    def couple_id(self) -> int:
        return self.partner.couple_id

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and not self.is_revoked and self.expires_at > now
