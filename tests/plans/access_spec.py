"""Access declarations for every route of the plans domain."""

from tests.access.matrix import CLIENTS, THERAPIST, RouteSpec


def _plan(w):
    return f"/couples/{w.couple.id}/plan"


def _goal(w):
    return w.extra["plan_draft"].goals[0]


SPECS = [
    RouteSpec("plans.couple_plan", _plan, THERAPIST, scoped=True),
    RouteSpec("plans.plan_version", lambda w: _plan(w) + "/versions/1", THERAPIST, scoped=True),
    RouteSpec("plans.start", lambda w: _plan(w) + "/start", THERAPIST, method="POST", scoped=True),
    RouteSpec(
        "plans.details",
        lambda w: _plan(w) + "/details",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {
            "presenting_problems": "Matrix problems",
            "review_every_sessions": "6",
            "version": str(w.extra["plan_draft"].version),
        },
    ),
    RouteSpec(
        "plans.add_goal",
        lambda w: _plan(w) + "/goals",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"goal-text": "Matrix goal"},
    ),
    RouteSpec(
        "plans.add_objective",
        lambda w: _plan(w) + f"/goals/{_goal(w).id}/objectives",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {f"g{_goal(w).id}o-text": "Matrix objective"},
    ),
    RouteSpec(
        "plans.add_intervention",
        lambda w: _plan(w) + f"/goals/{_goal(w).id}/interventions",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {f"g{_goal(w).id}i-key": "eft_step_1"},
    ),
    RouteSpec(
        "plans.remove",
        lambda w: _plan(w) + f"/goals/{_goal(w).id}/remove",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"objective": str(_goal(w).objectives[0].id)},
    ),
    RouteSpec("plans.sign", lambda w: _plan(w) + "/sign", THERAPIST, method="POST", scoped=True),
    RouteSpec(
        "plans.note_goals",
        lambda w: f"/sessions/{w.extra['plan_session'].id}/plan-goals",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"goal_ids": str(w.extra["plan_signed"].goals[0].id)},
    ),
    RouteSpec("plans_portal.shared_plan", lambda w: "/portal/plan/", CLIENTS),
    RouteSpec(
        "plans_portal.acknowledge",
        lambda w: "/portal/plan/acknowledge",
        CLIENTS,
        method="POST",
        data=lambda w: {"number": "1"},
    ),
]


def populate(world):
    """A signed version 1 (both partners may acknowledge it), a draft version 2 with one goal, and a session."""
    from clinic.db import utcnow
    from clinic.plans import services
    from clinic.sessions import services as sessions

    couple, therapist = world.couple, world.therapist
    signed = services.start_version(couple, therapist)
    signed.presenting_problems = "Fictional presenting problems"
    signed.formulation = "Fictional formulation for the therapist only"
    goal = services.add_goal(signed, "Fictional shared goal", None)
    services.add_objective(signed, goal.id, {"text": "Fictional shared objective", "measure": "", "threshold": None})
    services.add_intervention(signed, goal.id, "eft_step_2", "Fictional intervention note")
    services.sign(signed, therapist)
    draft = services.start_version(couple, therapist)
    session = sessions.record_session(
        couple,
        {
            "starts_at": utcnow(),
            "minutes": 50,
            "format": "in_person",
            "kind": "conjoint",
            "attendance": "attended",
            "model": couple.model,
        },
        therapist,
    )
    services.set_goals_addressed(session, [goal.id])
    world.extra.update(plan_signed=signed, plan_draft=draft, plan_session=session)
