"""The homework safeguard: conflict-raising exercises while a couple's safety safeguard holds.

- While `clinic.measures.safety.safeguard_active(couple)` is True (or the couple is closed), giving,
  resuming or keeping running a conflict-raising exercise needs the therapist's confirmation with a
  written reason, stored on the assignment (who, when, why) and audited.
- When a screen is flagged (`safety_screen_flagged`), every active conflict-raising assignment of the
  couple pauses at once, marked in its `pauses` history as a safeguard pause, for the therapist to review.

Partners never see any of this: a safeguard pause reads exactly like any other pause by the therapist.
"""

from datetime import date

from sqlalchemy import select

from clinic.audit.services import record
from clinic.db import utcnow
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.homework.calendar import practice_today
from clinic.homework.models import SAFEGUARD_PAUSE, Assignment, Exercise
from clinic.measures import safety
from clinic.measures.signals import safety_screen_flagged

REASON_MIN = 10


class ConfirmationNeeded(DomainError):
    """One or more confirmation problems (the tick, the reason), to be shown next to their fields at once."""

    problems: list[DomainError]

    def __init__(self, problems: list[DomainError]):
        super().__init__(" ".join(p.message for p in problems), field=problems[0].field)
        self.problems = problems


def needs_risk_confirmation(couple, exercise: Exercise) -> list[str]:
    """Why a conflict-raising exercise should not run without the therapist confirming ([] when it may)."""
    return couple_reasons(couple) if exercise.raises_conflict else []


def couple_reasons(couple) -> list[str]:
    """Why conflict-raising exercises need a confirmation for this couple now ([] when they don't)."""
    reasons = []
    if couple.is_closed:
        reasons.append("this couple is closed")
    if safety.safeguard_active(couple):
        reasons.append("the couple's safety safeguard is in place")
    return reasons


def confirmation_problems(couple, exercise: Exercise, confirmed: bool, reason: str | None) -> list[DomainError]:
    """Every missing part of the confirmation (the tick and the written reason), not just the first."""
    why = needs_risk_confirmation(couple, exercise)
    if not why:
        return []
    problems = []
    if not confirmed:
        problems.append(
            DomainError(
                f"This exercise can stir up conflict and {' and '.join(why)}. Tick the "
                "confirmation if you have reviewed this and still want it to go ahead.",
                field="confirm_risk",
            )
        )
    if len((reason or "").strip()) < REASON_MIN:
        problems.append(
            DomainError(
                "Write why it can go ahead now (a sentence or two). Only clinicians see it.", field="risk_reason"
            )
        )
    return problems


def require_confirmation(assignment_or_couple, exercise: Exercise, confirmed: bool, reason: str | None) -> bool:
    """Raise ConfirmationNeeded when the confirmation is incomplete; True when one was needed (and given)."""
    couple = getattr(assignment_or_couple, "couple", None) or assignment_or_couple
    problems = confirmation_problems(couple, exercise, confirmed, reason)
    if problems:
        raise ConfirmationNeeded(problems)
    return bool(needs_risk_confirmation(couple, exercise))


def is_running(assignment: Assignment, due_on, today: date | None = None) -> bool:
    """Active and still asking for entries (no due date, or one not yet passed)."""
    today = today or practice_today()
    return assignment.status == "active" and (due_on is None or due_on >= today)


def edit_needs_confirmation(assignment: Assignment, due_on) -> bool:
    """An edit keeps a conflict-raising assignment running under the safeguard, and either brings it back
    into running (its due date had passed) or it was never confirmed: then the therapist confirms."""
    if not is_running(assignment, due_on) or not needs_risk_confirmation(assignment.couple, assignment.exercise):
        return False
    return not is_running(assignment, assignment.due_on) or assignment.risk_confirmed_at is None


def store_confirmation(assignment: Assignment, by, reason: str, step: str) -> None:
    """Keep who confirmed, when and why on the assignment; audit it (`step`: assign | resume | edit)."""
    assignment.risk_confirmed_at = utcnow()
    assignment.risk_confirmed_by_id = by.id
    assignment.risk_reason = reason.strip()
    record(f"assignment.risk_confirmed_{step}", assignment, actor=by)


def pause_for_safety(couple, screen=None, by=None, **_extra) -> list[Assignment]:
    """Receiver of `safety_screen_flagged`: pause the couple's active conflict-raising assignments now.

    Idempotent (already paused or ended ones are left alone); flushes, never commits. `screen` may be None.
    """
    conflict_ids = select(Exercise.id).where(Exercise.raises_conflict.is_(True))
    found = list(
        db.session.scalars(
            select(Assignment)
            .where(
                Assignment.couple_id == couple.id,
                Assignment.status == "active",
                Assignment.exercise_id.in_(conflict_ids),
            )
            .order_by(Assignment.id)
        )
    )
    today = practice_today().isoformat()
    for assignment in found:
        assignment.pauses = [*(list(p) for p in assignment.pauses or []), [today, None, SAFEGUARD_PAUSE]]
        assignment.status = "paused"
        record("assignment.safety_paused", assignment, actor=by)
    db.session.flush()
    return found


def connect() -> None:
    safety_screen_flagged.connect(pause_for_safety)
