"""Process notes: their author alone reads and writes them; everyone else gets 404 and never the text."""

import pytest
from sqlalchemy import select

from clinic.extensions import db
from clinic.sessions.export import couple_sessions_record
from clinic.sessions.models import ProcessNote
from tests.sessions.helpers import COMPLETE, new_session

CANARY = "PROCESS-CANARY-7f3a: my own countertransference"


@pytest.fixture
def with_process_note(client, world, login):
    therapy_session = new_session(world.couple, world.therapist, answers=COMPLETE["efct"], sign=True)
    db.session.commit()
    login(client, world.therapist)
    response = client.post(f"/sessions/{therapy_session.id}/process-note", data={"text": CANARY, "version": "0"})
    assert response.status_code == 302
    return therapy_session


def test_the_author_reads_and_edits_their_process_note(client, world, with_process_note):
    url = f"/sessions/{with_process_note.id}/process-note"
    page = client.get(url)
    assert page.status_code == 200 and CANARY in page.text and "Private to you" in page.text
    note = db.session.scalar(select(ProcessNote))
    assert client.post(url, data={"text": CANARY + " (revised)", "version": str(note.version)}).status_code == 302
    assert db.session.scalar(select(ProcessNote)).text.endswith("(revised)")


def test_process_note_is_folded_on_the_session_page_and_absent_elsewhere(client, world, with_process_note):
    session_page = client.get(f"/sessions/{with_process_note.id}").text
    assert "Show your process note" in session_page and CANARY in session_page.split("<details>")[1]
    for url in (f"/couples/{world.couple.id}/course", f"/couples/{world.couple.id}/sessions"):
        assert CANARY not in client.get(url).text


@pytest.mark.parametrize("actor", ["partner_a", "partner_b", "outsider", "other_therapist", "admin"])
def test_nobody_else_can_see_or_write_it(app, world, login, with_process_note, actor):
    other = app.test_client()
    login(other, world.actor(actor))
    urls = [
        f"/sessions/{with_process_note.id}/process-note",
        f"/sessions/{with_process_note.id}",
        f"/sessions/{with_process_note.id}/note",
        f"/couples/{world.couple.id}/course",
        f"/couples/{world.couple.id}/sessions",
    ]
    for url in urls:
        response = other.get(url)
        assert response.status_code == 404, (actor, url)
        assert CANARY not in response.text
    write = other.post(urls[0], data={"text": "Overwritten", "version": "1"})
    assert write.status_code == 404
    assert db.session.scalar(select(ProcessNote)).text == CANARY


def test_a_new_treating_therapist_does_not_get_the_previous_authors_note(app, world, login, with_process_note):
    world.couple.therapist_id = world.other_therapist.id
    db.session.commit()
    successor = app.test_client()
    login(successor, world.other_therapist)
    page = successor.get(f"/sessions/{with_process_note.id}/process-note")
    assert page.status_code == 200 and CANARY not in page.text


def test_process_notes_leave_the_export_unless_included(world, with_process_note):
    without = couple_sessions_record(world.couple, include_process_notes=False)
    assert CANARY not in repr(without) and "process_note" not in without[0]
    included = couple_sessions_record(world.couple, include_process_notes=True)
    assert included[0]["process_note"] == CANARY


def test_process_note_conflict_keeps_both(app, world, login, with_process_note):
    url = f"/sessions/{with_process_note.id}/process-note"
    seen = db.session.scalar(select(ProcessNote)).version
    one, two = app.test_client(), app.test_client()
    login(one, world.therapist)
    login(two, world.therapist)
    assert one.post(url, data={"text": "From window one", "version": str(seen)}).status_code == 302
    clash = two.post(url, data={"text": "From window two", "version": str(seen)})
    assert clash.status_code == 409 and "From window one" in clash.text and "From window two" in clash.text
    assert db.session.scalar(select(ProcessNote)).text == "From window one"


def test_process_note_conflict_saves_nothing_until_the_writer_chooses(app, world, login, with_process_note):
    url = f"/sessions/{with_process_note.id}/process-note"
    seen = db.session.scalar(select(ProcessNote)).version
    one, two = app.test_client(), app.test_client()
    login(one, world.therapist)
    login(two, world.therapist)
    one.post(url, data={"text": "From window one", "version": str(seen)})
    clash = two.post(url, data={"text": "From window two", "version": str(seen)})
    assert 'name="keep-text" value="both"' in clash.text and "data-autosave-url" not in clash.text
    current = str(db.session.scalar(select(ProcessNote)).version)
    form = {"text": "From window two", "version": current, "resolving": "1"}
    unchosen = two.post(url, data=form)
    assert unchosen.status_code == 409 and "Choose which version to keep" in unchosen.text
    assert db.session.scalar(select(ProcessNote)).text == "From window one"
    assert two.post(url, data={**form, "keep-text": "both"}).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(ProcessNote)).text == "From window one\n\nFrom window two"


def test_process_notes_autosave_like_progress_notes(client, world, login, with_process_note):
    url = f"/sessions/{with_process_note.id}/process-note"
    login(client, world.therapist)
    page = client.get(url).text
    assert f'data-autosave-url="{url}/autosave"' in page and "js/notes.js" in page
    seen = db.session.scalar(select(ProcessNote)).version
    saved = client.post(url + "/autosave", data={"text": "Typed, not yet saved by hand", "version": str(seen)})
    assert saved.status_code == 200 and saved.json["ok"] and saved.json["version"] == seen + 1
    db.session.expire_all()
    assert db.session.scalar(select(ProcessNote)).text == "Typed, not yet saved by hand"
    stale = client.post(url + "/autosave", data={"text": "Old tab", "version": str(seen)})
    assert stale.status_code == 409 and stale.json["error"] == "conflict"


def test_a_20000_character_paste_is_refused_whole_with_a_message(client, world, login, with_process_note):
    url = f"/sessions/{with_process_note.id}/process-note"
    login(client, world.therapist)
    seen = db.session.scalar(select(ProcessNote)).version
    long_text = "word " * 4001  # 20,004 characters after trimming
    response = client.post(url, data={"text": long_text, "version": str(seen)})
    assert response.status_code == 422
    assert "This is 20,004 characters; keep it to 20,000 or fewer." in response.text
    assert long_text.strip() in response.text and "maxlength" not in response.text.split('name="text"')[1][:200]
    assert client.post(url + "/autosave", data={"text": long_text, "version": str(seen)}).status_code == 422
