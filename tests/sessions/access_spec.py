"""Access declarations for the sessions domain: only the treating therapist, everyone else 404 (or sign-in)."""

from tests.access.matrix import THERAPIST, RouteSpec


def _draft(w):
    return f"/sessions/{w.extra['ts_draft'].id}"


def _signed(w):
    return f"/sessions/{w.extra['ts_signed'].id}"


def _note_body(w):
    note = w.extra["ts_draft"].progress_note
    return {"version": note.version, "observations": "Matrix text (fictional)."}


SPECS = [
    RouteSpec("sessions.couple_sessions", lambda w: f"/couples/{w.couple.id}/sessions", THERAPIST, scoped=True),
    RouteSpec(
        "sessions.couple_sessions",
        lambda w: f"/couples/{w.couple.id}/sessions",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {
            "starts_at": "2026-03-02T10:00",
            "minutes": "50",
            "format": "video",
            "kind": "conjoint",
            "attendance": "attended",
            "model": "efct",
        },
    ),
    RouteSpec("sessions.therapy_session", _signed, THERAPIST, scoped=True),
    RouteSpec("sessions.edit_note", lambda w: _draft(w) + "/note", THERAPIST, scoped=True),
    RouteSpec(
        "sessions.edit_note", lambda w: _draft(w) + "/note", THERAPIST, method="POST", scoped=True, data=_note_body
    ),
    RouteSpec(
        "sessions.autosave_note",
        lambda w: _draft(w) + "/note/autosave",
        THERAPIST,
        method="POST",
        scoped=True,
        data=_note_body,
    ),
    RouteSpec(
        "sessions.sign_note", lambda w: _draft(w) + "/note/sign", THERAPIST, method="POST", scoped=True, data=_note_body
    ),
    RouteSpec("sessions.sign_note", lambda w: _draft(w) + "/note/sign", THERAPIST, scoped=True),
    RouteSpec("sessions.add_addendum", lambda w: _signed(w) + "/addenda", THERAPIST, scoped=True),
    RouteSpec(
        "sessions.add_addendum",
        lambda w: _signed(w) + "/addenda",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"reason": "Late entry", "text": "Matrix addendum (fictional)."},
    ),
    RouteSpec("sessions.process_note", lambda w: _signed(w) + "/process-note", THERAPIST, scoped=True),
    RouteSpec(
        "sessions.process_note",
        lambda w: _signed(w) + "/process-note",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"text": "Matrix process note (fictional).", "version": "0"},
    ),
    RouteSpec(
        "sessions.autosave_process_note",
        lambda w: _signed(w) + "/process-note/autosave",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"text": "Matrix process note autosave (fictional).", "version": "0"},
    ),
    RouteSpec(
        "sessions.add_risk_review",
        lambda w: _signed(w) + "/risk-reviews",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"position": "a", "text": "Safety plan reviewed (fictional)."},
    ),
    RouteSpec("sessions.course", lambda w: f"/couples/{w.couple.id}/course", THERAPIST, scoped=True),
    RouteSpec("sessions.cycle_map", lambda w: f"/couples/{w.couple.id}/cycle-map", THERAPIST, scoped=True),
    RouteSpec(
        "sessions.cycle_map",
        lambda w: f"/couples/{w.couple.id}/cycle-map",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"cycle_name": "the chase", "a_trigger": "A late text"},
    ),
]


def populate(world):
    from tests.sessions.helpers import COMPLETE, new_session

    risky = {**COMPLETE["efct"], "risk_a": "high", "risk_note_a": "Matrix risk (fictional)."}
    world.extra["ts_signed"] = new_session(world.couple, world.therapist, days_ago=7, answers=risky, sign=True)
    world.extra["ts_draft"] = new_session(world.couple, world.therapist, days_ago=1)


# Issue #15: correcting a session (details while the note is a draft; entered in error).
SPECS += [
    RouteSpec(
        "sessions.edit_details",
        lambda w: _draft(w) + "/details",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {
            "starts_at": "2026-03-02T10:00",
            "minutes": "45",
            "format": "phone",
            "kind": "conjoint",
            "attendance": "attended",
        },
    ),
    RouteSpec(
        "sessions.entered_in_error",
        lambda w: _draft(w) + "/entered-in-error",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"reason": "Recorded twice (matrix)."},
    ),
]
