"""Drafts are never lost: Save draft, autosave, recovery after an expired session, edit conflicts, the
homework-review prefill."""

import pytest
from markupsafe import escape
from sqlalchemy import select

from clinic.auth.models import PendingSubmission
from clinic.extensions import db
from clinic.sessions.models import ProgressNote
from tests.sessions.helpers import body, new_session

LONG_TEXT = (
    "Alex: „Ich bin hier“ — then silence.\nJordan looked away; 7 minutes later he said <he'd try> & "
    "stayed.\n\tTab-indented line with émojis 🌊 and 'quotes' \"double\""
)


def _draft(world):
    therapy_session = new_session(world.couple, world.therapist)
    db.session.commit()
    return therapy_session, therapy_session.progress_note


def _note(note_id) -> ProgressNote:
    return db.session.get(ProgressNote, note_id)


def test_save_draft_keeps_everything_and_redirects(client, world, login):
    therapy_session, note = _draft(world)
    login(client, world.therapist)
    response = client.post(
        f"/sessions/{therapy_session.id}/note",
        data=body({"observations": LONG_TEXT, "steps": ["1", "3"]}, note.version),
    )
    assert response.status_code == 302
    stored = _note(note.id)
    assert stored.answers["observations"] == LONG_TEXT and stored.answers["steps"] == ["1", "3"]
    page = client.get(f"/sessions/{therapy_session.id}/note").text
    assert str(escape(LONG_TEXT)) in page


def test_page_loads_the_autosave_script_and_carries_the_url(client, world, login):
    therapy_session, _ = _draft(world)
    login(client, world.therapist)
    page = client.get(f"/sessions/{therapy_session.id}/note").text
    assert "js/notes.js" in page and f'data-autosave-url="/sessions/{therapy_session.id}/note/autosave"' in page
    assert "<script>" not in page and "style=" not in page and "onclick" not in page


def test_autosave_answers_json_and_moves_the_version_on(client, world, login):
    therapy_session, note = _draft(world)
    login(client, world.therapist)
    url = f"/sessions/{therapy_session.id}/note/autosave"
    first = client.post(
        url, data=body({"observations": "First words"}, note.version), headers={"Accept": "application/json"}
    )
    assert first.status_code == 200 and first.json["ok"] is True
    second = client.post(url, data=body({"observations": "First words, more"}, first.json["version"]))
    assert second.status_code == 200
    assert _note(note.id).answers["observations"] == "First words, more"
    assert second.json["version"] == first.json["version"] + 1


def test_autosave_with_csrf_on_needs_the_header(make_app, world, login):
    app = make_app(WTF_CSRF_ENABLED=True)
    therapy_session, note = _draft(world)
    client = app.test_client()
    login(client, world.therapist)
    page = client.get(f"/sessions/{therapy_session.id}/note").text
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    url = f"/sessions/{therapy_session.id}/note/autosave"
    refused = client.post(url, data=body({"observations": "No token"}, note.version))
    assert refused.status_code == 400
    ok = client.post(
        url,
        data=body({"observations": "With token", "csrf_token": token}, note.version),
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )
    assert ok.status_code == 200, ok.text
    assert _note(note.id).answers["observations"] == "With token"


def test_autosave_of_a_stale_version_is_a_409_and_changes_nothing(client, world, login):
    therapy_session, note = _draft(world)
    login(client, world.therapist)
    url, seen = f"/sessions/{therapy_session.id}/note/autosave", note.version
    client.post(url, data=body({"observations": "Tab one"}, seen))
    stale = client.post(url, data=body({"observations": "Tab two"}, seen))
    assert stale.status_code == 409 and stale.json["error"] == "conflict"
    assert _note(note.id).answers["observations"] == "Tab one"


def test_autosave_shape_error_is_422_json(client, world, login):
    therapy_session, note = _draft(world)
    login(client, world.therapist)
    response = client.post(f"/sessions/{therapy_session.id}/note/autosave", data=body({"stage": "9"}, note.version))
    assert response.status_code == 422 and "stage" in response.json["errors"]


