"""Builders for session-notes tests. Every person and word here is fictional."""

from datetime import UTC, datetime, timedelta

from clinic.extensions import db
from clinic.sessions import services

PASSWORD = "violet-canyon-ferry-17"  # tests/factories.py default

COMMON = {"risk_a": "none", "risk_b": "none", "plan": "Continue with the agreed focus."}
# Stage 2 recorded per partner (#17): roles and statuses of both partners.
STAGE2 = {
    "stage2_role_a": "pursuer",
    "stage2_role_b": "withdrawer",
    "stage2_a": "not_started",
    "stage2_b": "not_started",
}
COMPLETE = {
    "efct": {
        **COMMON,
        "stage": "1",
        "steps": ["1", "2"],
        "enactment": "no",
        "interventions": ["empathic_reflection"],
    },
    "cbct": {
        **COMMON,
        "agenda": "Budget talk",
        "modules": ["communication_problem_solving"],
        "speaker_skill_a": "3",
        "listener_skill_a": "4",
        "speaker_skill_b": "4",
        "listener_skill_b": "2",
        "week_rating_a": 6,
        "week_rating_b": 7,
    },
    "integrative": {**COMMON, "phase": "treatment", "acceptance": ["empathic_joining"]},
}


def new_session(
    couple, therapist, *, model=None, days_ago=1, answers=None, sign=False, number_hint=None, attendance="attended"
):
    """Record a session (with its draft note), optionally fill the note and sign it. Flushes only."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=days_ago)
    therapy_session = services.record_session(
        couple,
        {
            "starts_at": start,
            "minutes": 50,
            "format": "in_person",
            "kind": "conjoint",
            "individual_partner": "",
            "attendance": attendance,
            "model": model or couple.model,
        },
        therapist,
    )
    note = therapy_session.progress_note
    if answers is not None:
        note.answers = {**(note.answers or {}), **answers}
        note.version += 1
        db.session.flush()
    if sign:
        services.sign_note(note, therapist, PASSWORD, True)
    return therapy_session


def body(answers: dict, version: int, **extra) -> dict:
    """Form data for a note post: lists become repeated fields, None is left out."""
    data = {k: v for k, v in answers.items() if v is not None}
    return {**data, "version": str(version), **extra}
