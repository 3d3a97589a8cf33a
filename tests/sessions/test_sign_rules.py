"""The signing rules, enforced in one place (services.sign_note): a draft, its clinician, the right
password, the attestation and a complete note; every problem reported at once, next to its field."""

import pytest
from sqlalchemy import select

from clinic.audit.models import AuditEvent
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.sessions import services
from clinic.sessions.models import NoteLocked, ProgressNote
from tests.sessions.helpers import COMPLETE, PASSWORD, body, new_session


def _note(note_id) -> ProgressNote:
    return db.session.get(ProgressNote, note_id)


def _draft(world, answers=None):
    therapy_session = new_session(world.couple, world.therapist, answers=answers or COMPLETE["efct"])
    db.session.commit()
    return therapy_session


def _refusal(note, signer, password=PASSWORD, attested=True) -> DomainError:
    with pytest.raises(DomainError) as caught:
        services.sign_note(note, signer, password, attested)
    return caught.value


@pytest.mark.parametrize(
    "password,attested,changes,field,message",
    [
        ("", True, {}, "password", "Enter your password to sign."),
        ("not-my-password-at-all", True, {}, "password", "That password is not right."),
        (PASSWORD, False, {}, "attest", "Tick the attestation to sign."),
        (PASSWORD, True, {"plan": ""}, "plan", "Write the plan for the next session."),
        (PASSWORD, True, {"risk_b": None}, "risk_b", "Record the risk check for each partner before signing."),
        (PASSWORD, True, {"risk_a": "high"}, "risk_note_a", "Describe the risk and what you did about it."),
        (PASSWORD, True, {"stage": None}, "stage", "Choose the stage you worked in."),
        (PASSWORD, True, {"enactment": None}, "enactment", "Say whether an enactment was attempted."),
    ],
)
def test_each_rule_refuses_with_its_field_message(app, world, password, attested, changes, field, message):
    note = _draft(world, {**COMPLETE["efct"], **changes}).progress_note
    error = _refusal(note, world.therapist, password, attested)
    assert error.problems == {field: message}
    assert error.field == field and error.message == message  # what single-message callers read
    assert not note.is_signed and note.signed_by_id is None and note.content_hash is None


@pytest.mark.parametrize(
    "model,field",
    [("cbct", "agenda"), ("cbct", "modules"), ("integrative", "phase")],
)
def test_completeness_follows_the_note_template(app, world, model, field):
    note = new_session(world.couple, world.therapist, model=model, answers={**COMPLETE[model], field: None})
    db.session.commit()
    assert set(_refusal(note.progress_note, world.therapist).problems) == {field}


def test_a_complete_attested_note_with_the_right_password_is_signed(app, world):
    note = _draft(world).progress_note
    services.sign_note(note, world.therapist, PASSWORD, True)
    assert note.is_signed and note.signed_by_id == world.therapist.id and note.content_hash == note.compute_hash()


def test_every_problem_is_reported_at_once(app, world):
    note = _draft(world, {"risk_a": "none"}).progress_note
    problems = _refusal(note, world.therapist, "", False).problems
    assert {"password", "attest", "risk_b", "plan", "stage", "steps", "enactment"} <= set(problems)


def test_a_signed_note_cannot_be_signed_again(app, world):
    therapy_session = new_session(world.couple, world.therapist, answers=COMPLETE["efct"], sign=True)
    db.session.commit()
    note = _note(therapy_session.progress_note.id)
    signed_at, content_hash = note.signed_at, note.content_hash
    with pytest.raises(NoteLocked):
        services.sign_note(note, world.therapist, PASSWORD, True)
    assert (note.signed_at, note.content_hash) == (signed_at, content_hash)


def test_another_clinician_cannot_sign(app, world):
    note = _draft(world).progress_note
    error = _refusal(note, world.other_therapist)
    assert error.field == "signer" and "treating therapist" in error.message
    assert not note.is_signed


def test_another_clinician_cannot_even_reach_the_sign_route(client, world, login):
    therapy_session = _draft(world)
    login(client, world.other_therapist)
    data = body(COMPLETE["efct"], therapy_session.progress_note.version, attest="y", password=PASSWORD)
    assert client.post(f"/sessions/{therapy_session.id}/note/sign", data=data).status_code == 404
    assert not _note(therapy_session.progress_note.id).is_signed


def test_a_refused_signature_keeps_the_draft_and_shows_every_problem(client, world, login):
    therapy_session = _draft(world)
    note_id, version = therapy_session.progress_note.id, therapy_session.progress_note.version
    login(client, world.therapist)
    typed = {**COMPLETE["efct"], "plan": None, "stage": None, "observations": "Words typed before signing"}
    response = client.post(f"/sessions/{therapy_session.id}/note/sign", data=body(typed, version, password=""))
    assert response.status_code == 422
    for message in (
        "Enter your password to sign.",
        "Tick the attestation to sign.",
        "Write the plan for the next session.",
        "Choose the stage you worked in.",
    ):
        assert message in response.text
    note = _note(note_id)
    assert not note.is_signed and note.answers["observations"] == "Words typed before signing"
    assert note.version == version + 1  # saved once; the page carries the new version for the next save
    assert f'name="version" type="hidden" value="{note.version}"' in response.text
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "progress_note.sign_refused" in actions and "progress_note.signed" not in actions
