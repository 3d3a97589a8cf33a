"""The record export runs as a background job: a page that follows it, a file for its owner only."""

import re
from datetime import timedelta

from sqlalchemy import select

from clinic import jobs
from clinic.audit.models import AuditEvent
from clinic.db import utcnow
from clinic.extensions import db
from tests.records.client import export


def _job(owner, **values):
    row = jobs.Job(
        id=jobs.secrets.token_hex(16),
        kind="records.export",
        owner_id=owner.id,
        download_name="couple-1-record.pdf",
        expires_at=utcnow() + timedelta(minutes=30),
        **values,
    )
    db.session.add(row)
    db.session.commit()
    return row


def test_a_running_export_shows_its_progress_and_refreshes(client, world, login):
    login(client, world.therapist)
    row = _job(world.therapist, status="running", progress=50, step="Making the PDF")
    page = client.get(f"/exports/{row.id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and "Making the PDF" in page and 'value="50"' in page
    assert client.get(f"/exports/{row.id}/file").status_code == 404  # nothing to download yet


def test_a_finished_export_is_named_for_the_couple_and_audited_with_its_therapist(client, world, login):
    login(client, world.therapist)
    response = export(client, world.couple.id, format="json")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert re.search(r'filename="?Owner-Couple-record-\d{4}-\d{2}-\d{2}\.json"?$', disposition), disposition
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "record.exported")).one()
    assert event.actor_id == world.therapist.id and event.couple_id == world.couple.id


def test_a_failed_export_says_so_without_detail(client, world, login, monkeypatch):
    def broken(couple, include_process_notes):
        raise RuntimeError("PRIVATE-CANARY section failure")

    monkeypatch.setattr("clinic.records.services.couple_sessions_record", broken)
    login(client, world.therapist)
    started = client.post(f"/couples/{world.couple.id}/export", data={"format": "json"})
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "Something went wrong" in page and "PRIVATE-CANARY" not in page and "/file" not in page
    assert 'http-equiv="refresh"' not in page


def test_an_expired_export_is_gone(client, world, login):
    login(client, world.therapist)
    row = _job(world.therapist, status="done", progress=100)
    row.file_path().write_text("{}")
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(f"/exports/{row.id}").status_code == 404
    assert client.get(f"/exports/{row.id}/file").status_code == 404
