"""Appointments in the reader's zone (#15): a therapist in London and a partner in Los Angeles see one
appointment at their own local times; typed times are read in the typist's zone; a time the clocks skip
is refused next to the field, naming the zone; a weekly series keeps the local time of its own zone."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import g
from sqlalchemy import select

from clinic.appointments import changes, services
from clinic.appointments.models import Appointment, AppointmentSeries
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.settings import clear_settings_cache, use_viewer_zone
from tests.appointments.helpers import booking
from tests.conftest import login_as

NOW = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fresh_settings(app):
    clear_settings_cache()
    yield
    g.pop("viewer_zone", None)
    clear_settings_cache()


def _zones(world, therapist: str | None, partner: str | None) -> None:
    world.therapist.time_zone = therapist
    world.partner_a.time_zone = partner
    db.session.commit()


def _spring_forward(zone: str, year: int) -> date:
    """The day in March `year` the clocks go forward in `zone`."""
    tz = ZoneInfo(zone)
    for day in range(1, 32):
        on = date(year, 3, day)
        if datetime.combine(on, time(0), tz).utcoffset() != datetime.combine(on, time(12), tz).utcoffset():
            return on
    raise AssertionError(f"no spring-forward in March {year} for {zone}")


def _booking_form(on: date, at: str, **extra) -> dict:
    return {
        "starts_on": on.isoformat(),
        "start_time": at,
        "minutes": "50",
        "format": "in_person",
        "location": "Room 2",
        "attendees": "both",
        "repeat": "none",
        **extra,
    }


def test_a_london_therapist_and_a_los_angeles_partner_see_their_own_local_times(app, world):
    _zones(world, "Europe/London", "America/Los_Angeles")
    made = Appointment(
        couple_id=world.couple.id,
        therapist_id=world.therapist.id,
        starts_at=datetime(2030, 7, 1, 14, 0, tzinfo=UTC),  # 15:00 BST in London, 07:00 PDT in Los Angeles
        minutes=50,
        created_by_id=world.therapist.id,
    )
    db.session.add(made)
    db.session.commit()
    therapist, partner = app.test_client(), app.test_client()
    login_as(therapist, world.therapist)
    login_as(partner, world.partner_a)

    page = therapist.get(f"/appointments/{made.id}").get_data(as_text=True)
    assert "Mon 1 Jul 2030, 15:00 BST" in page and "07:00" not in page
    assert 'value="15:00"' in page  # the move form is filled in the therapist's zone
    week = therapist.get("/schedule?d=2030-07-01").get_data(as_text=True)
    assert "Times in Europe/London." in week and "15:00" in week
    assert "Europe/London" in therapist.get("/schedule/agenda").get_data(as_text=True)

    today = partner.get("/portal/").get_data(as_text=True)
    assert "Mon 1 Jul 2030, 07:00 PDT" in today and "15:00" not in today
    upcoming = partner.get("/portal/appointments/").get_data(as_text=True)
    assert "Times in America/Los_Angeles." in upcoming and "07:00 PDT" in upcoming

    # the other partner chose no zone: the practice's (New York)
    other = app.test_client()
    login_as(other, world.partner_b)
    assert "Mon 1 Jul 2030, 10:00 EDT" in other.get("/portal/").get_data(as_text=True)


def test_a_typed_time_is_read_in_the_typists_zone(app, world):
    _zones(world, "America/Los_Angeles", None)
    client = app.test_client()
    login_as(client, world.therapist)
    winter = date(datetime.now(UTC).year + 1, 1, 14)  # Pacific Standard Time: UTC-8
    response = client.post(f"/couples/{world.couple.id}/appointments", data=_booking_form(winter, "10:00"))
    assert response.status_code == 302
    (made,) = db.session.scalars(select(Appointment)).all()
    assert made.starts_at == datetime.combine(winter, time(18, 0), UTC)
    assert "Times in America/Los_Angeles." in client.get(f"/couples/{world.couple.id}/appointments").get_data(
        as_text=True
    )


GAPS = [("Europe/London", "01:30", "01:00 to 02:00"), ("America/Los_Angeles", "02:30", "02:00 to 03:00")]


@pytest.mark.parametrize(("zone", "skipped", "gap"), GAPS)
def test_a_time_the_clocks_skip_is_refused_next_to_the_field(app, world, zone, skipped, gap):
    _zones(world, zone, None)
    client = app.test_client()
    login_as(client, world.therapist)
    gap_day = _spring_forward(zone, datetime.now(UTC).year + 1)
    response = client.post(f"/couples/{world.couple.id}/appointments", data=_booking_form(gap_day, skipped))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    message = (
        f"{skipped} on {gap_day:%a %-d %b %Y} doesn&#39;t exist in {zone}: the clocks go forward from {gap} "
        "that night. Choose another time."
    )
    assert f'id="start_time-error" class="field-error" role="alert">{message}' in page
    assert db.session.scalars(select(Appointment)).all() == []
    # the same local time is fine for someone in a zone whose clocks don't change that night
    world.therapist.time_zone = "Asia/Tokyo"
    db.session.commit()
    assert (
        client.post(f"/couples/{world.couple.id}/appointments", data=_booking_form(gap_day, skipped)).status_code == 302
    )


@pytest.mark.parametrize(("zone", "skipped", "gap"), GAPS)
def test_a_session_time_the_clocks_skip_is_refused_next_to_the_field(app, world, zone, skipped, gap):
    _zones(world, zone, None)
    client = app.test_client()
    login_as(client, world.therapist)
    today = datetime.now(UTC).date()
    gap_day = _spring_forward(zone, today.year if today.month > 3 else today.year - 1)
    body = {"starts_at": f"{gap_day.isoformat()}T{skipped}", "minutes": "50", "format": "in_person"}
    body |= {"kind": "conjoint", "attendance": "attended", "model": "efct"}
    response = client.post(f"/couples/{world.couple.id}/sessions", data=body)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="starts_at-error" class="field-error" role="alert">' in page
    assert f"{skipped} on {gap_day:%a %-d %b %Y} doesn&#39;t exist in {zone}: the clocks go forward from {gap}" in page
    body["starts_at"] = f"{gap_day.isoformat()}T12:00"
    assert client.post(f"/couples/{world.couple.id}/sessions", data=body).status_code == 302


def test_a_weekly_series_keeps_the_local_time_of_its_own_zone_whoever_reads_or_moves_it(app, world):
    # Booked by someone in Los Angeles: Saturdays at 10:00 there, across the change of 8 March 2026.
    use_viewer_zone("America/Los_Angeles")
    made = services.book(
        world.couple,
        booking(starts_on=date(2026, 3, 7), repeat="weekly", count=3),
        world.therapist,
        now=NOW,
    )
    db.session.commit()
    series = db.session.get(AppointmentSeries, made[0].series_id)
    assert series.time_zone == "America/Los_Angeles"
    assert [a.starts_at.hour for a in made] == [18, 17, 17]  # 10:00 PST, then 10:00 PDT
    la = ZoneInfo("America/Los_Angeles")
    assert {a.starts_at.astimezone(la).time() for a in made} == {time(10, 0)}

    # Read in London (no change there until 29 March), the same appointments are at 18:00, then 17:00.
    use_viewer_zone("Europe/London")
    assert [services.recurrence.describe(a.starts_at, g.viewer_zone, with_date=False) for a in made] == [
        "18:00 GMT",
        "17:00 GMT",
        "17:00 GMT",
    ]

    # Moved from London: the first to Sunday 18:00 London time (11:00 in Los Angeles), with the ones after
    # it. Each stays at the series' local time in Los Angeles (11:00), not at 18:00 London time.
    data = booking(starts_on=date(2026, 3, 8), start_time=time(18, 0))
    changes.move(made[0], data, "following", made[0].version, now=NOW)
    db.session.commit()
    moved = list(db.session.scalars(select(Appointment).order_by(Appointment.starts_at)))
    assert [a.starts_at.astimezone(la).replace(tzinfo=None) for a in moved] == [
        datetime(2026, 3, 8, 11, 0),
        datetime(2026, 3, 15, 11, 0),
        datetime(2026, 3, 22, 11, 0),
    ]
    assert [a.starts_at.hour for a in moved] == [18, 18, 18]


def test_moving_one_appointment_reads_the_typed_time_in_the_viewers_zone(app, world):
    use_viewer_zone("America/New_York")
    (made,) = services.book(world.couple, booking(starts_on=date(2026, 7, 6)), world.therapist, now=NOW)
    db.session.commit()
    assert made.starts_at == datetime(2026, 7, 6, 14, 0, tzinfo=UTC)  # 10:00 EDT
    use_viewer_zone("Europe/London")
    changes.move(made, booking(starts_on=date(2026, 7, 6), start_time=time(16, 0)), "this", made.version, now=NOW)
    assert made.starts_at == datetime(2026, 7, 6, 15, 0, tzinfo=UTC)  # 16:00 BST
    with pytest.raises(DomainError) as refused:
        changes.move(made, booking(starts_on=date(2026, 3, 29), start_time=time(1, 30)), "this", made.version, now=NOW)
    assert (
        "doesn't exist in Europe/London: the clocks go forward from 01:00 to 02:00"
        in refused.value.problems["start_time"]
    )
    assert made.starts_at - datetime(2026, 7, 6, tzinfo=UTC) == timedelta(hours=15)


def test_the_message_names_a_gap_of_half_an_hour_or_a_whole_day():
    from clinic.settings import gap_message

    assert "forward from 02:00 to 02:30 that night" in gap_message(
        datetime(2026, 10, 4, 2, 15), ZoneInfo("Australia/Lord_Howe")
    )
    assert "forward from 00:00 on 30 Dec to 00:00 on 31 Dec" in gap_message(
        datetime(2011, 12, 30, 10, 0), ZoneInfo("Pacific/Apia")
    )
