"""Therapy sessions, their progress notes (draft → signed, then locked), addenda, private process notes
and the couple's cycle map (append-only versions).

A signed note and its addenda refuse every change at the ORM level (see `_guard_locked_records`), so no
route, form or script working through the models can alter them.
"""

import hashlib
import json
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, Session, backref, mapped_column, relationship

from clinic.couples.models import MODELS
from clinic.db import TimestampMixin, UTCDateTime, VersionedMixin, utcnow
from clinic.errors import DomainError
from clinic.extensions import Model

FORMATS = {"in_person": "In person", "video": "Video", "phone": "Phone"}
KINDS = {"conjoint": "Conjoint (both partners)", "individual": "Individual (one partner)"}
ATTENDANCE = {
    "attended": "Attended as planned",
    "partner_absent": "A partner was absent",
    "late_start": "Started late",
    "late_cancellation": "Late cancellation",
    "no_show": "No show",
}
NOT_HELD = {"late_cancellation", "no_show"}
TEMPLATES = {
    "efct": "EFT progress note",
    "cbct": "CBCT progress note",
    "integrative": "Integrative (IBCT) progress note",
}


# Clinical records keep what they point at (RESTRICT); pure children go with their parent (CASCADE).
KEEP, WITH_PARENT = "RESTRICT", "CASCADE"


def one_of(column: str, values, name: str) -> CheckConstraint:
    """CHECK that `column` holds one of `values` (the keys of a choices dict); named ck_<table>_<name>."""
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name)


def all_or_none(columns: tuple[str, ...], name: str) -> CheckConstraint:
    """CHECK that `columns` are all NULL or all set together."""
    unset = " AND ".join(f"{c} IS NULL" for c in columns)
    both = " AND ".join(f"{c} IS NOT NULL" for c in columns)
    return CheckConstraint(f"({unset}) OR ({both})", name=name)


class NoteLocked(DomainError):
    """A signed note (or an addendum) was about to change: signed records are never edited."""

    def __init__(self, message="This note is signed and locked. Corrections go in an addendum."):
        super().__init__(message)


class TherapySession(TimestampMixin, Model):
    """One meeting with the couple (or one partner of it), numbered 1, 2, 3 … per couple."""

    __tablename__ = "therapy_session"
    __table_args__ = (
        UniqueConstraint("couple_id", "number", name="uq_therapy_session_couple_number"),
        one_of("format", FORMATS, "format"),
        one_of("kind", KINDS, "kind"),
        one_of("attendance", ATTENDANCE, "attendance"),
        one_of("model", MODELS, "model"),
        CheckConstraint("kind = 'individual' OR individual_partner_id IS NULL", name="individual_partner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete=KEEP), index=True)
    number: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    minutes: Mapped[int] = mapped_column(Integer, default=50)
    format: Mapped[str] = mapped_column(String(20), default="in_person")
    kind: Mapped[str] = mapped_column(String(20), default="conjoint")
    individual_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete=KEEP), index=True)
    attendance: Mapped[str] = mapped_column(String(30), default="attended")
    model: Mapped[str] = mapped_column(String(20))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete=KEEP), index=True)
    # "Entered in error": kept and shown struck through, left out of counts, adherence and the course.
    entered_in_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error_reason: Mapped[str] = mapped_column(String(300), default="", server_default="")
    error_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete=KEEP), index=True)

    couple = relationship("Couple", lazy="joined")
    individual_partner = relationship("Partner")
    progress_note: Mapped["ProgressNote | None"] = relationship(back_populates="therapy_session", uselist=False)

    @property
    def format_label(self) -> str:
        return FORMATS.get(self.format, self.format)

    @property
    def is_entered_in_error(self) -> bool:
        return self.entered_in_error_at is not None

    @property
    def kind_label(self) -> str:
        if self.kind == "individual" and self.individual_partner is not None:
            return f"Individual with {self.individual_partner.name}"
        return KINDS.get(self.kind, self.kind)

    @property
    def attendance_label(self) -> str:
        return ATTENDANCE.get(self.attendance, self.attendance)

    @property
    def took_place(self) -> bool:
        return self.attendance not in NOT_HELD

    @property
    def template_label(self) -> str:
        return TEMPLATES.get(self.model, self.model)


class ProgressNote(VersionedMixin, TimestampMixin, Model):
    """The session's clinical record on its model's template; structured answers live in `answers`."""

    __tablename__ = "progress_note"
    __table_args__ = (
        one_of("template", TEMPLATES, "template"),
        all_or_none(("signed_at", "signed_by_id", "content_hash"), "signature"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    therapy_session_id: Mapped[int] = mapped_column(ForeignKey("therapy_session.id", ondelete=KEEP), unique=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete=KEEP), index=True)
    template: Mapped[str] = mapped_column(String(20))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    cycle_map_id: Mapped[int | None] = mapped_column(ForeignKey("cycle_map.id", ondelete=KEEP), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete=KEEP), index=True)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete=KEEP), index=True)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    content_hash: Mapped[str | None] = mapped_column(String(64))

    therapy_session: Mapped[TherapySession] = relationship(back_populates="progress_note")
    signed_by = relationship("User", foreign_keys=[signed_by_id])
    cycle_map = relationship("CycleMap")
    addenda: Mapped[list["NoteAddendum"]] = relationship(
        back_populates="note", order_by="NoteAddendum.id", lazy="selectin"
    )

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def state_label(self) -> str:
        if not self.is_signed:
            return "Draft"
        return "Signed" + (
            f" + {len(self.addenda)} addend{'um' if len(self.addenda) == 1 else 'a'}" if self.addenda else ""
        )

    def compute_hash(self) -> str:
        """SHA-256 over everything the signature vouches for, in a canonical JSON form."""
        payload = {
            "note": self.id,
            "therapy_session": self.therapy_session_id,
            "template": self.template,
            "answers": self.answers or {},
            "signed_by": self.signed_by_id,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
        }
        canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @property
    def hash_ok(self) -> bool:
        return not self.is_signed or self.content_hash == self.compute_hash()