def test_edit_conflict_between_two_clients_shows_both_and_overwrites_nothing(app, world, login):
    therapy_session, note = _draft(world)
    url, seen = f"/sessions/{therapy_session.id}/note", note.version
    laptop, tablet = app.test_client(), app.test_client()
    for device in (laptop, tablet):
        login(device, world.therapist)
        assert device.get(url).status_code == 200
    assert laptop.post(url, data=body({"observations": "Written on the laptop"}, seen)).status_code == 302
    conflict = tablet.post(url, data=body({"observations": "Written on the tablet"}, seen))
    assert conflict.status_code == 409
    assert "Written on the laptop" in conflict.text  # the version saved meanwhile
    assert "Written on the tablet" in conflict.text  # the user's own text, kept in the form
    assert _note(note.id).answers["observations"] == "Written on the laptop"
    # The conflict page carries the current version; saving again applies the writer's choice knowingly.
    current = _note(note.id).version
    assert f'name="version" type="hidden" value="{current}"' in conflict.text
    choice = {"resolving": "1", "keep-observations": "mine"}
    again = tablet.post(url, data={**body({"observations": "Written on the tablet"}, current), **choice})
    assert again.status_code == 302
    assert _note(note.id).answers["observations"] == "Written on the tablet"


def test_a_conflict_discards_nothing_until_the_writer_chooses_field_by_field(app, world, login):
    """#18: tab 1 writes the observations; tab 2 (opened before, observations empty) writes the plan."""
    therapy_session, note = _draft(world)
    url, seen = f"/sessions/{therapy_session.id}/note", note.version
    first, second = app.test_client(), app.test_client()
    for tab in (first, second):
        login(tab, world.therapist)
    assert first.post(url, data=body({"observations": "Observed in tab one"}, seen)).status_code == 302
    conflict = second.post(url, data=body({"plan": "Plan from tab two"}, seen))
    assert conflict.status_code == 409
    page = conflict.text
    for name in ("observations", "plan"):
        assert f'name="keep-{name}" value="saved"' in page and f'name="keep-{name}" value="mine"' in page
    assert 'name="resolving"' in page and "data-autosave-url" not in page  # no autosave while choosing
    current = _note(note.id).version
    form = {**body({"plan": "Plan from tab two"}, current), "resolving": "1"}

    # Pressing Save draft without choosing saves nothing and discards nothing.
    unchosen = second.post(url, data=form)
    assert unchosen.status_code == 409 and "Choose which version to keep" in unchosen.text
    assert _note(note.id).answers["observations"] == "Observed in tab one"
    assert second.post(url + "/autosave", data=form).status_code == 409  # autosave can't settle it either

    # Keep tab one's observations and tab two's plan: both survive.
    chosen = second.post(url, data={**form, "keep-observations": "saved", "keep-plan": "mine"})
    assert chosen.status_code == 302
    answers = _note(note.id).answers
    assert answers["observations"] == "Observed in tab one" and answers["plan"] == "Plan from tab two"


def test_keep_both_merges_the_two_texts(app, world, login):
    therapy_session, note = _draft(world)
    url, seen = f"/sessions/{therapy_session.id}/note", note.version
    first, second = app.test_client(), app.test_client()
    for tab in (first, second):
        login(tab, world.therapist)
    first.post(url, data=body({"observations": "From the laptop"}, seen))
    second.post(url, data=body({"observations": "From the phone"}, seen))
    current = _note(note.id).version
    form = {**body({"observations": "From the phone"}, current), "resolving": "1", "keep-observations": "both"}
    assert second.post(url, data=form).status_code == 302
    assert _note(note.id).answers["observations"] == "From the laptop\n\nFrom the phone"


def _expire(client):
    with client.session_transaction() as session:
        session["_seen_at"] = 1_000  # long before any idle timeout


