"""Models of the measures domain: requests, raw answers, and the private safety screen.

Scores are never stored: they are recomputed from the raw answers with the scoring version recorded
on each response (see library.score).
"""

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.db import UTCDateTime, VersionedMixin, utcnow
from clinic.extensions import Model
from clinic.measures.library import normalise_answers, score
from clinic.measures.screen import classify

SCHEDULES = {"once": "Once", "before_session": "Before every session", "every_n_days": "Every N days"}
METHODS = {"portal": "Portal", "paper": "Paper form"}


class MeasureRequest(Model):
    """A therapist's request that one partner answer a measure: once, before every session, or every N days."""

    __tablename__ = "measure_request"
    __table_args__ = (
        CheckConstraint("schedule in ('once', 'before_session', 'every_n_days')", name="schedule_known"),
        CheckConstraint("schedule != 'every_n_days' or interval_days >= 1", name="interval_given"),
        # interval_given lets a NULL interval through (NULL >= 1 is unknown): every_n_days needs a number.
        CheckConstraint("schedule != 'every_n_days' or interval_days is not null", name="interval_required"),
        CheckConstraint("measure_key in ('csi4', 'ecr_rs', 'ras')", name="measure_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete="RESTRICT"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"), index=True)
    measure_key: Mapped[str] = mapped_column(String(20))
    schedule: Mapped[str] = mapped_column(String(20))
    interval_days: Mapped[int | None] = mapped_column(Integer)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stopped_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)

    partner = relationship("Partner", lazy="joined")
    responses: Mapped[list["MeasureResponse"]] = relationship(
        back_populates="request", order_by="MeasureResponse.sequence", lazy="selectin"
    )

    @property
    def is_active(self) -> bool:
        return self.stopped_at is None

    @property
    def schedule_label(self) -> str:
        if self.schedule == "every_n_days":
            return f"Every {self.interval_days} days"
        return SCHEDULES.get(self.schedule, self.schedule)


class MeasureResponse(Model):
    """One completed questionnaire: the raw answers, who answered, when, how, and the scoring version.

    Never edited. `sequence` numbers the answers to one request, so a second submit of the same
    occurrence can't create a second result (unique per request).
    """

    __tablename__ = "measure_response"
    __table_args__ = (
        UniqueConstraint("request_id", "sequence", name="uq_measure_response_request_sequence"),
        CheckConstraint("method in ('portal', 'paper')", name="method_known"),
        CheckConstraint("measure_key in ('csi4', 'ecr_rs', 'ras')", name="measure_known"),
        CheckConstraint("sequence >= 1", name="sequence_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("measure_request.id", ondelete="RESTRICT"), index=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete="RESTRICT"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"), index=True)
    measure_key: Mapped[str] = mapped_column(String(20), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict] = mapped_column(JSON)  # {"1": 4, "2": 3, ...}
    scoring_version: Mapped[str] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(String(10))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)

    request: Mapped[MeasureRequest] = relationship(back_populates="responses")
    partner = relationship("Partner", lazy="joined")

    @property
    def scores(self) -> dict[str, float]:
        return score(self.measure_key, self.scoring_version, normalise_answers(self.answers))

    @property
    def method_label(self) -> str:
        return METHODS.get(self.method, self.method)


DECISIONS = {
    "individual_sessions": "Individual sessions instead of conjoint work for now",
    "referral": "Referral to specialised services",
    "conjoint_with_safety_plan": "Conjoint work with a safety plan",
    "conjoint_appropriate": "Conjoint work is appropriate",
}
CONJOINT_DECISIONS = ("conjoint_with_safety_plan", "conjoint_appropriate")
SCREEN_METHODS = {"portal": "At home (portal)", "office": "In the office"}
INDICATOR_ANSWERS = {"yes": "Yes", "no": "No", "unknown": "Unknown"}


class SafetyScreen(Model):
    """A private screen for intimate partner violence sent to ONE partner. Clinician-only results.

    The other partner never learns it exists. A concern, positive or severe screen awaits the
    therapist's decision (a SafetyDecision row). The `decision*` columns are the pre-0003 single
    decision: read-only now; migration 0003 copied them into `safety_decision`.
    """

    __tablename__ = "safety_screen"
    __table_args__ = (
        CheckConstraint(
            "decision is null or decision in ('individual_sessions', 'referral', 'conjoint_with_safety_plan')",
            name="decision_known",
        ),
        CheckConstraint("method in ('portal', 'office')", name="method_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete="RESTRICT"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"), index=True)
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answers: Mapped[dict | None] = mapped_column(JSON)
    scoring_version: Mapped[str | None] = mapped_column(String(20))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    method: Mapped[str] = mapped_column(String(10), default="portal", server_default="portal")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    decision: Mapped[str | None] = mapped_column(String(40))  # legacy, read-only
    decision_note: Mapped[str] = mapped_column(Text, default="")  # legacy, read-only
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # legacy, read-only
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="RESTRICT"), index=True
    )  # legacy, read-only

    partner = relationship("Partner", lazy="joined", foreign_keys=[partner_id])
    decisions: Mapped[list["SafetyDecision"]] = relationship(
        back_populates="screen", order_by="SafetyDecision.id.desc()", lazy="selectin"
    )

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def result(self):
        return classify(self.scoring_version, self.answers) if self.is_answered else None

    @property
    def tier(self) -> str | None:
        return self.result.tier if self.result else None

    @property
    def is_positive(self) -> bool:
        """Positive or severe."""
        return self.tier in ("positive", "severe")

    @property
    def latest_decision(self) -> "SafetyDecision | None":
        return self.decisions[0] if self.decisions else None

    @property
    def needs_decision(self) -> bool:
        return self.tier in ("concern", "positive", "severe") and not self.decisions

    @property
    def decision_label(self) -> str:
        latest = self.latest_decision
        return latest.label if latest else ""


class SafetyDecision(Model):
    """One signed decision about how to proceed after a screen. Append-only: a revision is a new row."""

    __tablename__ = "safety_decision"
    __table_args__ = (
        CheckConstraint(
            "decision in ('individual_sessions', 'referral', 'conjoint_with_safety_plan', 'conjoint_appropriate')",
            name="decision_known",
        ),
        CheckConstraint("tier in ('none', 'concern', 'positive', 'severe')", name="tier_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete="RESTRICT"), index=True)
    screen_id: Mapped[int] = mapped_column(ForeignKey("safety_screen.id", ondelete="RESTRICT"), index=True)
    decision: Mapped[str] = mapped_column(String(40))
    tier: Mapped[str] = mapped_column(String(20))  # the tier the decision was made against
    note: Mapped[str] = mapped_column(Text, default="")
    override_reason: Mapped[str] = mapped_column(Text, default="")
    is_attested: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    screen: Mapped[SafetyScreen] = relationship(back_populates="decisions")
    decided_by = relationship("User", lazy="joined")

    @property
    def label(self) -> str:
        return DECISIONS.get(self.decision, self.decision)


class SafetyFollowUp(VersionedMixin, Model):
    """The therapist's private, in-session lethality checklist and notes after a positive or severe screen."""

    __tablename__ = "safety_follow_up"
    __table_args__ = (UniqueConstraint("screen_id", name="uq_safety_follow_up_screen_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete="RESTRICT"), index=True)
    screen_id: Mapped[int] = mapped_column(ForeignKey("safety_screen.id", ondelete="RESTRICT"))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    notes: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
