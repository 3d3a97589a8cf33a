"""Assignments and entries: owner-scoped loaders and the operations on them. They flush; views commit.

Privacy rule, kept in one place: a partner reads entries only through `visible_entries_query`
(their own, plus those their partner chose to share). Therapists read everything of their couples.
"""

from datetime import date, timedelta

from flask import abort
from sqlalchemy import or_, select

from clinic.audit.services import record
from clinic.couples.services import get_couple_for, partner_for_client, touch
from clinic.db import utcnow
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.homework.calendar import practice_today
from clinic.homework.models import Assignment, Entry, EntryRevision, Exercise
from clinic.homework.safeguard import (
    ConfirmationNeeded,
    edit_needs_confirmation,
    require_confirmation,
    store_confirmation,
)
from clinic.security import get_owned_or_404

EDIT_DAYS = 7
MAX_ANSWER = 4000
ASSIGNMENT_FIELDS = ("starts_on", "due_on", "frequency_kind", "times_per_week", "note", "therapy_session_id")


# ---- loaders -------------------------------------------------------------------------------------


def get_assignment_for_therapist(user, couple_id: int, assignment_id: int) -> Assignment:
    couple = get_couple_for(user, couple_id)
    return get_owned_or_404(Assignment, assignment_id, couple_id=couple.id)


def get_assignment_for_partner(user, assignment_id: int):
    """(assignment, partner) when the assignment is for this client; 404 otherwise."""
    partner = partner_for_client(user)
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.couple_id != partner.couple_id or not assignment.is_for(partner):
        abort(404)
    return assignment, partner


def get_own_entry(user, entry_id: int) -> Entry:
    return get_owned_or_404(Entry, entry_id, partner_id=partner_for_client(user).id)


def assignments_for_partner(partner) -> list[Assignment]:
    query = (
        select(Assignment)
        .where(
            Assignment.couple_id == partner.couple_id, or_(Assignment.who != "one", Assignment.partner_id == partner.id)
        )
        .order_by(Assignment.starts_on.desc(), Assignment.id.desc())
    )
    return list(db.session.scalars(query))


def visible_entries_query(partner, assignment_ids=None):
    """Entries this partner may see: their own and the ones their partner shared. Nothing else."""
    query = select(Entry).where(
        Entry.couple_id == partner.couple_id, or_(Entry.partner_id == partner.id, Entry.is_shared.is_(True))
    )
    if assignment_ids is not None:
        query = query.where(Entry.assignment_id.in_(list(assignment_ids)))
    return query.order_by(Entry.done_on.desc(), Entry.id.desc())


def couple_assignments(couple) -> list[Assignment]:
    query = select(Assignment).where(Assignment.couple_id == couple.id)
    return list(db.session.scalars(query.order_by(Assignment.status, Assignment.starts_on.desc())))


def couple_entries(couple) -> list[Entry]:
    """All entries of a couple, private ones included: for the treating therapist only."""
    query = select(Entry).where(Entry.couple_id == couple.id).order_by(Entry.done_on.desc(), Entry.id.desc())
    return list(db.session.scalars(query))


def last_session_at(couple):
    """When the couple's most recent held therapy session started, or None."""
    try:
        from clinic.sessions.models import TherapySession
    except ImportError:
        return None
    return db.session.scalar(
        select(TherapySession.starts_at)
        .where(
            TherapySession.couple_id == couple.id,
            TherapySession.starts_at <= utcnow(),
            TherapySession.attendance.not_in(("no_show", "late_cancellation")),
        )
        .order_by(TherapySession.starts_at.desc())
        .limit(1)
    )


def sessions_for_choice(couple) -> dict[str, str]:
    try:
        from clinic.sessions.models import TherapySession
    except ImportError:
        return {}
    rows = db.session.scalars(
        select(TherapySession)
        .where(TherapySession.couple_id == couple.id)
        .order_by(TherapySession.starts_at.desc())
        .limit(30)
    )
    from clinic.templating import format_date

    return {str(s.id): f"Session {s.number}, {format_date(s.starts_at)}" for s in rows}


# ---- assignments ---------------------------------------------------------------------------------


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
    problems, confirming = [], False
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


# ---- entries -------------------------------------------------------------------------------------