def test_note_sent_after_the_session_expired_is_restored_after_sign_in(client, world, login):
    therapy_session, note = _draft(world)
    login(client, world.therapist)
    url = f"/sessions/{therapy_session.id}/note"
    client.get(url)
    _expire(client)
    sent = body({"observations": LONG_TEXT, "steps": ["2", "3"], "cycle_note": "Second field"}, note.version)
    response = client.post(url, data=sent, headers={"Referer": f"http://clinic.test{url}"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "next=" in response.headers["Location"]
    assert _note(note.id).answers.get("observations") is None  # not saved: the session had ended
    login(client, world.therapist)
    page = client.get(url)
    assert page.status_code == 200
    assert "We restored what you were typing" in page.text
    assert str(escape(LONG_TEXT)) in page.text
    assert "Second field" in page.text
    assert '<input checked id="steps-1" name="steps" type="checkbox" value="2">' in page.text
    assert '<input checked id="steps-2" name="steps" type="checkbox" value="3">' in page.text
    assert db.session.scalars(select(PendingSubmission)).all() == []  # taken once, then gone
    # Saving the restored form stores every character.
    restored = client.post(url, data=sent)
    assert restored.status_code == 302
    assert _note(note.id).answers["observations"] == LONG_TEXT


def test_autosave_after_expiry_is_kept_and_restored(client, world, login):
    therapy_session, note = _draft(world)
    login(client, world.therapist)
    page_url = f"/sessions/{therapy_session.id}/note"
    _expire(client)
    response = client.post(
        page_url + "/autosave",
        data=body({"observations": LONG_TEXT}, note.version),
        headers={"Accept": "application/json", "Referer": f"http://clinic.test{page_url}"},
    )
    assert response.status_code == 401 and response.json["kept"] is True
    login(client, world.therapist)
    assert str(escape(LONG_TEXT)) in client.get(page_url).text


def test_restored_form_never_brings_back_a_password(client, world, login):
    therapy_session, note = _draft(world)
    login(client, world.therapist)
    url = f"/sessions/{therapy_session.id}/note"
    _expire(client)
    client.post(
        url + "/sign",
        data=body({"observations": "Signed too late"}, note.version, password="pw-typed-here", attest="y"),
        headers={"Referer": f"http://clinic.test{url}"},
    )
    login(client, world.therapist)
    page = client.get(url).text
    assert "Signed too late" in page and "pw-typed-here" not in page


def test_new_note_prefills_homework_review_from_the_homework_domain(app, world, monkeypatch):
    calls = []

    def fake_summary(couple, since_at):
        calls.append((couple.id, since_at))
        return "Ari: breathing log 5 of 7 days.\nBea: 3 of 7."

    import clinic.registry

    monkeypatch.setattr(clinic.registry, "_homework_review", [fake_summary])
    first = new_session(world.couple, world.therapist, days_ago=14)
    second = new_session(world.couple, world.therapist, days_ago=7)
    assert second.progress_note.answers["homework_review"] == "Ari: breathing log 5 of 7 days.\nBea: 3 of 7."
    assert calls[-1] == (world.couple.id, first.starts_at)  # since the previous session


def test_a_missing_homework_review_provider_raises_instead_of_dropping_the_section(app, world, monkeypatch):
    import clinic.registry

    monkeypatch.setattr(clinic.registry, "_homework_review", [])
    with pytest.raises(LookupError, match="homework review"):
        new_session(world.couple, world.therapist)


def test_text_sent_from_a_refused_signing_page_is_restored_too(client, world, login):
    """A refused signing leaves the page at /note/sign; a timeout there must not lose the text either."""
    therapy_session, note = _draft(world)
    login(client, world.therapist)
    sign_url = f"/sessions/{therapy_session.id}/note/sign"
    _expire(client)
    response = client.post(
        f"/sessions/{therapy_session.id}/note",
        data=body({"observations": LONG_TEXT}, note.version),
        headers={"Referer": f"http://clinic.test{sign_url}"},
    )
    assert "next=" in response.headers["Location"]
    login(client, world.therapist)
    back = client.get(sign_url)  # where sign-in sends the therapist back to
    assert back.status_code == 302 and back.headers["Location"].endswith(f"/sessions/{therapy_session.id}/note")
    page = client.get(back.headers["Location"]).text
    assert "We restored what you were typing" in page and str(escape(LONG_TEXT)) in page


def test_addendum_sent_after_the_session_expired_is_restored(client, world, login):
    from tests.sessions.helpers import COMPLETE

    therapy_session = new_session(world.couple, world.therapist, answers=COMPLETE["efct"], sign=True)
    db.session.commit()
    login(client, world.therapist)
    page_url = f"/sessions/{therapy_session.id}"
    _expire(client)
    client.post(
        page_url + "/addenda",
        data={"reason": "Late entry", "text": LONG_TEXT},
        headers={"Referer": f"http://clinic.test{page_url}"},
    )
    login(client, world.therapist)
    page = client.get(page_url).text
    assert "We restored the addendum you were writing" in page and str(escape(LONG_TEXT)) in page
