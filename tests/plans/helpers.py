"""Builders for plan tests (fictional data only)."""

from clinic.extensions import db
from clinic.plans import services


def signed_plan(world, *, review_every=6, measure=True):
    """A signed plan for the world's couple: one goal with a CSI-4 objective and an EFT intervention."""
    plan = services.start_version(world.couple, world.therapist)
    services.update_details(
        plan,
        plan.version,
        {
            "presenting_problems": "Fictional: arguments about chores turn into distance.",
            "formulation": "Fictional formulation: pursue-withdraw cycle under stress.",
            "diagnosis": "Z63.0",
            "review_every_sessions": review_every,
        },
    )
    goal = services.add_goal(plan, "Feel close again and argue less", None)
    services.add_objective(
        plan,
        goal.id,
        {"text": "Both feel satisfied with the relationship", "measure": "csi4" if measure else "", "threshold": 14},
    )
    services.add_intervention(plan, goal.id, "eft_step_2", "Map the cycle together")
    services.sign(plan, world.therapist)
    db.session.commit()
    return plan
