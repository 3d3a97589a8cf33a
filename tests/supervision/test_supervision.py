"""Supervision: linking, co-signature after a round of requested changes, what a supervisor may read."""

import pytest
from sqlalchemy import select

from clinic.audit.models import AuditEvent
from clinic.extensions import db
from clinic.sessions import services as note_services
from clinic.sessions.models import ProgressNote
from clinic.supervision import services
from clinic.supervision.models import Cosignature, SupervisionLink
from tests.factories import make_user
from tests.sessions.helpers import COMPLETE, PASSWORD, body, new_session


@pytest.fixture
def supervisor(world):
    made = make_user("therapist", name="Dr. Fictional Supervisor")
    services.link(world.therapist.id, made.id, world.admin)
    db.session.commit()
    return made


@pytest.fixture
def signed(world, supervisor):
    therapy_session = new_session(
        world.couple, world.therapist, answers={**COMPLETE["efct"], "observations": "First words"}, sign=True
    )
    note_services.save_process_note(therapy_session, world.therapist, "PROCESS-MARKER private thoughts", 0)
    db.session.commit()
    return therapy_session


def _cosignature(ts) -> Cosignature:
    db.session.expire_all()
    return db.session.scalars(select(Cosignature).where(Cosignature.progress_note_id == ts.progress_note.id)).one()


def _actions(actor) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == actor.id)))


def test_admin_links_an_associate_and_every_mistake_shows_at_once(client, world, login):
    login(client, world.admin)
    empty = client.post("/admin/supervision", data={"associate": "", "supervisor": ""})
    assert empty.status_code == 422
    assert "Choose the associate." in empty.text and "Choose the supervisor." in empty.text
    same = client.post(
        "/admin/supervision", data={"associate": str(world.therapist.id), "supervisor": str(world.therapist.id)}
    )
    assert same.status_code == 422 and "can&#39;t supervise themselves" in same.text
    ok = client.post(
        "/admin/supervision", data={"associate": str(world.therapist.id), "supervisor": str(world.other_therapist.id)}
    )
    assert ok.status_code == 302
    again = client.post(
        "/admin/supervision", data={"associate": str(world.therapist.id), "supervisor": str(world.other_therapist.id)}
    )
    assert again.status_code == 422 and "already supervises" in again.text
    assert db.session.scalars(select(SupervisionLink)).one().supervisor_id == world.other_therapist.id
    assert "supervision.linked" in _actions(world.admin)


def test_an_unsupervised_therapists_note_needs_no_cosignature(world):
    therapy_session = new_session(world.couple, world.therapist, answers=COMPLETE["efct"], sign=True)
    assert services.cosignature_of(therapy_session.progress_note) is None


def test_cosigned_after_one_round_of_requested_changes(client, world, login, supervisor, signed):
    assert _cosignature(signed).status == "awaiting"
    login(client, world.therapist)
    assert "Session 1 note awaiting co-signature" in client.get("/caseload").text

    login(client, supervisor)
    assert "Session 1 note" in client.get("/supervision/").text
    page = client.get(f"/supervision/notes/{signed.progress_note.id}")
    assert page.status_code == 200 and "First words" in page.text and "PROCESS-MARKER" not in page.text
    assert "progress_note.viewed" in _actions(supervisor)
    empty = client.post(f"/supervision/notes/{signed.progress_note.id}/changes", data={"comments": "  "})
    assert empty.status_code == 422 and "Say what should change" in empty.text
    asked = client.post(
        f"/supervision/notes/{signed.progress_note.id}/changes", data={"comments": "Name the cycle (fictional)."}
    )
    assert asked.status_code == 302 and _cosignature(signed).status == "changes_requested"

    login(client, world.therapist)
    session_page = client.get(f"/sessions/{signed.id}").text
    assert "Name the cycle (fictional)." in session_page and "Reopen to revise" in session_page
    assert "your supervisor asked for changes" in client.get("/caseload").text
    assert client.post(f"/supervision/my-notes/{signed.progress_note.id}/reopen").status_code == 302
    note = db.session.get(ProgressNote, signed.progress_note.id)
    assert not note.is_signed and _cosignature(signed).status == "revising"
    revised = body({**COMPLETE["efct"], "observations": "Revised words"}, note.version, attest="y", password=PASSWORD)
    assert client.post(f"/sessions/{signed.id}/note/sign", data=revised).status_code == 302
    assert _cosignature(signed).status == "awaiting"

    login(client, supervisor)
    wrong = client.post(f"/supervision/notes/{signed.progress_note.id}/cosign", data={"password": "nope"})
    assert wrong.status_code == 422
    assert "That password is not right." in wrong.text and "Tick the statement to co-sign." in wrong.text
    done = client.post(
        f"/supervision/notes/{signed.progress_note.id}/cosign", data={"password": PASSWORD, "attest": "y"}
    )
    assert done.status_code == 302 and _cosignature(signed).status == "cosigned"
    twice = client.post(
        f"/supervision/notes/{signed.progress_note.id}/cosign", data={"password": PASSWORD, "attest": "y"}
    )
    assert twice.status_code == 422 and "no longer awaiting co-signature" in twice.text
    assert [r.decision for r in _cosignature(signed).reviews] == ["changes_requested", "cosigned"]
    assert "Revised words" in db.session.get(ProgressNote, signed.progress_note.id).answers["observations"]

    login(client, world.therapist)
    assert "Co-signed by Dr. Fictional Supervisor" in client.get(f"/sessions/{signed.id}").text
    assert "co-signature" not in client.get("/caseload").text


