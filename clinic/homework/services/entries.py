"""Entries: a partner logging and editing their homework, and who may read it. They flush; views commit."""

from datetime import date, timedelta

from flask import abort

from clinic.audit.services import record
from clinic.db import utcnow
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.homework.calendar import practice_today
from clinic.homework.models import Assignment, Entry, EntryRevision, Exercise

EDIT_DAYS = 7
MAX_ANSWER = 4000


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


def sharing_note(entry: Entry) -> str:
    """Who can read a new entry, in the partner's words."""
    if entry.is_shared:
        return "Your partner can read this entry."
    return "Only you and your therapist can read it."
