"""The session packet is a background job (#13): made off the request path, kept for its therapist only,
audited when made, and a handout archived between the form and the job fails it with a message."""

from sqlalchemy import select

from clinic.audit.models import AuditEvent
from clinic.extensions import db
from clinic.handouts.models import Handout
from clinic.handouts.packets import start_packet
from clinic.jobs import Job
from tests.handouts.packets import make_packet


def test_the_packet_is_the_therapists_alone_and_audited(app, world, login):
    mine = app.test_client()
    login(mine, world.therapist)
    download = make_packet(mine, world.couple.id, {"packet-for_partner": "a", "packet-couple_part": "y"})
    assert download.data.startswith(b"%PDF")
    job = db.session.scalars(select(Job).where(Job.kind == "handouts.packet")).one()
    assert job.owner_id == world.therapist.id and job.status == "done"
    assert "session-packet" in job.download_name and job.download_name.endswith(".pdf")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "session_packet.printed")).one()
    assert event.actor_id == world.therapist.id and event.couple_id == world.couple.id

    other = app.test_client()
    login(other, world.other_therapist)
    assert other.get(f"/exports/{job.id}").status_code == 404
    assert other.get(f"/exports/{job.id}/file").status_code == 404
    assert other.post(f"/couples/{world.couple.id}/packet", data={"packet-for_partner": "a"}).status_code == 404


def test_a_handout_archived_before_the_job_runs_fails_it_with_a_message(app, world, login):
    handout = Handout(owner_id=world.therapist.id, title="Soon archived", body="Text")
    db.session.add(handout)
    db.session.commit()
    handout.is_archived = True
    db.session.commit()
    partner = next(p for p in world.couple.partners if p.position == "a")
    job = start_packet(world.couple, partner, world.therapist, {"handouts": [f"c:{handout.id}"]})

    client = app.test_client()
    login(client, world.therapist)
    page = client.get(f"/exports/{job.id}").get_data(as_text=True)
    assert 'role="alert"' in page and "no longer in your library" in page
    assert client.get(f"/exports/{job.id}/file").status_code == 404
    printed = select(AuditEvent).where(AuditEvent.action == "session_packet.printed")
    assert db.session.scalars(printed).first() is None


def test_a_packet_without_a_partner_is_refused_next_to_the_field(app, world, login):
    client = app.test_client()
    login(client, world.therapist)
    response = client.post(f"/couples/{world.couple.id}/packet", data={"packet-worksheets": "y"})
    assert response.status_code == 422 and 'id="packet-for_partner-error"' in response.get_data(as_text=True)
    assert db.session.scalars(select(Job)).first() is None
