"""A supervisor's search of their supervisees' couples, and co-signatures outstanding when a couple moves."""

import pytest
from sqlalchemy import select

from clinic.audit.models import AuditEvent
from clinic.couples.models import Couple
from clinic.extensions import db
from clinic.sessions import services as note_services
from clinic.supervision import services
from clinic.supervision.models import Cosignature
from tests.factories import make_couple, make_user
from tests.sessions.helpers import COMPLETE, PASSWORD, new_session


@pytest.fixture
def supervisor(world):
    made = make_user("therapist", name="Dr. Fictional Supervisor")
    services.link(world.therapist.id, made.id, world.admin)
    db.session.commit()
    return made


def _search(client, q):
    return client.post("/supervision/search", data={"q": q})


# --- search ----------------------------------------------------------------------------------------
def test_supervisor_finds_a_supervisees_couple_by_couple_or_partner_name(client, world, login, supervisor):
    login(client, supervisor)
    assert "Find a supervisee's couple" in client.get("/supervision/").text
    found = _search(client, "owner")
    assert found.status_code == 200
    assert f"/supervision/couples/{world.couple.id}" in found.text  # the read-only supervision page
    assert f'href="/couples/{world.couple.id}"' not in found.text  # never the treating therapist's page
    assert world.therapist.name in found.text
    partner = world.couple.partner("b").name
    assert f"/supervision/couples/{world.couple.id}" in _search(client, partner.upper()).text
    assert "No couple of your supervisees matches" in _search(client, "%").text
    assert client.get("/supervision/search").status_code == 405  # names never travel in a URL
    assert _search(client, "x" * 121).status_code == 422
    events = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == supervisor.id)).all()
    assert "supervision.searched" in events


def test_supervisor_of_associate_a_cannot_find_associate_bs_couples(client, world, login, supervisor):
    login(client, supervisor)
    page = _search(client, "Other Couple").text
    assert "No couple of your supervisees matches" in page
    assert f"/supervision/couples/{world.other_couple.id}" not in page
    # a therapist who supervises no one finds nothing, not even their own couples through this search
    login(client, world.other_therapist)
    own = _search(client, "Other Couple").text
    assert "No couple of your supervisees matches" in own and "Owner Couple" not in own


def test_an_ended_link_finds_nothing(client, world, login, supervisor):
    services.end_link(services.active_link_for(world.therapist.id), world.admin)
    db.session.commit()
    login(client, supervisor)
    page = _search(client, "Owner")
    assert page.status_code == 200 and "No couple of your supervisees matches" in page.text
    assert client.get(f"/supervision/couples/{world.couple.id}").status_code == 404


def test_clients_and_admins_cannot_search_supervisees(client, world, login):
    for actor in (world.admin, world.partner_a):
        login(client, actor)
        assert _search(client, "Owner").status_code in (403, 404)


# --- transfers ---------------------------------------------------------------------------------------
def _signed(world):
    ts = new_session(world.couple, world.therapist, answers=COMPLETE["efct"], sign=True)
    note_services.save_process_note(ts, world.therapist, "PROCESS-MARKER private thoughts", 0)
    db.session.commit()
    return ts


def _transfer(client, world, login, couple_ids, *, confirm=True):
    login(client, world.admin)
    data = {"couples": [str(i) for i in couple_ids], "to_therapist": str(world.other_therapist.id)}
    if confirm:
        data["confirmed"] = "y"
    return client.post(f"/admin/transfers/{world.therapist.id}", data=data)


def test_transfer_confirmation_lists_notes_awaiting_cosignature(client, world, login, supervisor):
    ts = _signed(world)
    review = _transfer(client, world, login, [world.couple.id], confirm=False)
    assert review.status_code == 200 and "Notes still waiting for a co-signature" in review.text
    assert f"Session {ts.number} note of couple #R-{world.couple.id}" in review.text
    assert f"stays with {supervisor.name}" in review.text
    second = make_couple(world.therapist, name="Quiet Couple")
    db.session.commit()
    plain = _transfer(client, world, login, [second.id], confirm=False)
    assert plain.status_code == 200 and "Notes still waiting for a co-signature" not in plain.text


