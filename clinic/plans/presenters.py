"""Template globals other pages include: the partner's Today line, the session page's goals, the course's
objectives against the measures."""

from clinic.plans import services
from clinic.plans.forms import NoteGoalsForm


def waiting_for(partner):
    """The latest signed plan when this partner has not acknowledged it yet, else None."""
    plan = services.latest_signed(partner.couple_id)
    if plan is None or partner.id in services.acknowledgements(plan):
        return None
    return plan


def session_goals(therapy_session) -> dict:
    plan = services.latest_signed(therapy_session.couple_id)
    chosen = services.goals_addressed(therapy_session.id)
    form = NoteGoalsForm(formdata=None, goal_ids=sorted(chosen))
    form.goal_ids.choices = {g.id: g.text for g in plan.goals} if plan else {}
    return {"plan": plan, "form": form, "chosen": chosen}


def course_objectives(couple) -> dict:
    plan = services.latest_signed(couple.id)
    return {"plan": plan, "standings": services.standings(couple, plan)}
