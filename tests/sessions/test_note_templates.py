"""Each template's validation: shape errors refuse the save (422, text kept); completeness is checked at signing."""

import pytest

from clinic.extensions import db
from clinic.sessions.models import ProgressNote
from tests.sessions.helpers import COMPLETE, PASSWORD, STAGE2, body, new_session


def _draft(world, model):
    therapy_session = new_session(world.couple, world.therapist, model=model)
    db.session.commit()
    return therapy_session, therapy_session.progress_note


def _note(note_id) -> ProgressNote:
    return db.session.get(ProgressNote, note_id)


@pytest.mark.parametrize("model", ["efct", "cbct", "integrative"])
def test_each_template_saves_structured_answers(client, world, login, model):
    therapy_session, note = _draft(world, model)
    login(client, world.therapist)
    page = client.get(f"/sessions/{therapy_session.id}/note")
    assert page.status_code == 200
    response = client.post(f"/sessions/{therapy_session.id}/note", data=body(COMPLETE[model], note.version))
    assert response.status_code == 302
    saved = _note(note.id).answers
    for key, value in COMPLETE[model].items():
        assert saved[key] == value


def test_eft_form_uses_the_model_vocabulary(client, world, login):
    therapy_session, _ = _draft(world, "efct")
    login(client, world.therapist)
    text = client.get(f"/sessions/{therapy_session.id}/note").text
    for words in (
        "Cycle de-escalation",
        "Restructuring interactional positions",
        "Withdrawer · re-engagement",
        "Pursuer / blamer · softening",
        "Attachment injury",
        "Empathic conjecture",
        "Heightening",
        "Mirroring present process",
        "Took it in and responded",
        "Identify the negative interaction cycle",
        f"Cycle observed — {world.couple.partner('a').name}",
    ):
        assert words in text


@pytest.mark.parametrize(
    "model,bad,message",
    [
        ("efct", {"stage": "4"}, "Not a valid choice"),
        ("efct", {"steps": ["2", "10"]}, "not a valid choice"),
        ("efct", {"enactment_received": "green"}, "Not a valid choice"),
        ("cbct", {"week_rating_a": "11"}, "Use a whole number from 0 to 10."),
        ("cbct", {"cognition_types": ["mind_reading"]}, "not a valid choice"),
        ("integrative", {"acceptance": ["wishful_thinking"]}, "not a valid choice"),
        ("integrative", {"observations": "x" * 4001}, "This is 4,001 characters; keep it to 4,000 or fewer."),
        ("cbct", {"agenda": "Budget\x00talk"}, "Remove the invisible control characters"),
    ],
)
def test_shape_errors_are_refused_and_keep_the_text(client, world, login, model, bad, message):
    therapy_session, note = _draft(world, model)
    login(client, world.therapist)
    data = body({**COMPLETE[model], "plan": "Plan typed before the mistake", **bad}, note.version)
    response = client.post(f"/sessions/{therapy_session.id}/note", data=data)
    assert response.status_code == 422
    assert message in response.text
    assert "Plan typed before the mistake" in response.text
    assert _note(note.id).answers.get("plan") is None


@pytest.mark.parametrize(
    "model,answers,field_message",
    [
        ("efct", {"stage": None}, "Choose the stage you worked in."),
        ("efct", {"steps": []}, "Tick at least one step you worked on."),
        ("efct", {"stage": "1", "steps": ["5"]}, "A step from a later stage is ticked"),
        ("efct", {"stage": "2", "steps": ["5"]}, "Say whether this partner is worked with as withdrawer or pursuer."),
        ("efct", {"stage": "2", "steps": ["5"], **STAGE2, "stage2_b": None}, "Record where this partner stands"),
        ("efct", {"enactment": "yes"}, "Say what the receiving partner did with it."),
        ("efct", {"enactment": "yes", "enactment_speaker": "a"}, "Describe the enactment in words."),
        ("efct", {"injury": "yes"}, "Say which partner was injured."),
        ("efct", {"injury": "yes", "injured_partner": "a"}, "Describe the injury as the injured partner tells it."),
        ("cbct", {"modules": []}, "Tick at least one module you worked on."),
        ("cbct", {"modules": ["cognitive_restructuring"]}, "Tick the cognition types you worked with."),
        ("cbct", {"listener_skill_b": None}, "Rate the listener skills you observed"),
        ("cbct", {"speaker_skill_a": None}, "Rate the speaker skills you observed"),
        ("cbct", {"agenda": None}, "Write the session&#39;s agenda."),
        ("integrative", {"acceptance": []}, "Tick the acceptance or change strategies you used."),
        ("integrative", {"phase": "feedback", "acceptance": []}, "Tick the DEEP elements you addressed."),
        ("efct", {"risk_b": None}, "Record the risk check for each partner before signing."),
        ("cbct", {"risk_a": "high"}, "Describe the risk and what you did about it."),
        ("integrative", {"plan": None}, "Write the plan for the next session."),
    ],
)
def test_signing_requires_a_complete_note(client, world, login, model, answers, field_message):
    therapy_session, note = _draft(world, model)
    login(client, world.therapist)
    data = body(
        {**COMPLETE[model], **answers, "observations": "Kept while refusing"},
        note.version,
        attest="y",
        password=PASSWORD,
    )
    response = client.post(f"/sessions/{therapy_session.id}/note/sign", data=data)
    assert response.status_code == 422
    assert field_message in response.text
    assert "Your draft is saved" in response.text
    stored = _note(note.id)
    assert not stored.is_signed
    assert stored.answers["observations"] == "Kept while refusing"  # the draft was saved anyway


def test_complete_notes_of_every_template_can_be_signed(client, world, login):
    login(client, world.therapist)
    for model in ("efct", "cbct", "integrative"):
        therapy_session, note = _draft(world, model)
        data = body(COMPLETE[model], note.version, attest="y", password=PASSWORD)
        response = client.post(f"/sessions/{therapy_session.id}/note/sign", data=data)
        assert response.status_code == 302, model
        assert _note(note.id).is_signed


def test_a_no_show_is_signed_with_just_the_plan(client, world, login):
    therapy_session, note = _draft(world, "efct")
    therapy_session.attendance = "no_show"
    db.session.commit()
    login(client, world.therapist)
    data = body({"plan": "Phoned both; rebooked for next week."}, note.version, attest="y", password=PASSWORD)
    response = client.post(f"/sessions/{therapy_session.id}/note/sign", data=data)
    assert response.status_code == 302
    assert _note(note.id).is_signed
