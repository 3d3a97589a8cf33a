"""The couple's current stage, which the note form opens at (#18): the pure rule and the one query."""

import pytest

from clinic.extensions import db
from clinic.sessions import services
from clinic.sessions.note_forms import note_form_class
from clinic.sessions.stages import current_stage, earlier_signed_notes, note_parts, risk_raised
from tests.sessions.helpers import COMPLETE, new_session


@pytest.mark.parametrize(
    ("template", "label", "opens"),
    [
        ("efct", "Stage 1 · Cycle de-escalation", "The cycle this session"),
        ("cbct", "Assessment and the first module", "Check-in and agenda"),
        ("integrative", "Phase · Assessment", "DEEP formulation"),
    ],
)
def test_no_signed_note_yet_is_the_first_stage(template, label, opens):
    stage = current_stage(template, None)
    assert stage.label == label and stage.session_number is None
    assert opens in stage.parts
    assert "no signed note yet" in stage.detail


def test_eft_stage_and_steps_from_the_last_signed_note():
    stage = current_stage("efct", {"stage": "2", "steps": ["5", "6"]}, 7)
    assert stage.label == "Stage 2 · Restructuring interactional positions"
    assert stage.session_number == 7 and "session 7" in stage.detail and "steps 5, 6" in stage.detail
    assert "Stage 2, per partner (steps 5–7 run once for each partner)" in stage.parts
    assert "Stage and steps" in stage.parts and "The cycle this session" not in stage.parts
    assert "Change events and observations" in current_stage("efct", {"stage": "3"}, 9).parts


def test_eft_note_without_a_stage_falls_back_to_the_first_stage():
    stage = current_stage("efct", {"stage": "", "plan": "x"}, 4)
    assert stage.label.startswith("Stage 1") and stage.session_number is None


def test_cbct_stage_is_the_modules_last_worked_on():
    stage = current_stage("cbct", {"modules": ["communication_sharing", "cognitive_restructuring"]}, 3)
    assert stage.label == "Communication training · sharing thoughts and feelings; Cognitive restructuring"
    assert {"Skill practice", "Cognitions identified", "Modules worked on"} <= set(stage.parts)
    assert "Observations" not in stage.parts


def test_integrative_phase():
    assert current_stage("integrative", {"phase": "treatment"}, 2).parts == ("Phase", "Strategies used")
    assert current_stage("integrative", {"phase": "feedback"}, 2).label == "Phase · Feedback session (DEEP formulation)"


def test_risk_raised_for_either_partner():
    assert not risk_raised(None) and not risk_raised({"risk_a": "low", "risk_b": "none"})
    assert risk_raised({"risk_a": "none", "risk_b": "moderate"}) and risk_raised({"risk_a": "high"})


def test_earlier_signed_notes_reads_the_last_signed_note_ignoring_drafts_later_sessions_and_errors(world):
    couple, therapist = world.couple, world.therapist
    new_session(couple, therapist, model="efct", days_ago=30, answers={**COMPLETE["efct"], "stage": "1"}, sign=True)
    second = {**COMPLETE["efct"], "stage": "2", "steps": ["5"], **_stage2(), "risk_b": "moderate", "risk_note_b": "x"}
    new_session(couple, therapist, model="efct", days_ago=20, answers=second, sign=True)
    cbct = new_session(couple, therapist, model="cbct", days_ago=15, answers=COMPLETE["cbct"], sign=True)
    new_session(couple, therapist, model="efct", days_ago=10, answers={"stage": "3"})  # a draft: ignored
    wrong = new_session(couple, therapist, model="efct", days_ago=8, answers={**COMPLETE["efct"], "stage": "3"})
    services.sign_note(wrong.progress_note, therapist, "violet-canyon-ferry-17", True)
    wrong.entered_in_error_at = wrong.starts_at  # entered in error: ignored
    current = new_session(couple, therapist, model="efct", days_ago=1)
    new_session(couple, therapist, model="efct", days_ago=0, answers={**COMPLETE["efct"], "stage": "3"}, sign=True)
    db.session.commit()

    earlier = earlier_signed_notes(current, "efct")
    assert earlier.same_template["stage"] == "2" and earlier.same_number == 2
    assert earlier.any_template["agenda"] == "Budget talk"  # the CBCT note of session 3 is the latest of all
    assert current_stage("efct", earlier.same_template, earlier.same_number).label.startswith("Stage 2")
    assert not risk_raised(earlier.any_template)
    assert earlier_signed_notes(cbct, "efct").same_number == 2 and risk_raised(
        earlier_signed_notes(cbct, "efct").any_template
    )

    first = new_session(world.other_couple, world.other_therapist, days_ago=1)
    none = earlier_signed_notes(first, first.model)
    assert none.same_template is None and none.same_number is None and none.any_template is None


def _stage2():
    return {
        "stage2_role_a": "pursuer",
        "stage2_role_b": "withdrawer",
        "stage2_a": "in_progress",
        "stage2_b": "not_started",
    }


def test_note_parts_open_the_stage_the_plan_and_what_has_content_or_problems(world):
    form = note_form_class("efct")(
        formdata=None, data={"observations": "Typed", "injury": "yes"}, couple=world.couple, meta={"csrf": False}
    )
    form.enactment.errors = ["Say whether an enactment was attempted."]
    parts = {p.heading: p for p in note_parts(form, current_stage("efct", {"stage": "2"}, 5))}
    assert parts["Stage 2, per partner (steps 5–7 run once for each partner)"].is_open  # the current stage
    assert parts["Plan for next session"].is_open
    assert (
        not parts["The cycle this session"].is_open
        and not parts["Narrative (optional, Data / Assessment / Plan)"].is_open
    )
    assert (
        parts["Change events and observations"].is_open and parts["Change events and observations"].mark == "has text"
    )
    assert parts["Attachment injury"].is_open and parts["Attachment injury"].mark == "answered"
    assert parts["Enactment"].errors == 1 and parts["Enactment"].is_open
    assert not parts["Risk check"].is_open
    risky = {p.heading: p for p in note_parts(form, current_stage("efct", None), "a reason")}
    assert risky["Risk check"].is_open and risky["Risk check"].why == "a reason"
