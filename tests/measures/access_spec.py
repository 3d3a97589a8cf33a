"""Access declarations for every measures route (therapist pages, the partner's questionnaires and check-in)."""

from clinic.measures.screen import FOLLOW_UP_INDICATORS
from tests.access.matrix import CLIENTS, THERAPIST, RouteSpec
from tests.factories import PASSWORD
from tests.measures.helpers import NONE

ONLY_A = frozenset({"partner_a"})


def _couple(w):
    return f"/couples/{w.couple.id}"


def _req(w, key="m_request_a"):
    return f"{_couple(w)}/measures/requests/{w.extra[key].id}"


def _answers(w):
    return {"sequence": "1", "item_1": "3", "item_2": "3", "item_3": "3", "item_4": "3"}


def _paper(w):
    return {**_answers(w), "answered_on": "2026-01-10"}


SPECS = [
    RouteSpec("measures.library", lambda w: "/measures/library", THERAPIST | {"other_therapist"}),
    RouteSpec("measures.couple_measures", lambda w: _couple(w) + "/measures", THERAPIST, scoped=True),
    RouteSpec(
        "measures.request_measure",
        lambda w: _couple(w) + "/measures/requests",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"measure_key": "ras", "who": "both", "schedule": "once"},
    ),
    RouteSpec(
        "measures.stop_request", lambda w: _req(w, "m_request_stop") + "/stop", THERAPIST, method="POST", scoped=True
    ),
    RouteSpec("measures.paper_entry", lambda w: _req(w, "m_request_b") + "/paper", THERAPIST, scoped=True),
    RouteSpec(
        "measures.paper_entry",
        lambda w: _req(w, "m_request_b") + "/paper",
        THERAPIST,
        method="POST",
        scoped=True,
        data=_paper,
    ),
    RouteSpec(
        "measures.response_detail",
        lambda w: f"{_couple(w)}/measures/responses/{w.extra['m_response'].id}",
        THERAPIST,
        scoped=True,
    ),
    RouteSpec(
        "measures.send_screen",
        lambda w: _couple(w) + "/safety",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"partner": "b"},
    ),
    RouteSpec(
        "measures.screen_detail",
        lambda w: f"{_couple(w)}/safety/{w.extra['m_screen_positive'].id}",
        THERAPIST,
        scoped=True,
    ),
    RouteSpec(
        "measures.record_decision",
        lambda w: f"{_couple(w)}/safety/{w.extra['m_screen_positive'].id}/decision",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"decision": "referral", "attest": "y", "password": PASSWORD},
    ),
    RouteSpec(
        "measures.save_follow_up",
        lambda w: f"{_couple(w)}/safety/{w.extra['m_screen_positive'].id}/follow-up",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {**dict.fromkeys(FOLLOW_UP_INDICATORS, "unknown"), "notes": "Seen."},
    ),
    RouteSpec(
        "measures.start_office",
        lambda w: _couple(w) + "/safety/office",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"partner": "a"},
    ),
    # Outside office mode these only redirect the therapist back; partners and others are refused.
    RouteSpec("measures.office", lambda w: "/safety/office", THERAPIST | {"other_therapist"}),
    RouteSpec(
        "measures.office",
        lambda w: "/safety/office",
        THERAPIST | {"other_therapist"},
        method="POST",
        data=lambda w: dict(NONE),
    ),
    RouteSpec(
        "measures.office_unlock",
        lambda w: "/safety/office/unlock",
        THERAPIST | {"other_therapist"},
        method="POST",
        data=lambda w: {"password": "wrong"},
    ),
    RouteSpec("measures_portal.list", lambda w: "/portal/questionnaires", CLIENTS),
    RouteSpec(
        "measures_portal.answer", lambda w: f"/portal/questionnaires/{w.extra['m_request_a'].id}", ONLY_A, scoped=True
    ),
    RouteSpec(
        "measures_portal.answer",
        lambda w: f"/portal/questionnaires/{w.extra['m_request_a'].id}",
        ONLY_A,
        method="POST",
        scoped=True,
        data=_answers,
    ),
    RouteSpec(
        "measures_portal.check_in", lambda w: f"/portal/check-in/{w.extra['m_screen_a'].id}", ONLY_A, scoped=True
    ),
    RouteSpec(
        "measures_portal.check_in",
        lambda w: f"/portal/check-in/{w.extra['m_screen_a'].id}",
        ONLY_A,
        method="POST",
        scoped=True,
        data=lambda w: dict(NONE),
    ),
]


def populate(world):
    from clinic.measures import safety, services
    from tests.measures.helpers import POSITIVE

    couple = world.couple
    a, b = couple.partner("a"), couple.partner("b")
    (world.extra["m_request_a"],) = services.request_measure(couple, [a], "csi4", "once", None, world.therapist)
    (world.extra["m_request_b"],) = services.request_measure(couple, [b], "csi4", "once", None, world.therapist)
    (world.extra["m_request_stop"],) = services.request_measure(
        couple, [b], "ecr_rs", "every_n_days", 14, world.therapist
    )
    (done,) = services.request_measure(couple, [a], "ecr_rs", "once", None, world.therapist)
    world.extra["m_response"] = services.submit_answers(done, 1, dict.fromkeys(range(1, 10), 4), a.user)
    world.extra["m_screen_a"] = safety.send_screen(couple, a, world.therapist)
    positive = safety.send_screen(couple, b, world.therapist)
    world.extra["m_screen_positive"] = safety.answer_screen(positive, POSITIVE, b.user)
