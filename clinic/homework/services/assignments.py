"""Assignments: giving an exercise to a couple, changing it, pausing, resuming and ending it.
They flush; views commit."""

from sqlalchemy import select

from clinic.audit.services import record
from clinic.couples.services import touch
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.homework.calendar import practice_today
from clinic.homework.models import Assignment, Entry, Exercise
from clinic.homework.safeguard import (
    ConfirmationNeeded,
    edit_needs_confirmation,
    require_confirmation,
    store_confirmation,
)
from clinic.homework.services.loaders import sessions_for_choice

ASSIGNMENT_FIELDS = ("starts_on", "due_on", "frequency_kind", "times_per_week", "note", "therapy_session_id")


def _check_assignment(couple, data: dict) -> None:
    if data.get("due_on") and data["due_on"] < data["starts_on"]:
        raise DomainError("The due date can't be before the start date.", field="due_on")
    if data["frequency_kind"] == "weekly" and not 1 <= (data.get("times_per_week") or 0) <= 7:
        raise DomainError("Choose between 1 and 7 times a week.", field="times_per_week")
    if data["frequency_kind"] != "weekly":
        data["times_per_week"] = None
    session_id = data.get("therapy_session_id")
    if session_id and int(session_id) not in {int(k) for k in sessions_for_choice(couple)}:
        raise DomainError("Choose one of this couple's sessions.", field="therapy_session_id")


def _gather(*checks) -> None:
    """Run every check and raise all their DomainErrors together, so a form shows each message at once."""
    problems: list[DomainError] = []
    confirming = False
    for check in checks:
        try:
            check()
        except ConfirmationNeeded as error:
            problems.extend(error.problems)
            confirming = True
        except DomainError as error:
            problems.append(error)
    if problems:
        raise ConfirmationNeeded(problems) if confirming or len(problems) > 1 else problems[0]


def create_assignment(
    couple, therapist, exercise: Exercise, data: dict, confirmed: bool = False, reason: str = ""
) -> Assignment:
    """Give `exercise` to the couple. Raises DomainError for bad dates or a partner not in the couple, and
    (all problems at once) for a conflict-raising exercise under the safeguard or for a closed couple
    without the confirmation and a written reason."""
    if exercise.is_retired or (exercise.owner_id is not None and exercise.owner_id != therapist.id):
        raise DomainError("Choose an exercise from your library.", field="exercise_id")
    partner_id = data.get("partner_id") if data["who"] == "one" else None

    def check_partner():
        if exercise.is_private_to_partner and data["who"] != "one":
            raise DomainError("This exercise is private to one partner: give it to one partner only.", field="who")
        if data["who"] == "one" and partner_id not in {p.id for p in couple.partners}:
            raise DomainError("Choose which partner this is for.", field="partner_id")

    needed = []
    _gather(
        lambda: needed.append(require_confirmation(couple, exercise, confirmed, reason)),
        check_partner,
        lambda: _check_assignment(couple, data),
    )
    assignment = Assignment(
        couple_id=couple.id,
        exercise_id=exercise.id,
        assigned_by_id=therapist.id,
        who=data["who"],
        partner_id=partner_id,
        pauses=[],
        risk_reason="",
        **{k: data.get(k) for k in ASSIGNMENT_FIELDS},
    )
    assignment.note = assignment.note or ""
    db.session.add(assignment)
    db.session.flush()
    touch(couple)
    record("assignment.created", assignment)
    if needed[0]:
        store_confirmation(assignment, therapist, reason, "assign")
    return assignment


def update_assignment(
    assignment: Assignment, seen_version: int | None, data: dict, by=None, confirmed: bool = False, reason: str = ""
) -> None:
    first = db.session.scalar(
        select(Entry.done_on).where(Entry.assignment_id == assignment.id).order_by(Entry.done_on).limit(1)
    )

    def check_start():
        if first is not None and data["starts_on"] > first:
            raise DomainError(
                f"An entry is already dated {first:%-d %b %Y}; the start can't be later than that.", field="starts_on"
            )

    needed = edit_needs_confirmation(assignment, data.get("due_on"))
    confirm = (
        (lambda: require_confirmation(assignment.couple, assignment.exercise, confirmed, reason))
        if needed
        else (lambda: None)
    )
    _gather(check_start, lambda: _check_assignment(assignment.couple, data), confirm)
    assignment.claim_version(seen_version)
    for key in ASSIGNMENT_FIELDS:
        setattr(assignment, key, data.get(key) if key != "note" else (data.get(key) or ""))
    record("assignment.updated", assignment)
    if needed:
        store_confirmation(assignment, by, reason, "edit")


def change_assignment_status(
    assignment: Assignment, action: str, by=None, confirmed: bool = False, reason: str = ""
) -> None:
    """pause | resume | end. Ending is final; an ended assignment takes no more entries. Resuming a
    conflict-raising exercise under the safeguard (or for a closed couple) raises ConfirmationNeeded
    unless it is confirmed with a written reason."""
    today = practice_today().isoformat()
    pauses = [list(p) for p in assignment.pauses or []]
    if assignment.status == "ended":
        raise DomainError("This assignment has ended; assign the exercise again to restart it.")
    if action == "pause" and assignment.status == "active":
        pauses.append([today, None])
        assignment.status = "paused"
    elif action == "resume" and assignment.status == "paused":
        if require_confirmation(assignment.couple, assignment.exercise, confirmed, reason):
            store_confirmation(assignment, by, reason, "resume")
        pauses[-1][1] = today
        assignment.status = "active"
    elif action == "end":
        if pauses and pauses[-1][1] is None:
            pauses[-1][1] = today
        assignment.status, assignment.ended_on = "ended", practice_today()
    else:
        raise DomainError("That change doesn't apply to this assignment now.")
    assignment.pauses = pauses
    record(f"assignment.{action}", assignment)


def safety_review(rows) -> list[Assignment]:
    """The assignments (from already loaded adherence rows) the safeguard paused and nobody reviewed yet."""
    return [row.assignment for row in rows if row.assignment.is_safety_paused]