def test_awaiting_cosignature_stays_with_the_supervisor_after_a_transfer(client, world, login, supervisor):
    ts = _signed(world)
    note_id = ts.progress_note.id
    assert _transfer(client, world, login, [world.couple.id]).status_code == 302
    db.session.expire_all()
    assert db.session.get(Couple, world.couple.id).therapist_id == world.other_therapist.id

    # the new therapist sees where the note stands on the session page
    login(client, world.other_therapist)
    session_page = client.get(f"/sessions/{ts.id}").text
    assert "Awaiting co-signature" in session_page and f"the co-signature stays with {supervisor.name}" in session_page

    # the supervisor still has it in the queue and can open that note, but not the couple's other records
    login(client, supervisor)
    home = client.get("/supervision/").text
    assert f"/supervision/notes/{note_id}" in home and "this note stays with you" in home
    note_page = client.get(f"/supervision/notes/{note_id}")
    assert note_page.status_code == 200 and "PROCESS-MARKER" not in note_page.text
    assert "Request changes" not in note_page.text
    assert client.get(f"/supervision/couples/{world.couple.id}").status_code == 404
    assert "Owner Couple" not in _search(client, "Owner").text
    refused = client.post(f"/supervision/notes/{note_id}/changes", data={"comments": "More detail (fictional)."})
    assert refused.status_code == 422 and "can no longer revise" in refused.text
    done = client.post(f"/supervision/notes/{note_id}/cosign", data={"attest": "y", "password": PASSWORD})
    assert done.status_code == 302
    db.session.expire_all()
    cosignature = db.session.scalars(select(Cosignature).where(Cosignature.progress_note_id == note_id)).one()
    assert cosignature.status == "cosigned" and cosignature.supervisor_id == supervisor.id
    # once decided, the supervisor's access to the transferred couple's note ends
    assert client.get(f"/supervision/notes/{note_id}").status_code == 404
    login(client, world.other_therapist)
    assert "Co-signed by" in client.get(f"/sessions/{ts.id}").text


def test_a_note_sent_back_for_changes_returns_to_the_supervisor_on_transfer(client, world, login, supervisor):
    ts = _signed(world)
    cosignature = services.cosignature_of(ts.progress_note)
    services.request_changes(cosignature, supervisor, "Describe the enactment (fictional).")
    db.session.commit()
    assert _transfer(client, world, login, [world.couple.id]).status_code == 302
    db.session.expire_all()
    cosignature = services.cosignature_of(ts.progress_note)
    assert cosignature.status == "awaiting" and cosignature.reviews[0].comments.startswith("Describe")
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.couple_id == world.couple.id)).all()
    assert "cosignature.kept_on_transfer" in actions
    assert [c.id for c in services.waiting_for(supervisor)] == [cosignature.id]
    # the former associate sees it listed, without a link to a couple no longer theirs
    login(client, world.therapist)
    home = client.get("/supervision/").text
    assert "still co-signs it" in home and f"/sessions/{ts.id}" not in home


def test_a_note_being_revised_blocks_that_couples_transfer(client, world, login, supervisor):
    ts = _signed(world)
    cosignature = services.cosignature_of(ts.progress_note)
    services.request_changes(cosignature, supervisor, "Describe the enactment (fictional).")
    services.reopen(cosignature, world.therapist)
    db.session.commit()
    refused = _transfer(client, world, login, [world.couple.id])
    assert refused.status_code == 422
    assert "Reopened for revision" in refused.text and "field-error" in refused.text
    db.session.expire_all()
    assert db.session.get(Couple, world.couple.id).therapist_id == world.therapist.id  # nothing moved
