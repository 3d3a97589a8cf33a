"""Models of the homework domain: exercises, assignments, entries and their edit history."""

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

import clinic.sessions.models  # noqa: F401  (Assignment.therapy_session_id refers to its table)
from clinic.db import TimestampMixin, UTCDateTime, VersionedMixin, utcnow
from clinic.extensions import Model

MODEL_TAGS = {"EFT": "EFT", "CBCT": "CBCT", "IBCT": "IBCT", "general": "General"}
STRATEGIES = {
    "empathy": "Empathy and understanding",
    "open_communication": "Open, honest communication",
    "boundaries": "Boundaries",
    "professional_help": "Professional help",
    "self_care": "Self-care",
    "mindfulness": "Mindfulness",
    "self_reflection": "Self-reflection",
    "forgiveness": "Forgiveness",
    "gratitude": "Gratitude and appreciation",
    "reassurance": "Reassurance without enabling",
}
WHO = {"together": "The couple together", "each": "Each partner", "one": "One partner"}
COMPLETION_TYPES = {
    "checklist": "Checklist",
    "log": "Structured log",
    "reflection": "Reflection",
    "rating": "Rating (1–5)",
}
ASSIGNMENT_STATUSES = {"active": "Active", "paused": "Paused", "ended": "Ended"}
SAFEGUARD_PAUSE = "safeguard"
FREQUENCY_KINDS = {"once": "Once", "daily": "Daily", "weekly": "Times a week"}


def frequency_label(kind: str, times_per_week: int | None) -> str:
    if kind == "weekly":
        n = times_per_week or 1
        return "Once a week" if n == 1 else f"{n} times a week"
    return FREQUENCY_KINDS.get(kind, kind)


class Exercise(VersionedMixin, TimestampMixin, Model):
    """An item of the homework library. `owner_id` None means built-in (synced from content files).

    `fields` is a list of {"key", "label", "required"}: checklist items, log fields or reflection
    questions; for a rating exercise its single entry labels the 1–5 scale.
    """

    __tablename__ = "exercise"
    __table_args__ = (
        UniqueConstraint("owner_id", "slug", name="uq_exercise_owner_slug"),
        CheckConstraint("who in ('together', 'each', 'one')", name="who_valid"),
        CheckConstraint("completion in ('checklist', 'log', 'reflection', 'rating')", name="completion_valid"),
        CheckConstraint("frequency_kind in ('once', 'daily', 'weekly')", name="frequency_valid"),
        CheckConstraint("times_per_week is null or times_per_week between 1 and 7", name="times_per_week_range"),
        CheckConstraint("minutes >= 0", name="minutes_not_negative"),
        CheckConstraint("NOT is_private_to_partner OR who = 'one'", name="private_is_one_partner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("exercise.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    steps: Mapped[list] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    model_tags: Mapped[list] = mapped_column(JSON, default=list)
    strategies: Mapped[list] = mapped_column(JSON, default=list)
    who: Mapped[str] = mapped_column(String(10))
    minutes: Mapped[int] = mapped_column(Integer, default=15)
    frequency_kind: Mapped[str] = mapped_column(String(10), default="once")
    times_per_week: Mapped[int | None] = mapped_column(Integer)
    completion: Mapped[str] = mapped_column(String(12))
    fields: Mapped[list] = mapped_column(JSON, default=list)
    raises_conflict: Mapped[bool] = mapped_column(Boolean, default=False)
    # Where the exercise comes from (authors, book or article), shown on its page and worksheet.
    source: Mapped[str] = mapped_column(Text, default="", server_default="")
    # For one partner alone and private to them and the therapist: the other partner never sees that it
    # exists, an entry can never be shared, and it is never printed for the couple (e.g. a safety plan).
    is_private_to_partner: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    is_retired: Mapped[bool] = mapped_column(Boolean, default=False)
    content_hash: Mapped[str] = mapped_column(String(64), default="")

    @property
    def is_builtin(self) -> bool:
        return self.owner_id is None

    @property
    def frequency_label(self) -> str:
        return frequency_label(self.frequency_kind, self.times_per_week)

    @property
    def who_label(self) -> str:
        return WHO.get(self.who, self.who)

    @property
    def completion_label(self) -> str:
        return COMPLETION_TYPES.get(self.completion, self.completion)

    @property
    def strategy_labels(self) -> list[str]:
        return [STRATEGIES.get(s, s) for s in self.strategies or []]

    @property
    def model_labels(self) -> list[str]:
        return [MODEL_TAGS.get(m, m) for m in self.model_tags or []]


class Assignment(VersionedMixin, TimestampMixin, Model):
    """An exercise given to a couple: together, each partner separately, or one partner.

    `pauses` is a list of [start_iso, end_iso_or_None] date pairs; paused days expect nothing. A pause the
    safety safeguard made carries a third item, `SAFEGUARD_PAUSE`; partners are never shown the difference.

    `risk_confirmed_at/_by_id` and `risk_reason`: the therapist's latest confirmation, with a written reason,
    that a conflict-raising exercise may run although the couple's safeguard holds (clinician-only).
    """

    __tablename__ = "assignment"
    __table_args__ = (
        CheckConstraint("who in ('together', 'each', 'one')", name="who_valid"),
        CheckConstraint("status in ('active', 'paused', 'ended')", name="status_valid"),
        CheckConstraint("frequency_kind in ('once', 'daily', 'weekly')", name="frequency_valid"),
        CheckConstraint("times_per_week is null or times_per_week between 1 and 7", name="times_per_week_range"),
        CheckConstraint("(who = 'one') = (partner_id is not null)", name="partner_matches_who"),
        CheckConstraint("due_on is null or due_on >= starts_on", name="due_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete="RESTRICT"), index=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercise.id", ondelete="RESTRICT"), index=True)
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    therapy_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("therapy_session.id", ondelete="RESTRICT"), index=True
    )
    who: Mapped[str] = mapped_column(String(10))
    partner_id: Mapped[int | None] = mapped_column(  # set exactly when who == "one"
        ForeignKey("partner.id", ondelete="RESTRICT"), index=True
    )
    starts_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    frequency_kind: Mapped[str] = mapped_column(String(10))
    times_per_week: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="active", index=True)
    pauses: Mapped[list] = mapped_column(JSON, default=list)
    ended_on: Mapped[date | None] = mapped_column(Date)
    risk_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    risk_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    risk_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    exercise: Mapped[Exercise] = relationship(lazy="joined")
    couple = relationship("Couple")
    partner = relationship("Partner")
    risk_confirmed_by = relationship("User", foreign_keys=[risk_confirmed_by_id])

    @property
    def paused_on(self) -> date | None:
        """The day the current pause started (None when not paused)."""
        last = (self.pauses or [None])[-1]
        return date.fromisoformat(last[0]) if self.status == "paused" and last and last[1] is None else None

    @property
    def is_safety_paused(self) -> bool:
        """Paused by the safeguard and not yet reviewed (resumed or ended) by the therapist."""
        last = (self.pauses or [None])[-1]
        return (
            self.status == "paused"
            and last is not None
            and last[1] is None
            and len(last) > 2
            and last[2] == SAFEGUARD_PAUSE
        )

    @property
    def frequency_label(self) -> str:
        return frequency_label(self.frequency_kind, self.times_per_week)

    @property
    def status_label(self) -> str:
        return ASSIGNMENT_STATUSES.get(self.status, self.status)

    def who_label(self) -> str:
        if self.who == "one" and self.partner is not None:
            return f"{self.partner.name} only"
        return {"together": "Both, together", "each": "Each partner separately"}.get(self.who, self.who)

    def is_for(self, partner) -> bool:
        return self.who != "one" or self.partner_id == partner.id


