"""Template globals other pages include: the partner's Today line, the session page's goals, the course's
objectives against the measures."""

from clinic.plans import services
from clinic.plans.forms import NoteGoalsForm


def waiting_for(partner) -> bool:
    """Whether the couple's latest signed plan waits for this partner's acknowledgement (one query)."""
    return services.awaits_acknowledgement(partner)


def state_for(partner) -> str | None:
    """ "waiting", "shared" or None: what the partner's Today page says about the plan (one query)."""
    return services.plan_state(partner)


def session_goals(therapy_session) -> dict:
    """The current plan's goals and those this session addressed (two queries)."""
    goals = services.current_goals(therapy_session.couple_id)
    chosen = services.goals_addressed(therapy_session.id) if goals else set()
    form = NoteGoalsForm(formdata=None, goal_ids=sorted(chosen))
    form.goal_ids.choices = {g.id: g.text for g in goals}
    return {"goals": goals, "form": form, "chosen": chosen}


def course_objectives(couple) -> dict:
    plan = services.latest_signed(couple.id)
    return {"plan": plan, "standings": services.standings(couple, plan)}
