"""Treatment plans: versions of a plan per couple (the latest is current), each signed by the therapist and
then locked; goals → measurable objectives → planned interventions; each partner's acknowledgement; and the
goals a progress note addressed."""

import hashlib
import json
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.db import UTCDateTime, VersionedMixin, utcnow
from clinic.errors import DomainError
from clinic.extensions import Model
from clinic.plans.catalogue import ALL_INTERVENTIONS, MEASURES
from clinic.plans.diagnoses import label as diagnosis_label

LOCKED = "This plan version is signed and can't change. Start a new version to revise it."


class TreatmentPlan(VersionedMixin, Model):
    """One version of a couple's plan. A signed version is locked (guarded in the services)."""

    __tablename__ = "treatment_plan"
    __table_args__ = (
        UniqueConstraint("couple_id", "number", name="uq_treatment_plan_couple_number"),
        CheckConstraint("review_every_sessions between 1 and 52", name="review_every_sensible"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete="RESTRICT"), index=True)
    number: Mapped[int] = mapped_column(Integer, default=1)
    presenting_problems: Mapped[str] = mapped_column(Text, default="")
    formulation: Mapped[str] = mapped_column(Text, default="")  # clinician-only: never in the portal
    diagnosis_code: Mapped[str | None] = mapped_column(String(10))
    review_every_sessions: Mapped[int] = mapped_column(Integer, default=6)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    content_hash: Mapped[str | None] = mapped_column(String(64))

    goals: Mapped[list["PlanGoal"]] = relationship(
        back_populates="plan", order_by="PlanGoal.position", lazy="selectin", cascade="all, delete-orphan"
    )
    signed_by = relationship("User", foreign_keys=[signed_by_id])

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def diagnosis_label(self) -> str:
        return diagnosis_label(self.diagnosis_code)

    def ensure_draft(self) -> None:
        if self.is_signed:
            raise DomainError(LOCKED)

    def digest(self) -> str:
        """SHA-256 of everything the therapist signs."""
        content = {
            "problems": self.presenting_problems,
            "formulation": self.formulation,
            "diagnosis": self.diagnosis_code,
            "review": self.review_every_sessions,
            "goals": [g.as_data() for g in self.goals],
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


class PlanGoal(Model):
    __tablename__ = "plan_goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("treatment_plan.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=1)
    text: Mapped[str] = mapped_column(String(500))  # in plain words: partners read it
    target_on: Mapped[date | None] = mapped_column(Date)

    plan: Mapped[TreatmentPlan] = relationship(back_populates="goals")
    objectives: Mapped[list["PlanObjective"]] = relationship(
        back_populates="goal", order_by="PlanObjective.id", lazy="selectin", cascade="all, delete-orphan"
    )
    interventions: Mapped[list["PlanIntervention"]] = relationship(
        back_populates="goal", order_by="PlanIntervention.id", lazy="selectin", cascade="all, delete-orphan"
    )

    def as_data(self) -> dict:
        return {
            "text": self.text,
            "target_on": self.target_on,
            "objectives": [o.as_data() for o in self.objectives],
            "interventions": [(i.key, i.note) for i in self.interventions],
        }


class PlanObjective(Model):
    __tablename__ = "plan_objective"
    __table_args__ = (CheckConstraint("measure is null or measure in ('csi4')", name="measure_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("plan_goal.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(500))  # in plain words: partners read it
    measure: Mapped[str | None] = mapped_column(String(20))
    threshold: Mapped[int | None] = mapped_column(Integer)
    target_on: Mapped[date | None] = mapped_column(Date)

    goal: Mapped[PlanGoal] = relationship(back_populates="objectives")

    @property
    def measure_label(self) -> str:
        return f"{MEASURES[self.measure]} {self.threshold}" if self.measure in MEASURES else ""

    def as_data(self) -> dict:
        return {"text": self.text, "measure": self.measure, "threshold": self.threshold, "target_on": self.target_on}


class PlanIntervention(Model):
    """A planned intervention in the couple's model; clinician-facing (not shown in the portal)."""

    __tablename__ = "plan_intervention"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("plan_goal.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(60))
    note: Mapped[str] = mapped_column(String(500), default="")

    goal: Mapped[PlanGoal] = relationship(back_populates="interventions")

    @property
    def label(self) -> str:
        return ALL_INTERVENTIONS.get(self.key, self.key)


class PlanAcknowledgement(Model):
    """A partner read the shared part of a signed plan version and acknowledged it."""

    __tablename__ = "plan_acknowledgement"
    __table_args__ = (UniqueConstraint("plan_id", "partner_id", name="uq_plan_acknowledgement_plan_partner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("treatment_plan.id", ondelete="RESTRICT"), index=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete="RESTRICT"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"), index=True)
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NoteGoal(Model):
    """A goal of the plan that a therapy session's progress note addressed."""

    __tablename__ = "note_goal"
    __table_args__ = (UniqueConstraint("therapy_session_id", "goal_id", name="uq_note_goal_session_goal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    therapy_session_id: Mapped[int] = mapped_column(ForeignKey("therapy_session.id", ondelete="RESTRICT"), index=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("plan_goal.id", ondelete="RESTRICT"), index=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