class Entry(VersionedMixin, TimestampMixin, Model):
    """A partner's completion record. Private (author + therapist) unless `is_shared`."""

    __tablename__ = "homework_entry"
    __table_args__ = (
        CheckConstraint("rating is null or rating between 1 and 5", name="rating_range"),
        # A couple's entries of a date window (caseload tally, Today, reminders) are one range scan (#13).
        Index("ix_homework_entry_couple_id_done_on", "couple_id", "done_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="RESTRICT"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"), index=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete="RESTRICT"))
    done_on: Mapped[date] = mapped_column(Date, index=True)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    rating: Mapped[int | None] = mapped_column(Integer)
    free_text: Mapped[str] = mapped_column(Text, default="")
    is_shared: Mapped[bool] = mapped_column(Boolean, default=False)

    assignment: Mapped[Assignment] = relationship(lazy="joined")
    partner = relationship("Partner", lazy="joined")
    revisions: Mapped[list["EntryRevision"]] = relationship(
        back_populates="entry", order_by="EntryRevision.id", lazy="selectin"
    )


class EntryRevision(Model):
    """The state of an entry before one edit: edits never erase what was written before."""

    __tablename__ = "homework_entry_revision"
    __table_args__ = (CheckConstraint("rating is null or rating between 1 and 5", name="rating_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("homework_entry.id", ondelete="CASCADE"), index=True)
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    done_on: Mapped[date] = mapped_column(Date)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    rating: Mapped[int | None] = mapped_column(Integer)
    free_text: Mapped[str] = mapped_column(Text, default="")
    is_shared: Mapped[bool] = mapped_column(Boolean, default=False)

    entry: Mapped[Entry] = relationship(back_populates="revisions")
