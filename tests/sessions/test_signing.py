"""Signing (attestation + password, atomic), the lock at route, form and ORM level, the content hash, addenda."""

import pytest
from sqlalchemy import select, text, update

from clinic.audit.models import AuditEvent
from clinic.extensions import db
from clinic.sessions import services
from clinic.sessions.models import NoteAddendum, NoteLocked, ProgressNote
from clinic.sessions.note_forms import EFTNoteForm
from tests.sessions.helpers import COMPLETE, PASSWORD, body, new_session


def _note(note_id) -> ProgressNote:
    return db.session.get(ProgressNote, note_id)


@pytest.fixture
def draft(world):
    therapy_session = new_session(world.couple, world.therapist, answers=COMPLETE["efct"])
    db.session.commit()
    return therapy_session


@pytest.fixture
def signed(world):
    therapy_session = new_session(
        world.couple, world.therapist, answers={**COMPLETE["efct"], "observations": "Original words"}, sign=True
    )
    db.session.commit()
    return therapy_session


def test_signing_stores_signer_time_and_hash_then_locks(client, world, login, draft):
    login(client, world.therapist)
    note_id, version = draft.progress_note.id, draft.progress_note.version
    response = client.post(
        f"/sessions/{draft.id}/note/sign",
        data=body({**COMPLETE["efct"], "observations": "Final words"}, version, attest="y", password=PASSWORD),
    )
    assert response.status_code == 302
    note = _note(note_id)
    assert note.is_signed and note.signed_by_id == world.therapist.id
    assert note.answers["observations"] == "Final words"  # what was on the page is what was signed
    assert len(note.content_hash) == 64 and note.content_hash == note.compute_hash()
    page = client.get(f"/sessions/{draft.id}").text
    assert "Signed by" in page and "Content check passed" in page and "Final words" in page
    assert "progress_note.signed" in db.session.scalars(select(AuditEvent.action)).all()


@pytest.mark.parametrize(
    "extra,message",
    [
        ({"password": "not-my-password-at-all"}, "That password is not right."),
        ({"password": ""}, "Enter your password to sign."),
        ({"attest": ""}, "Tick the attestation to sign."),
    ],
)
def test_signing_needs_attestation_and_the_right_password(client, world, login, draft, extra, message):
    login(client, world.therapist)
    data = body(COMPLETE["efct"], draft.progress_note.version, **{"attest": "y", "password": PASSWORD, **extra})
    data = {k: v for k, v in data.items() if v != ""}
    response = client.post(f"/sessions/{draft.id}/note/sign", data=data)
    assert response.status_code == 422 and message in response.text
    assert not _note(draft.progress_note.id).is_signed
    assert "not-my-password" not in response.text  # never echoed back


def test_signing_is_atomic(client, world, login, draft, monkeypatch):
    original = services.record

    def failing_record(action, *args, **kwargs):
        if action == "progress_note.signed":
            raise RuntimeError("disk full")
        return original(action, *args, **kwargs)

    monkeypatch.setattr(services, "record", failing_record)
    login(client, world.therapist)
    response = client.post(
        f"/sessions/{draft.id}/note/sign",
        data=body(COMPLETE["efct"], draft.progress_note.version, attest="y", password=PASSWORD),
    )
    assert response.status_code == 500
    note = _note(draft.progress_note.id)
    assert note.signed_at is None and note.signed_by_id is None and note.content_hash is None


# --- the lock: route level ---------------------------------------------------------------------------


def test_no_route_changes_a_signed_note(client, world, login, signed):
    login(client, world.therapist)
    note = _note(signed.progress_note.id)
    before = (dict(note.answers), note.version, note.signed_at, note.content_hash)
    changed = body(
        {**COMPLETE["efct"], "observations": "Rewritten history"}, note.version, attest="y", password=PASSWORD
    )
    edit = client.post(f"/sessions/{signed.id}/note", data=changed)
    assert edit.status_code == 409 and "signed and locked" in edit.text
    assert "Rewritten history" in edit.text  # shown back, unsaved, so it can go in an addendum
    autosave = client.post(f"/sessions/{signed.id}/note/autosave", data=changed)
    assert autosave.status_code == 409 and autosave.json["error"] == "locked"
    resign = client.post(f"/sessions/{signed.id}/note/sign", data=changed)
    assert resign.status_code == 409
    assert client.get(f"/sessions/{signed.id}/note").status_code == 302  # the edit page sends to the read view
    after = _note(signed.progress_note.id)
    assert (after.answers, after.version, after.signed_at, after.content_hash) == before


def test_text_kept_after_a_timeout_on_a_note_signed_meanwhile_is_shown_back(client, world, login, signed):
    login(client, world.therapist)
    url = f"/sessions/{signed.id}/note"
    with client.session_transaction() as session:
        session["_seen_at"] = 1_000
    client.post(
        url, data=body({"observations": "Typed in the old tab"}, 1), headers={"Referer": f"http://clinic.test{url}"}
    )
    login(client, world.therapist)
    page = client.get(url)
    assert page.status_code == 409 and "Typed in the old tab" in page.text and "signed and locked" in page.text
    assert _note(signed.progress_note.id).answers["observations"] == "Original words"


