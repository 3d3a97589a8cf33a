"""Access declarations for every route of the handouts domain."""

from tests.access.matrix import PARTNERS, THERAPIST, RouteSpec

BOTH_THERAPISTS = THERAPIST | {"other_therapist"}


def _couple(w):
    return f"/couples/{w.couple.id}"


def _given(w):
    return w.extra["given_handout"]


def _private(w):
    """The safety handout, given to partner A alone: partner B gets 404 like a stranger."""
    return w.extra["private_handout"]


def _own(w):
    return w.extra["own_handout"]


SPECS = [
    RouteSpec("handouts.library", lambda w: "/handouts/", BOTH_THERAPISTS),
    RouteSpec("handouts.builtin", lambda w: "/handouts/builtin/supporting-a-partner", BOTH_THERAPISTS),
    RouteSpec("handouts.builtin_pdf", lambda w: "/handouts/builtin/growing-together/pdf", BOTH_THERAPISTS),
    RouteSpec(
        "handouts.copy_builtin", lambda w: "/handouts/builtin/growing-together/copy", BOTH_THERAPISTS, method="POST"
    ),
    RouteSpec("handouts.new_handout", lambda w: "/handouts/new", BOTH_THERAPISTS),
    RouteSpec(
        "handouts.new_handout",
        lambda w: "/handouts/new",
        BOTH_THERAPISTS,
        method="POST",
        data=lambda w: {"title": "Matrix handout", "body": "Some text.", "preview": "Preview"},
    ),
    RouteSpec(
        "handouts.preview",
        lambda w: "/handouts/preview",
        BOTH_THERAPISTS,
        method="POST",
        data=lambda w: {"body": "## Hello"},
    ),
    RouteSpec("handouts.own", lambda w: f"/handouts/{_own(w).id}", THERAPIST, scoped=True),
    RouteSpec("handouts.own_pdf", lambda w: f"/handouts/{_own(w).id}/pdf", THERAPIST, scoped=True),
    RouteSpec("handouts.edit_handout", lambda w: f"/handouts/{_own(w).id}/edit", THERAPIST, scoped=True),
    RouteSpec(
        "handouts.edit_handout",
        lambda w: f"/handouts/{_own(w).id}/edit",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"title": "Edited", "body": "Text", "preview": "Preview"},
    ),
    RouteSpec(
        "handouts.archive_handout", lambda w: f"/handouts/{_own(w).id}/archive", THERAPIST, method="POST", scoped=True
    ),
    RouteSpec("handouts.couple_handouts", lambda w: _couple(w) + "/handouts", THERAPIST, scoped=True),
    RouteSpec(
        "handouts.give_handout",
        lambda w: _couple(w) + "/handouts",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"source": "b:growing-together", "note": "Matrix note"},
    ),
    RouteSpec(
        "handouts.withdraw_handout",
        lambda w: _couple(w) + f"/handouts/{_given(w).id}/withdraw",
        THERAPIST,
        method="POST",
        scoped=True,
    ),
    RouteSpec("handouts.given_pdf", lambda w: _couple(w) + f"/handouts/{_given(w).id}/pdf", THERAPIST, scoped=True),
    RouteSpec(
        "handouts.print_for_couple",
        lambda w: _couple(w) + "/handouts/print",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"print-source": "b:growing-together"},
    ),
    RouteSpec(
        "handouts.session_packet",
        lambda w: _couple(w) + "/packet",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"packet-for_partner": "a", "packet-handouts": "b:growing-together", "packet-couple_part": "y"},
    ),
    RouteSpec(
        "handouts.print_for_couple",
        lambda w: _couple(w) + "/handouts/print",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"print-source": "b:safety-and-support", "print-for_partner": "a"},
    ),
    RouteSpec("handouts.given_pdf", lambda w: _couple(w) + f"/handouts/{_private(w).id}/pdf", THERAPIST, scoped=True),
    RouteSpec("handouts_portal.read", lambda w: f"/portal/handouts/{_private(w).id}", {"partner_a"}, scoped=True),
    RouteSpec(
        "handouts_portal.download", lambda w: f"/portal/handouts/{_private(w).id}/pdf", {"partner_a"}, scoped=True
    ),
    RouteSpec(
        "handouts.exercise_worksheet_pdf",
        lambda w: f"/handouts/worksheets/{w.extra['ho_exercise'].id}/pdf",
        BOTH_THERAPISTS,
    ),
    RouteSpec(
        "handouts.assignment_worksheet_pdf",
        lambda w: _couple(w) + f"/worksheets/{w.extra['ho_assignment'].id}/pdf",
        THERAPIST,
        scoped=True,
    ),
    RouteSpec(
        "handouts_portal.worksheet",
        lambda w: f"/portal/worksheets/{w.extra['ho_assignment'].id}/pdf",
        PARTNERS,
        scoped=True,
    ),
    RouteSpec(
        "handouts_portal.worksheet",
        lambda w: f"/portal/worksheets/{w.extra['ho_private_assignment'].id}/pdf",
        {"partner_a"},
        scoped=True,
    ),
    RouteSpec("handouts_portal.index", lambda w: "/portal/handouts", PARTNERS | {"outsider"}),
    RouteSpec("handouts_portal.read", lambda w: f"/portal/handouts/{_given(w).id}", PARTNERS, scoped=True),
    RouteSpec("handouts_portal.download", lambda w: f"/portal/handouts/{_given(w).id}/pdf", PARTNERS, scoped=True),
]


def populate(world):
    from datetime import timedelta

    from sqlalchemy import select

    from clinic.db import today_utc
    from clinic.extensions import db
    from clinic.handouts.library import get_builtin
    from clinic.handouts.services import create_handout, give_handout
    from clinic.homework.library import ensure_builtin_exercises
    from clinic.homework.models import Exercise
    from clinic.homework.services import create_assignment

    ensure_builtin_exercises()
    exercise = db.session.scalar(select(Exercise).where(Exercise.slug == "caring-days"))
    world.extra["ho_exercise"] = exercise
    world.extra["ho_assignment"] = create_assignment(
        world.couple,
        world.therapist,
        exercise,
        {
            "who": "together",
            "starts_on": today_utc(),
            "due_on": today_utc() + timedelta(days=7),
            "frequency_kind": "daily",
            "times_per_week": None,
            "note": "",
            "therapy_session_id": None,
        },
        confirmed=True,
    )

    world.extra["own_handout"] = create_handout(world.therapist, {"title": "Owner's handout", "body": "Text."})
    world.extra["given_handout"] = give_handout(
        world.couple, get_builtin("growing-together"), "A note", world.therapist
    )
    world.extra["private_handout"] = give_handout(
        world.couple,
        get_builtin("safety-and-support"),
        "For you alone",
        world.therapist,
        partner=world.couple.partner("a"),
    )
    world.extra["ho_private_assignment"] = create_assignment(
        world.couple,
        world.therapist,
        exercise,
        {
            "who": "one",
            "partner_id": world.couple.partner("a").id,
            "starts_on": today_utc(),
            "due_on": today_utc() + timedelta(days=7),
            "frequency_kind": "daily",
            "times_per_week": None,
            "note": "Just for partner A",
            "therapy_session_id": None,
        },
        confirmed=True,
    )
