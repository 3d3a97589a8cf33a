"""Access declarations for every homework route."""

from tests.access.matrix import PARTNERS, THERAPIST, RouteSpec

BOTH_THERAPISTS = THERAPIST | {"other_therapist"}


def _c(w):
    return f"/couples/{w.couple.id}/homework"


def _a(w):
    return _c(w) + f"/{w.extra['hw_assignment'].id}"


def _own(w):
    return f"/exercises/{w.extra['hw_own_exercise'].id}"


def _exercise_form(w):
    return {
        "title": "A fictional walk-and-talk",
        "purpose": "Walk together and talk about the week.",
        "steps": "Walk for twenty minutes\nTake turns to talk",
        "model_tags": ["general"],
        "strategies": ["mindfulness"],
        "who": "together",
        "minutes": "20",
        "frequency_kind": "weekly",
        "times_per_week": "2",
        "completion": "checklist",
        "field_lines": "We walked",
        "version": str(w.extra["hw_own_exercise"].version),
    }


def _assign_form(w):
    return {
        "exercise_id": str(w.extra["hw_builtin"].id),
        "who": "each",
        "starts_on": w.extra["hw_today"],
        "frequency_kind": "daily",
        "note": "",
    }


def _edit_assignment_form(w):
    return {
        "starts_on": w.extra["hw_start"],
        "frequency_kind": "daily",
        "note": "Fictional note",
        "version": str(w.extra["hw_assignment"].version),
    }


def _entry_form(w):
    return {"done_on": w.extra["hw_today"], "a_topic_chosen": "y", "free_text": "Fictional"}


SPECS = [
    RouteSpec("homework.library", lambda w: "/exercises", BOTH_THERAPISTS),
    RouteSpec("homework.exercise", lambda w: f"/exercises/{w.extra['hw_builtin'].id}", BOTH_THERAPISTS),
    RouteSpec("homework.exercise", _own, THERAPIST, scoped=True),
    RouteSpec("homework.new_exercise", lambda w: "/exercises/new", BOTH_THERAPISTS),
    RouteSpec("homework.new_exercise", lambda w: "/exercises/new", BOTH_THERAPISTS, method="POST", data=_exercise_form),
    RouteSpec("homework.edit_exercise", lambda w: _own(w) + "/edit", THERAPIST, scoped=True),
    RouteSpec(
        "homework.edit_exercise",
        lambda w: _own(w) + "/edit",
        THERAPIST,
        method="POST",
        scoped=True,
        data=_exercise_form,
    ),
    RouteSpec("homework.copy_exercise", lambda w: _own(w) + "/copy", THERAPIST, method="POST", scoped=True),
    RouteSpec("homework.couple_homework", _c, THERAPIST, scoped=True),
    RouteSpec("homework.assign", lambda w: _c(w) + "/assign", THERAPIST, scoped=True),
    RouteSpec("homework.assign", lambda w: _c(w) + "/assign", THERAPIST, method="POST", scoped=True, data=_assign_form),
    RouteSpec("homework.assignment", _a, THERAPIST, scoped=True),
    RouteSpec("homework.edit_assignment", lambda w: _a(w) + "/edit", THERAPIST, scoped=True),
    RouteSpec(
        "homework.edit_assignment",
        lambda w: _a(w) + "/edit",
        THERAPIST,
        method="POST",
        scoped=True,
        data=_edit_assignment_form,
    ),
    RouteSpec(
        "homework.assignment_status",
        lambda w: _a(w) + "/status",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"action": "pause"},
    ),
    RouteSpec("homework.resume_assignment", lambda w: _a(w) + "/resume", THERAPIST, scoped=True),
    RouteSpec(
        "homework.resume_assignment",
        lambda w: _a(w) + "/resume",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"confirm_risk": "y", "risk_reason": "Fictional: reviewed with both partners."},
    ),
    RouteSpec("homework_portal.list", lambda w: "/portal/homework", PARTNERS | {"outsider"}),
    RouteSpec(
        "homework_portal.assignment", lambda w: f"/portal/homework/{w.extra['hw_assignment'].id}", PARTNERS, scoped=True
    ),
    RouteSpec(
        "homework_portal.assignment",
        lambda w: f"/portal/homework/{w.extra['hw_assignment'].id}",
        PARTNERS,
        method="POST",
        scoped=True,
        data=_entry_form,
    ),
    RouteSpec(
        "homework_portal.edit_entry",
        lambda w: f"/portal/homework/entries/{w.extra['hw_entry'].id}/edit",
        frozenset({"partner_a"}),
        scoped=True,
    ),
    RouteSpec(
        "homework_portal.edit_entry",
        lambda w: f"/portal/homework/entries/{w.extra['hw_entry'].id}/edit",
        frozenset({"partner_a"}),
        method="POST",
        scoped=True,
        data=_entry_form,
    ),
]


def populate(world):
    from clinic.homework.library import create_exercise
    from clinic.homework.services import practice_today
    from tests.homework import support

    assignment = support.assign(world, "speaker-listener", who="together", kind="daily", days_ago=3)
    world.extra["hw_assignment"] = assignment
    world.extra["hw_builtin"] = assignment.exercise
    world.extra["hw_start"] = assignment.starts_on.isoformat()
    world.extra["hw_today"] = practice_today().isoformat()
    world.extra["hw_entry"] = support.entry(assignment, world.couple.partner("a"), days_ago=1)
    world.extra["hw_own_exercise"] = create_exercise(
        world.therapist,
        {
            "title": "Fictional own exercise",
            "purpose": "For the matrix.",
            "steps": ["One step"],
            "notes": "",
            "model_tags": ["general"],
            "strategies": ["gratitude"],
            "who": "each",
            "minutes": 5,
            "frequency_kind": "once",
            "times_per_week": None,
            "completion": "checklist",
            "fields": [],
            "raises_conflict": False,
        },
    )