def clean_answers(exercise: Exercise, answers: dict, rating) -> tuple[dict, int | None]:
    """Keep only the exercise's own fields; check required ones, lengths and the rating."""
    fields = exercise.fields or []
    if exercise.completion == "rating":
        if rating in (None, ""):
            raise DomainError("Choose a rating from 1 to 5.", field="rating")
        try:
            rating = int(rating)
        except (TypeError, ValueError):
            raise DomainError("Choose a rating from 1 to 5.", field="rating") from None
        if not 1 <= rating <= 5:
            raise DomainError("Choose a rating from 1 to 5.", field="rating")
        return {}, rating
    if exercise.completion == "checklist":
        return {f["key"]: bool(answers.get(f["key"])) for f in fields}, None
    cleaned = {}
    for f in fields:
        value = answers.get(f["key"])
        value = value.strip() if isinstance(value, str) else ""
        if len(value) > MAX_ANSWER:
            raise DomainError(f"Keep this under {MAX_ANSWER} characters.", field=f["key"])
        if f.get("required") and not value:
            raise DomainError("Please fill this in.", field=f["key"])
        cleaned[f["key"]] = value
    if exercise.completion == "reflection" and not any(cleaned.values()):
        raise DomainError("Answer at least one of the questions.", field=fields[0]["key"] if fields else None)
    return cleaned, None


def check_entry_date(assignment: Assignment, done_on: date | None) -> None:
    today = practice_today()
    if done_on is None:
        raise DomainError("Enter the date you did it.", field="done_on")
    if done_on > today:
        raise DomainError(
            "That date is in the future. Log it on the day, or choose today or an earlier day.", field="done_on"
        )
    if done_on < assignment.starts_on:
        raise DomainError(
            f"This homework starts on {assignment.starts_on:%-d %b %Y}; choose that day or later.", field="done_on"
        )
    if assignment.due_on and done_on > assignment.due_on:
        raise DomainError(
            f"This homework ran until {assignment.due_on:%-d %b %Y}; choose a day up to then.", field="done_on"
        )


def add_entry(assignment: Assignment, partner, data: dict) -> Entry:
    """Log one completion. Refused for an ended or paused assignment, a bad date or bad answers."""
    if assignment.status == "ended":
        raise DomainError("This homework has ended, so it takes no new entries. Your earlier entries are kept.")
    if assignment.status == "paused":
        raise DomainError("Your therapist has paused this homework for now, so it takes no new entries.")
    if not assignment.is_for(partner):
        abort(404)
    check_entry_date(assignment, data.get("done_on"))
    answers, rating = clean_answers(assignment.exercise, data.get("answers") or {}, data.get("rating"))
    entry = Entry(
        assignment_id=assignment.id,
        partner_id=partner.id,
        couple_id=assignment.couple_id,
        done_on=data["done_on"],
        answers=answers,
        rating=rating,
        free_text=(data.get("free_text") or "").strip(),
        is_shared=_shareable(assignment, data),
    )
    db.session.add(entry)
    db.session.flush()
    record("homework_entry.created", entry)
    return entry


def _shareable(assignment: Assignment, data: dict) -> bool:
    """Sharing is with the partner; homework for one partner alone is never shown to the other."""
    return bool(data.get("is_shared")) and assignment.who != "one"


def editable_until(entry: Entry):
    return entry.created_at + timedelta(days=EDIT_DAYS)


def can_edit(entry: Entry) -> bool:
    return utcnow() < editable_until(entry)


def edit_entry(entry: Entry, user, seen_version: int | None, data: dict) -> None:
    """Change one's own entry within 7 days; the earlier state is kept as a revision."""
    if not can_edit(entry):
        raise DomainError(
            f"Entries can be changed for {EDIT_DAYS} days after you write them; this one is now kept as it is."
        )
    check_entry_date(entry.assignment, data.get("done_on"))
    answers, rating = clean_answers(entry.assignment.exercise, data.get("answers") or {}, data.get("rating"))
    entry.claim_version(seen_version)
    db.session.add(
        EntryRevision(
            entry_id=entry.id,
            edited_by_id=user.id,
            done_on=entry.done_on,
            answers=dict(entry.answers or {}),
            rating=entry.rating,
            free_text=entry.free_text,
            is_shared=entry.is_shared,
        )
    )
    entry.done_on, entry.answers, entry.rating = data["done_on"], answers, rating
    entry.free_text = (data.get("free_text") or "").strip()
    entry.is_shared = _shareable(entry.assignment, data)
    record("homework_entry.updated", entry)
