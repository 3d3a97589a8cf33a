"""Helpers for the homework tests: built-in exercises, assignments and entries made through the services."""

from datetime import timedelta

from sqlalchemy import select

from clinic.extensions import db
from clinic.homework import services
from clinic.homework.library import sync_builtin_exercises
from clinic.homework.models import Exercise


def builtin(slug: str) -> Exercise:
    sync_builtin_exercises()
    return db.session.scalar(select(Exercise).where(Exercise.slug == slug, Exercise.owner_id.is_(None)))


def assign(
    world,
    slug="speaker-listener",
    *,
    who="each",
    kind="daily",
    per_week=None,
    days_ago=6,
    due_in=None,
    couple=None,
    partner=None,
    note="",
    confirmed=False,
    reason="",
):
    couple = couple or world.couple
    today = services.practice_today()
    data = {
        "who": who,
        "partner_id": partner.id if partner else None,
        "starts_on": today - timedelta(days=days_ago),
        "due_on": today + timedelta(days=due_in) if due_in is not None else None,
        "frequency_kind": kind,
        "times_per_week": per_week,
        "note": note,
        "therapy_session_id": None,
    }
    therapist = db.session.get(type(world.therapist), couple.therapist_id)
    return services.create_assignment(couple, therapist, builtin(slug), data, confirmed=confirmed, reason=reason)


def entry(assignment, partner, *, days_ago=0, shared=False, free_text="", answers=None, rating=None):
    exercise = assignment.exercise
    if answers is None:
        answers = {f["key"]: f"Fictional answer to {f['label'][:20]}" for f in exercise.fields}
        if exercise.completion == "checklist":
            answers = {f["key"]: True for f in exercise.fields}
    if exercise.completion == "rating" and rating is None:
        rating = 4
    data = {
        "done_on": services.practice_today() - timedelta(days=days_ago),
        "answers": answers,
        "rating": rating,
        "free_text": free_text,
        "is_shared": shared,
    }
    return services.add_entry(assignment, partner, data)
