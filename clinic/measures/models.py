"""Models of the measures domain: requests, raw answers, and the private safety screen.

Scores are never stored: they are recomputed from the raw answers with the scoring version recorded
on each response (see library.score).
"""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.db import UTCDateTime, utcnow
from clinic.extensions import db

SCHEDULES = {"once": "Once", "before_session": "Before every session", "every_n_days": "Every N days"}
METHODS = {"portal": "Portal", "paper": "Paper form"}


class MeasureRequest(db.Model):
    """A therapist's request that one partner answer a measure: once, before every session, or every N days."""

    __tablename__ = "measure_request"
    __table_args__ = (
        CheckConstraint("schedule in ('once', 'before_session', 'every_n_days')", name="schedule_known"),
        CheckConstraint("schedule != 'every_n_days' or interval_days >= 1", name="interval_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    measure_key: Mapped[str] = mapped_column(String(20))
    schedule: Mapped[str] = mapped_column(String(20))
    interval_days: Mapped[int | None] = mapped_column(Integer)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stopped_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

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


class MeasureResponse(db.Model):
    """One completed questionnaire: the raw answers, who answered, when, how, and the scoring version.

    Never edited. `sequence` numbers the answers to one request, so a second submit of the same
    occurrence can't create a second result (unique per request).
    """

    __tablename__ = "measure_response"
    __table_args__ = (
        UniqueConstraint("request_id", "sequence", name="uq_measure_response_request_sequence"),
        CheckConstraint("method in ('portal', 'paper')", name="method_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("measure_request.id"), index=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    measure_key: Mapped[str] = mapped_column(String(20), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict] = mapped_column(JSON)  # {"1": 4, "2": 3, ...}
    scoring_version: Mapped[str] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(String(10))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))

    request: Mapped[MeasureRequest] = relationship(back_populates="responses")
    partner = relationship("Partner", lazy="joined")

    @property
    def scores(self) -> dict[str, float]:
        from clinic.measures.library import normalise_answers, score

        return score(self.measure_key, self.scoring_version, normalise_answers(self.answers))

    @property
    def method_label(self) -> str:
        return METHODS.get(self.method, self.method)


DECISIONS = {
    "individual_sessions": "Individual sessions instead of conjoint work for now",
    "referral": "Referral to specialised services",
    "conjoint_with_safety_plan": "Conjoint work with a safety plan",
}


class SafetyScreen(db.Model):
    """A private screen for intimate partner violence sent to ONE partner. Clinician-only results.

    The other partner never learns it exists. A positive screen keeps a clinician alert open until
    the therapist records a decision.
    """

    __tablename__ = "safety_screen"
    __table_args__ = (
        CheckConstraint(
            "decision is null or decision in ('individual_sessions', 'referral', 'conjoint_with_safety_plan')",
            name="decision_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answers: Mapped[dict | None] = mapped_column(JSON)
    scoring_version: Mapped[str | None] = mapped_column(String(20))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision: Mapped[str | None] = mapped_column(String(40))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    partner = relationship("Partner", lazy="joined")

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def is_positive(self) -> bool:
        from clinic.measures.screen import is_positive

        return self.is_answered and is_positive(self.scoring_version, self.answers)

    @property
    def needs_decision(self) -> bool:
        return self.is_positive and self.decision is None

    @property
    def decision_label(self) -> str:
        return DECISIONS.get(self.decision or "", "")