# --- the lock: form level ----------------------------------------------------------------------------


def test_forms_bind_declared_fields_only(client, world, login, draft):
    login(client, world.therapist)
    note_id = draft.progress_note.id
    sneaky = body(
        {"observations": "Just a draft"},
        draft.progress_note.version,
        signed_at="2026-01-01T00:00:00",
        signed_by_id=str(world.therapist.id),
        content_hash="0" * 64,
        template="cbct",
    )
    assert client.post(f"/sessions/{draft.id}/note", data=sneaky).status_code == 302
    note = _note(note_id)
    assert not note.is_signed and note.content_hash is None and note.template == "efct"
    assert set(note.answers) <= set(EFTNoteForm(formdata=None, meta={"csrf": False}).answers())


def test_the_save_service_refuses_a_signed_note(app, world, signed):
    note = _note(signed.progress_note.id)
    form = EFTNoteForm(formdata=None, data={**COMPLETE["efct"], "observations": "Via the form"}, meta={"csrf": False})
    with pytest.raises(NoteLocked):
        services.save_draft(note, form.answers(), note.version)
    with pytest.raises(NoteLocked):
        services.sign_note(note, world.therapist, PASSWORD, True)


# --- the lock: ORM level -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        lambda note: setattr(note, "answers", {**note.answers, "observations": "ORM edit"}),
        lambda note: setattr(note, "signed_at", None),
        lambda note: setattr(note, "content_hash", "f" * 64),
        lambda note: setattr(note, "template", "cbct"),
        lambda note: db.session.delete(note),
    ],
)
def test_the_orm_refuses_to_change_or_delete_a_signed_note(app, signed, change):
    note = _note(signed.progress_note.id)
    change(note)
    with pytest.raises(NoteLocked):
        db.session.flush()
    db.session.rollback()
    assert _note(signed.progress_note.id).answers["observations"] == "Original words"


def test_the_orm_refuses_bulk_updates_and_addendum_edits(app, world, signed):
    with pytest.raises(NoteLocked):
        db.session.execute(update(ProgressNote).values(content_hash="x"))
    db.session.rollback()
    addendum = services.add_addendum(_note(signed.progress_note.id), world.therapist, "Late entry", "Original")
    db.session.commit()
    addendum.text = "Changed later"
    with pytest.raises(NoteLocked):
        db.session.flush()
    db.session.rollback()


def test_a_draft_can_still_change_through_the_orm(app, draft):
    note = _note(draft.progress_note.id)
    note.answers = {**note.answers, "observations": "fine"}
    db.session.flush()


def test_tampering_outside_the_app_shows_a_warning(client, world, login, signed):
    tampered = '{"observations": "Tampered text", "stage": "3"}'
    db.session.execute(
        text("UPDATE progress_note SET answers = :a WHERE id = :i"), {"a": tampered, "i": signed.progress_note.id}
    )
    db.session.commit()
    login(client, world.therapist)
    page = client.get(f"/sessions/{signed.id}").text
    assert "no longer matches what was signed" in page
    assert "Content check passed" not in page


# --- addenda -----------------------------------------------------------------------------------------


def test_addenda_are_listed_in_order_under_the_original(client, world, login, signed):
    login(client, world.therapist)
    url = f"/sessions/{signed.id}/addenda"
    assert client.post(url, data={"reason": "Correction", "text": "First addendum text"}).status_code == 302
    assert client.post(url, data={"reason": "Late entry", "text": "Second addendum text"}).status_code == 302
    page = client.get(f"/sessions/{signed.id}").text
    assert page.index("Original words") < page.index("First addendum text") < page.index("Second addendum text")
    assert world.therapist.name in page and "Correction" in page
    rows = db.session.scalars(select(NoteAddendum).order_by(NoteAddendum.id)).all()
    assert [(r.reason, r.author_id) for r in rows] == [
        ("Correction", world.therapist.id),
        ("Late entry", world.therapist.id),
    ]
    assert all(r.created_at is not None for r in rows)
    note = _note(signed.progress_note.id)
    assert note.answers["observations"] == "Original words" and note.hash_ok  # the original is untouched
    assert db.session.scalars(select(AuditEvent.action)).all().count("note_addendum.added") == 2


def test_addendum_needs_reason_and_text_and_a_signed_note(client, world, login, signed, draft):
    login(client, world.therapist)
    missing = client.post(f"/sessions/{signed.id}/addenda", data={"reason": "", "text": "Body kept here"})
    assert missing.status_code == 422 and "Give the reason for this addendum." in missing.text
    assert "Body kept here" in missing.text
    on_draft = client.post(f"/sessions/{draft.id}/addenda", data={"reason": "Correction", "text": "Too early"})
    assert on_draft.status_code == 422 and "Addenda are for signed notes" in on_draft.text
    assert db.session.scalars(select(NoteAddendum)).all() == []
