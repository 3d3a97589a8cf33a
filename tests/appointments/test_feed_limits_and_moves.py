"""The feed is rate-limited per address; moving through the page keeps typed text and names the field."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from clinic.appointments import changes
from clinic.appointments.models import Appointment
from clinic.extensions import db
from tests.conftest import login_as


@pytest.fixture
def limited(make_app, app):
    application = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    with application.app_context():
        yield application


def test_the_feed_is_rate_limited(limited, world):
    token = changes.turn_on_feed(world.therapist, False)
    db.session.commit()
    client = limited.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.8.{uuid.uuid4().int % 250}.7"
    answers = [client.get(f"/calendar/{token}.ics").status_code for _ in range(31)]
    assert answers[:30] == [200] * 30 and answers[30] == 429


def _future(world) -> Appointment:
    made = Appointment(
        couple_id=world.couple.id,
        therapist_id=world.therapist.id,
        minutes=50,
        format="in_person",
        starts_at=datetime.now(UTC).replace(microsecond=0) + timedelta(days=3),
        created_by_id=world.therapist.id,
    )
    db.session.add(made)
    db.session.commit()
    return made


def test_moving_with_bad_input_keeps_the_text(app, world):
    made = _future(world)
    client = app.test_client()
    login_as(client, world.therapist)
    body = {
        "starts_on": "2026-03-08",
        "start_time": "02:30",
        "minutes": "50",
        "format": "video",
        "video_link": "not-a-link",
        "location": "",
        "note_for_partners": "kept-words",
        "scope": "this",
        "version": str(made.version),
    }
    response = client.post(f"/appointments/{made.id}/move", data=body)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="video_link-error"' in html and "kept-words" in html
    body.update(video_link="https://v.example.test/r")
    response = client.post(f"/appointments/{made.id}/move", data=body)
    assert response.status_code == 422 and "doesn&#39;t exist in America/New_York" in response.get_data(as_text=True)
    body.update(start_time="03:30")
    assert client.post(f"/appointments/{made.id}/move", data=body).status_code == 302
    db.session.expire_all()
    moved = db.session.get(Appointment, made.id)
    assert moved.starts_at == datetime(2026, 3, 8, 7, 30, tzinfo=UTC) and moved.format == "video"


def test_a_stale_move_is_refused_without_saving(app, world):
    made = _future(world)
    client = app.test_client()
    login_as(client, world.therapist)
    body = {
        "starts_on": "2026-04-01",
        "start_time": "09:00",
        "minutes": "50",
        "format": "in_person",
        "scope": "this",
        "version": str(made.version - 1),
    }
    response = client.post(f"/appointments/{made.id}/move", data=body)
    assert response.status_code == 422 and "changed this appointment" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Appointment, made.id).starts_at == made.starts_at
