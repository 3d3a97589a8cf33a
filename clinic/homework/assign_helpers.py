"""Helpers of the therapist's assign and edit forms: their choices, their defaults, every problem at once."""

from clinic.forms import attach_error
from clinic.homework import library, safeguard, services
from clinic.homework.models import Exercise

STATUS_MESSAGES = {
    "pause": "Paused: nothing is expected until you resume it.",
    "resume": "Resumed.",
    "end": "Ended. The entries are kept.",
}


def fill_assign_choices(form, couple, user) -> list[Exercise]:
    """Set the exercise, partner and session choices of an AssignForm; returns the therapist's library."""
    exercises = library.library_for(user, {})
    form.exercise_id.choices = {"": "Choose an exercise…", **{str(e.id): e.title for e in exercises}}
    form.partner_id.choices = {"": "—", **{str(p.id): p.name for p in couple.partners}}
    fill_session_choices(form, couple)
    return exercises


def fill_session_choices(form, couple) -> None:
    form.therapy_session_id.choices = {"": "Not linked to a session", **services.sessions_for_choice(couple)}


def assign_defaults(user, args) -> dict:
    """Initial data of a new assignment; `exercise_id` and `therapy_session_id` in the query prefill it."""
    data = {"starts_on": services.practice_today(), "frequency_kind": "daily", "who": "each"}
    exercise_id = args.get("exercise_id", "")
    if exercise_id.isdigit():
        exercise = library.get_exercise_for(user, int(exercise_id))
        data.update(
            exercise_id=str(exercise.id),
            who=exercise.who,
            frequency_kind=exercise.frequency_kind,
            times_per_week=exercise.times_per_week,
        )
    session_id = args.get("therapy_session_id", "")
    if session_id.isdigit():
        data["therapy_session_id"] = session_id
    return data


def explain_risk(couple, exercises: list[Exercise], form) -> None:
    """When other fields failed, say at once if the safety confirmation is missing too."""
    chosen = next((e for e in exercises if str(e.id) == form.exercise_id.data), None)
    if chosen is not None:
        for problem in safeguard.confirmation_problems(couple, chosen, **form.confirmation()):
            attach_error(form, problem)


def risky_exercise_ids(couple, exercises: list[Exercise]) -> list[int]:
    """The conflict-raising exercises the page warns about when the couple needs a confirmation."""
    return [e.id for e in exercises if e.raises_conflict] if safeguard.couple_reasons(couple) else []
