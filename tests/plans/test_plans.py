"""Treatment plans: written, signed (then locked), revised as versions, acknowledged by each partner; the
shared part only in the portal; review alerts on the caseload; goals addressed by notes; objectives against
the measures on the course page."""

import re
from datetime import timedelta

from sqlalchemy import select

from clinic.audit.models import AuditEvent
from clinic.extensions import db
from clinic.plans import services
from clinic.plans.models import NoteGoal, PlanAcknowledgement, TreatmentPlan
from tests.conftest import login_as
from tests.measures.helpers import answer, request_for
from tests.plans.helpers import signed_plan
from tests.sessions.helpers import new_session


def _client(app, user):
    client = app.test_client()
    login_as(client, user)
    return client


def _version(page: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


def test_therapist_writes_and_signs_a_plan_in_the_browser_forms(app, world):
    client = _client(app, world.therapist)
    base = f"/couples/{world.couple.id}/plan"
    assert "Write the treatment plan" in client.get(base).get_data(as_text=True)
    assert client.post(base + "/start").status_code == 302
    page = client.get(base).get_data(as_text=True)
    assert 'list="icd10"' in page and "Z63.0 · Problems in relationship with spouse or partner" in page
    details = {
        "presenting_problems": "Fictional: distance since a move.",
        "formulation": "Fictional private formulation.",
        "diagnosis": "Z63.0 · Problems in relationship with spouse or partner",
        "review_every_sessions": "4",
        "version": _version(page),
    }
    assert client.post(base + "/details", data=details).status_code == 302
    assert (
        client.post(base + "/goals", data={"goal-text": "Talk about hard things without shutting down"}).status_code
        == 302
    )
    plan = services.latest_plan(world.couple)
    goal = plan.goals[0]
    objective = {f"g{goal.id}o-text": "Both at or above 14 on the CSI-4", f"g{goal.id}o-measure": "csi4"}
    missing = client.post(f"{base}/goals/{goal.id}/objectives", data=objective)
    assert missing.status_code == 422 and "Give the score to reach, from 0 to 21." in missing.get_data(as_text=True)
    objective[f"g{goal.id}o-threshold"] = "14"
    assert client.post(f"{base}/goals/{goal.id}/objectives", data=objective).status_code == 302
    data = {f"g{goal.id}i-key": "eft_step_3", f"g{goal.id}i-note": ""}
    assert client.post(f"{base}/goals/{goal.id}/interventions", data=data).status_code == 302
    assert client.post(base + "/sign").status_code == 302
    db.session.expire_all()
    plan = services.latest_plan(world.couple)
    assert plan.is_signed and plan.diagnosis_code == "Z63.0" and plan.review_every_sessions == 4
    assert plan.content_hash == plan.digest()
    assert "treatment_plan.signed" in db.session.scalars(select(AuditEvent.action)).all()


def test_bad_details_report_every_problem_and_keep_the_text(app, world):
    services.start_version(world.couple, world.therapist)
    db.session.commit()
    client = _client(app, world.therapist)
    base = f"/couples/{world.couple.id}/plan"
    page = client.get(base).get_data(as_text=True)
    response = client.post(
        base + "/details",
        data={
            "presenting_problems": "Kept words",
            "diagnosis": "X99.9",
            "review_every_sessions": "0",
            "version": _version(page),
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Review every 1 to 52 sessions." in body and "Kept words" in body
    assert services.latest_plan(world.couple).presenting_problems == ""


def test_signing_needs_problems_and_an_objective_per_goal(app, world):
    plan = services.start_version(world.couple, world.therapist)
    services.add_goal(plan, "A goal with no objective", None)
    db.session.commit()
    client = _client(app, world.therapist)
    response = client.post(f"/couples/{world.couple.id}/plan/sign")
    assert response.status_code == 303
    page = client.get(f"/couples/{world.couple.id}/plan").get_data(as_text=True)
    assert "Describe the presenting problems" in page and "measurable objective" in page
    db.session.refresh(plan)
    assert not plan.is_signed


def test_signed_plan_is_locked_and_a_revision_is_a_new_version(app, world):
    plan = signed_plan(world)
    client = _client(app, world.therapist)
    base = f"/couples/{world.couple.id}/plan"
    assert client.post(base + "/goals", data={"goal-text": "Sneaky edit"}).status_code == 404
    assert client.post(base + "/start").status_code == 302
    versions = db.session.scalars(select(TreatmentPlan).order_by(TreatmentPlan.number)).all()
    assert [v.number for v in versions] == [1, 2] and not versions[1].is_signed
    assert [g.text for g in versions[1].goals] == [g.text for g in plan.goals]
    assert client.get(base + "/versions/1").status_code == 200
    assert client.get(base + "/versions/3").status_code == 404


def test_partners_see_the_shared_part_only_and_each_acknowledges(app, world):
    services.start_version(world.couple, world.therapist)  # a draft is never shown to partners
    db.session.commit()
    assert "Read and acknowledge it" not in _client(app, world.partner_a).get("/portal/").get_data(as_text=True)
    assert "hasn't shared a plan yet" in _client(app, world.partner_a).get("/portal/plan/").get_data(as_text=True)
    db.session.delete(services.latest_plan(world.couple))
    db.session.commit()
    signed_plan(world)
    for user in (world.partner_a, world.partner_b):
        client = _client(app, user)
        assert "Read and acknowledge it" in client.get("/portal/").get_data(as_text=True)
        page = client.get("/portal/plan/").get_data(as_text=True)
        assert "Feel close again and argue less" in page and "Both feel satisfied" in page
        assert "formulation" not in page.lower() and "Z63.0" not in page and "Map the cycle" not in page
        assert client.post("/portal/plan/acknowledge", data={"number": "1"}).status_code == 302
        assert client.post("/portal/plan/acknowledge", data={"number": "1"}).status_code == 302  # once only
        assert "You acknowledged this plan" in client.get("/portal/plan/").get_data(as_text=True)
        assert "Read and acknowledge it" not in client.get("/portal/").get_data(as_text=True)
    assert len(db.session.scalars(select(PlanAcknowledgement)).all()) == 2
    therapist = _client(app, world.therapist)
    page = therapist.get(f"/couples/{world.couple.id}/plan").get_data(as_text=True)
    assert page.count("acknowledged ") >= 2 and "not acknowledged yet" not in page


def test_a_stale_acknowledgement_is_refused(app, world):
    plan = signed_plan(world)
    new = services.start_version(world.couple, world.therapist)
    services.sign(new, world.therapist)
    db.session.commit()
    client = _client(app, world.partner_a)
    response = client.post("/portal/plan/acknowledge", data={"number": str(plan.number)})
    assert response.status_code == 303
    assert db.session.scalars(select(PlanAcknowledgement)).all() == []


def test_review_due_alert_on_the_caseload(app, world):
    plan = signed_plan(world, review_every=2)
    new_session(world.couple, world.therapist, days_ago=3)  # before the plan: not counted
    plan.signed_at = plan.signed_at - timedelta(days=1)
    db.session.commit()
    client = _client(app, world.therapist)
    assert "Treatment plan review due" not in client.get("/caseload").get_data(as_text=True)
    new_session(world.couple, world.therapist, days_ago=0)
    new_session(world.couple, world.therapist, days_ago=0, attendance="no_show")
    db.session.commit()
    assert "Treatment plan review due" not in client.get("/caseload").get_data(as_text=True)
    new_session(world.couple, world.therapist, days_ago=0)
    db.session.commit()
    assert "Treatment plan review due (2 sessions since it was signed)" in client.get("/caseload").get_data(
        as_text=True
    )


def test_notes_record_goals_and_course_shows_objectives_against_measures(app, world):
    plan = signed_plan(world)
    ts = new_session(world.couple, world.therapist, days_ago=0)
    db.session.commit()
    client = _client(app, world.therapist)
    page = client.get(f"/sessions/{ts.id}").get_data(as_text=True)
    assert "Plan goals addressed" in page
    goal = plan.goals[0]
    assert client.post(f"/sessions/{ts.id}/plan-goals", data={"goal_ids": str(goal.id)}).status_code == 302
    assert db.session.scalars(select(NoteGoal.goal_id)).all() == [goal.id]
    assert client.post(f"/sessions/{ts.id}/plan-goals", data={"goal_ids": "999999"}).status_code == 302
    assert db.session.scalars(select(NoteGoal.goal_id)).all() == [goal.id]
    assert "addressed in 1 session" in client.get(f"/couples/{world.couple.id}/plan").get_data(as_text=True)
    course = client.get(f"/couples/{world.couple.id}/course").get_data(as_text=True)
    assert "Plan objectives and measures" in course and "Waiting for answers" in course
    answer(request_for(world, "a"), [4, 4, 3, 3], world.partner_a)
    answer(request_for(world, "b"), [2, 2, 2, 2], world.partner_b)
    db.session.commit()
    course = client.get(f"/couples/{world.couple.id}/course").get_data(as_text=True)
    assert "Not yet" in course and "<td>14</td><td>8</td>" in course


def test_caseload_statements_stay_flat_with_more_plans(app, world, monkeypatch):
    from clinic.settings import PracticeSettings, clear_settings_cache
    from tests.factories import make_couple
    from tests.support.queries import counted_queries as counted

    # As in production (and tests/couples/test_query_counts.py): a saved settings row, cached per process.
    monkeypatch.setitem(app.config, "SETTINGS_CACHE_SECONDS", 60)
    db.session.add(PracticeSettings.with_defaults())
    clear_settings_cache()
    client = _client(app, world.therapist)
    first = signed_plan(world, review_every=1)
    first.signed_at -= timedelta(days=1)
    new_session(world.couple, world.therapist, days_ago=0)
    db.session.commit()
    client.get("/caseload")
    with counted() as before:
        client.get("/caseload")
    for _ in range(3):
        couple = make_couple(world.therapist)
        plan = services.start_version(couple, world.therapist)
        plan.presenting_problems = "Fictional"
        goal = services.add_goal(plan, "Fictional goal", None)
        services.add_objective(plan, goal.id, {"text": "Fictional objective"})
        services.sign(plan, world.therapist)
        plan.signed_at -= timedelta(days=1)
        new_session(couple, world.therapist, days_ago=0)
    db.session.commit()
    with counted() as after:
        page = client.get("/caseload").get_data(as_text=True)
    assert len(after) == len(before) <= 12
    assert page.count("Treatment plan review due") == 1  # review every 6 sessions (default): not yet due