class NoteAddendum(Model):
    """A correction or late entry added after signing. Written once, never changed."""

    __tablename__ = "note_addendum"

    id: Mapped[int] = mapped_column(primary_key=True)
    progress_note_id: Mapped[int] = mapped_column(ForeignKey("progress_note.id", ondelete=KEEP), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete=KEEP), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)

    note: Mapped[ProgressNote] = relationship(back_populates="addenda")
    author = relationship("User", lazy="joined")

    @property
    def couple_id(self) -> int:
        return self.note.couple_id


class NoteRiskReview(Model):
    """How the therapist addressed a moderate or high risk rating for one partner in one note.

    Clinician-only, never in a client view; written once (a later review adds a row).
    """

    __tablename__ = "note_risk_review"
    __table_args__ = (one_of("position", ("a", "b"), "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    progress_note_id: Mapped[int] = mapped_column(ForeignKey("progress_note.id", ondelete=KEEP), index=True)
    position: Mapped[str] = mapped_column(String(1))  # "a" or "b"
    text: Mapped[str] = mapped_column(Text)
    by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete=KEEP), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    by = relationship("User", lazy="joined")
    note = relationship("ProgressNote", backref=backref("risk_reviews", order_by="NoteRiskReview.id"))

    @property
    def couple_id(self) -> int:
        return self.note.couple_id


class ProcessNote(VersionedMixin, TimestampMixin, Model):
    """The therapist's private working note for a session: readable and writable by its author alone."""

    __tablename__ = "process_note"
    __table_args__ = (UniqueConstraint("therapy_session_id", "author_id", name="uq_process_note_session_author"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Private working notes are no part of the record: they go with their session.
    therapy_session_id: Mapped[int] = mapped_column(ForeignKey("therapy_session.id", ondelete=WITH_PARENT), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete=WITH_PARENT), index=True)
    text: Mapped[str] = mapped_column(Text, default="")

    therapy_session: Mapped[TherapySession] = relationship()

    @property
    def couple_id(self) -> int:
        return self.therapy_session.couple_id


CYCLE_STEPS = {
    "trigger": "Trigger",
    "reactive_emotion": "Reactive (surface) emotion",
    "action_tendency": "Action tendency",
    "primary_emotion": "Primary emotion underneath",
    "attachment_need": "Attachment need or fear",
}


class CycleMap(Model):
    """One version of the couple's negative cycle map. Edits add a version; old versions stay as history."""

    __tablename__ = "cycle_map"
    __table_args__ = (UniqueConstraint("couple_id", "number", name="uq_cycle_map_couple_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete=KEEP), index=True)
    number: Mapped[int] = mapped_column(Integer)
    cycle_name: Mapped[str] = mapped_column(String(120), default="")
    partner_a: Mapped[dict] = mapped_column(JSON, default=dict)  # CYCLE_STEPS key -> words
    partner_b: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete=KEEP), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by = relationship("User", lazy="joined")

    def words(self, position: str) -> dict:
        return (self.partner_a if position == "a" else self.partner_b) or {}


def _was_signed(note: ProgressNote) -> bool:
    history = inspect(note).attrs.signed_at.history
    before = history.deleted[0] if history.deleted else (history.unchanged[0] if history.unchanged else None)
    return before is not None


@event.listens_for(Session, "before_flush")
def _guard_locked_records(session, flush_context, instances):
    """Refuse any flush that would change or delete a signed note, an addendum or an old cycle map."""
    for obj in session.dirty:
        changed = session.is_modified(obj, include_collections=False)
        if isinstance(obj, ProgressNote) and changed and _was_signed(obj):
            if obj.id not in session.info.get("notes_reopening_for_revision", ()):
                raise NoteLocked()
        if isinstance(obj, NoteAddendum | CycleMap) and changed:
            raise NoteLocked("Addenda and cycle map versions are kept as written; add a new one instead.")
    for obj in session.deleted:
        if isinstance(obj, ProgressNote) and _was_signed(obj) or isinstance(obj, NoteAddendum | CycleMap):
            raise NoteLocked("Signed notes, addenda and cycle map history are never deleted.")


@event.listens_for(Session, "do_orm_execute")
def _guard_bulk_changes(state):
    """Bulk UPDATE/DELETE through the ORM would skip the flush guard: refuse it for locked tables."""
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is not None and mapper.class_ in (ProgressNote, NoteAddendum, CycleMap):
        raise NoteLocked("Notes change only through their services, one at a time.")