def test_resubmitting_needs_an_addendum_after_the_request(client, world, login, supervisor, signed):
    services.request_changes(_cosignature(signed), supervisor, "Clarify the plan (fictional).")
    db.session.commit()
    login(client, world.therapist)
    url = f"/supervision/my-notes/{signed.progress_note.id}/resubmit"
    refused = client.post(url, follow_redirects=True)
    assert "Add an addendum answering the comments first" in refused.text
    assert _cosignature(signed).status == "changes_requested"
    client.post(
        f"/sessions/{signed.id}/addenda", data={"reason": "Clarification", "text": "Plan clarified (fictional)."}
    )
    assert client.post(url).status_code == 302 and _cosignature(signed).status == "awaiting"


def test_a_note_is_reopened_only_after_a_request_for_changes(client, world, login, signed):
    login(client, world.therapist)
    client.post(f"/supervision/my-notes/{signed.progress_note.id}/reopen")
    db.session.expire_all()
    assert db.session.get(ProgressNote, signed.progress_note.id).is_signed


def test_a_supervisor_reads_but_never_edits_nor_sees_process_notes(client, world, login, supervisor, signed):
    login(client, supervisor)
    assert world.couple.display_name in client.get(f"/supervision/associates/{world.therapist.id}").text
    assert "Session 1" in client.get(f"/supervision/couples/{world.couple.id}").text
    for url in (f"/sessions/{signed.id}", f"/sessions/{signed.id}/process-note", f"/couples/{world.couple.id}"):
        assert client.get(url).status_code == 404
    assert client.post(f"/sessions/{signed.id}/addenda", data={"reason": "x", "text": "y"}).status_code == 404
    for url in (
        "/supervision/",
        f"/supervision/couples/{world.couple.id}",
        f"/supervision/notes/{signed.progress_note.id}",
    ):
        assert "PROCESS-MARKER" not in client.get(url).text
    # Someone else's couple, and the same couple after the supervision ends: 404.
    assert client.get(f"/supervision/couples/{world.other_couple.id}").status_code == 404
    services.end_link(services.active_link_for(world.therapist.id), world.admin)
    db.session.commit()
    assert client.get(f"/supervision/notes/{signed.progress_note.id}").status_code == 404
    assert client.get(f"/supervision/couples/{world.couple.id}").status_code == 404


def test_a_new_supervisor_takes_over_outstanding_cosignatures(world, supervisor, signed):
    services.link(world.therapist.id, world.other_therapist.id, world.admin)
    assert _cosignature(signed).supervisor_id == world.other_therapist.id
    assert [c.id for c in services.waiting_for(world.other_therapist)] == [_cosignature(signed).id]
    assert services.waiting_for(supervisor) == []


def test_the_record_export_names_the_cosignature_and_its_reviews(world, supervisor, signed):
    from clinic.records.services import couple_record, record_pdf

    services.request_changes(_cosignature(signed), supervisor, "Add the enactment (fictional).")
    data = couple_record(world.couple, exported_by=world.therapist, include_process_notes=False)
    [entry] = data["co_signatures"]
    assert entry["session"] == signed.number and entry["status"] == "Changes requested"
    assert entry["supervisor"] == "Dr. Fictional Supervisor"
    assert entry["reviews"][0]["comments"] == "Add the enactment (fictional)."
    assert "PROCESS-MARKER" not in str(data)
    assert record_pdf(world.couple, world.therapist, data).startswith(b"%PDF")
