"""The appointment pages through the app: booking with messages next to the fields, the schedule views,
one-click start session, and what partners see."""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from clinic.appointments import services
from clinic.appointments.models import Appointment
from clinic.extensions import db
from clinic.settings import clear_settings_cache
from tests.appointments.helpers import booking
from tests.conftest import login_as
from tests.factories import make_couple


def _count():
    return db.session.scalar(select(func.count(Appointment.id)))


def _soon() -> date:
    return datetime.now(UTC).date() + timedelta(days=7)


def test_book_a_weekly_series_and_see_it_in_the_week(app, world):
    clear_settings_cache()
    client = app.test_client()
    login_as(client, world.therapist)
    body = {
        "starts_on": _soon().isoformat(),
        "start_time": "10:00",
        "minutes": "50",
        "format": "video",
        "video_link": "https://video.example.test/room",
        "attendees": "both",
        "repeat": "weekly",
        "count": "4",
    }
    response = client.post(f"/couples/{world.couple.id}/appointments", data=body)
    assert response.status_code == 302
    assert _count() == 4
    page = client.get(f"/schedule?d={_soon().isoformat()}").get_data(as_text=True)
    assert "10:00" in page and world.couple.display_name in page and "America/New_York" in page
    assert client.get(f"/schedule/day?d={_soon().isoformat()}").status_code == 200
    assert world.couple.display_name in client.get("/schedule/agenda").get_data(as_text=True)


def test_bad_booking_keeps_the_text_and_marks_each_field(app, world):
    client = app.test_client()
    login_as(client, world.therapist)
    body = {
        "starts_on": "1926-03-02",
        "start_time": "10:00",
        "minutes": "0",
        "format": "in_person",
        "location": "Room 7 kept",
        "attendees": "both",
        "repeat": "weekly",
    }
    response = client.post(f"/couples/{world.couple.id}/appointments", data=body)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="starts_on-error"' in html and 'id="minutes-error"' in html and 'id="until_on-error"' in html
    assert "Room 7 kept" in html
    assert _count() == 0


def test_double_booking_asks_to_confirm(app, world):
    services.book(world.couple, booking(starts_on=_soon()), world.therapist)
    db.session.commit()
    client = app.test_client()
    login_as(client, world.therapist)
    body = {
        "starts_on": _soon().isoformat(),
        "start_time": "10:15",
        "minutes": "50",
        "format": "phone",
        "attendees": "a",
        "repeat": "none",
    }
    response = client.post(f"/couples/{world.couple.id}/appointments", data=body)
    assert response.status_code == 422 and "Book anyway" in response.get_data(as_text=True)
    assert (
        client.post(f"/couples/{world.couple.id}/appointments", data={**body, "confirm_overlap": "y"}).status_code
        == 302
    )
    assert _count() == 2


def test_start_session_from_an_appointment_that_has_started(app, world):
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    made = Appointment(
        couple_id=world.couple.id,
        therapist_id=world.therapist.id,
        starts_at=start,
        minutes=60,
        format="video",
        video_link="https://v.example.test",
        created_by_id=world.therapist.id,
    )
    db.session.add(made)
    db.session.commit()
    client = app.test_client()
    login_as(client, world.therapist)
    assert "Start session" in client.get(f"/appointments/{made.id}").get_data(as_text=True)
    response = client.post(f"/appointments/{made.id}/start")
    assert response.status_code == 302 and "/note" in response.headers["Location"]
    db.session.expire_all()
    made = db.session.get(Appointment, made.id)
    assert made.status == "attended" and made.therapy_session_id is not None
    assert client.post(f"/appointments/{made.id}/start").status_code == 302  # refused, flashed, nothing new


def test_cancel_as_late_and_the_caseload_shows_next_session(app, world):
    (made,) = services.book(world.couple, booking(starts_on=_soon()), world.therapist)
    make_couple(world.therapist, name="Unbooked Couple")
    db.session.commit()
    client = app.test_client()
    login_as(client, world.therapist)
    caseload = client.get("/caseload").get_data(as_text=True)
    assert "Next session" in caseload and "No appointment booked." in caseload  # Unbooked Couple has none
    response = client.post(f"/appointments/{made.id}/cancel", data={"by_whom": "partner_b", "reason": "", "late": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Appointment, made.id).status == "late_cancellation"


def test_partner_sees_next_session_and_not_the_other_partners_individual_one(app, world):
    services.book(
        world.couple, booking(starts_on=_soon(), attendees="a", note_for_partners="only-for-a-marker"), world.therapist
    )
    services.book(world.couple, booking(starts_on=_soon() + timedelta(days=1), start_time=time(16, 0)), world.therapist)
    db.session.commit()
    a, b = app.test_client(), app.test_client()
    login_as(a, world.partner_a)
    login_as(b, world.partner_b)
    today_a = a.get("/portal/").get_data(as_text=True)
    today_b = b.get("/portal/").get_data(as_text=True)
    assert "Next session" in today_a and "just you" in today_a
    assert "just you" not in today_b and "16:00" in today_b
    assert "only-for-a-marker" in a.get("/portal/appointments/").get_data(as_text=True)
    assert "only-for-a-marker" not in b.get("/portal/appointments/").get_data(as_text=True)
