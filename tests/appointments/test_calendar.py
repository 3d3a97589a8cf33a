"""Calendar files and the private feed: they parse as iCalendar, carry no clinical content, and the feed
works only by its token, which the therapist can revoke."""

from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from clinic.appointments.models import Appointment
from clinic.extensions import db
from tests.conftest import login_as


def _appointment(world, **more):
    made = Appointment(
        couple_id=world.couple.id,
        therapist_id=world.therapist.id,
        starts_at=datetime(2030, 1, 7, 15, 0, tzinfo=UTC),
        minutes=50,
        format="in_person",
        location="Room 4",
        note_for_partners="bring-the-worksheet",
        created_by_id=world.therapist.id,
        **more,
    )
    db.session.add(made)
    db.session.commit()
    return made


def test_partner_downloads_an_ics_that_parses(app, world):
    made = _appointment(world)
    client = app.test_client()
    login_as(client, world.partner_b)
    response = client.get(f"/portal/appointments/{made.id}/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    (event,) = Calendar.from_ical(response.data).walk("VEVENT")
    assert event.decoded("dtstart") == made.starts_at
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=50)
    assert str(event["location"]) == "Room 4"
    assert world.therapist.name in str(event["summary"])


def test_the_feed_holds_only_session_and_time_and_can_be_revoked(app, world):
    _appointment(world)
    now = datetime.now(UTC)
    _appointment(world).starts_at = now + timedelta(days=2)
    soon = Appointment(
        couple_id=world.couple.id,
        therapist_id=world.therapist.id,
        starts_at=now + timedelta(days=1),
        minutes=50,
        format="video",
        video_link="https://v.example.test/secret-room",
        created_by_id=world.therapist.id,
    )
    db.session.add(soon)
    db.session.commit()
    client = app.test_client()
    login_as(client, world.therapist)
    page = client.post("/schedule/feed", data={}).get_data(as_text=True)
    url = page.split('readonly value="')[1].split('"')[0]
    path = url.split("clinic.test", 1)[1]
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    assert len(token) >= 40
    anonymous = app.test_client()
    response = anonymous.get(path)
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.data)
    events = calendar.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Session", "Session"]  # the 2030 one is outside the window
    body = response.get_data(as_text=True)
    for private in ("secret-room", "Room 4", world.couple.display_name, "bring-the-worksheet", "Ari", "Bea"):
        assert private not in body
    assert anonymous.get(path.replace(token, token[:-1] + ("A" if token[-1] != "A" else "B"))).status_code == 404
    client.post("/schedule/feed/revoke")
    assert anonymous.get(path).status_code == 404


def test_feed_with_initials(app, world):
    _appointment(world).starts_at = datetime.now(UTC) + timedelta(days=1)
    db.session.commit()
    client = app.test_client()
    login_as(client, world.therapist)
    page = client.post("/schedule/feed", data={"show_initials": "y"}).get_data(as_text=True)
    path = page.split('readonly value="')[1].split('"')[0].split("clinic.test", 1)[1]
    (event,) = Calendar.from_ical(app.test_client().get(path).data).walk("VEVENT")
    assert str(event["summary"]) == "Session · A & B"
