"""Booking rules: series keep local time across daylight-saving changes, bad input is refused with a
message per field and nothing saved, double booking warns, "this one" / "this and following" edits."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from clinic.appointments import changes, services
from clinic.appointments.models import Appointment, AppointmentSeries
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.settings import clear_settings_cache
from tests.appointments.helpers import booking, set_zone

NOW = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fresh_settings(app):
    clear_settings_cache()
    yield
    clear_settings_cache()


def _count() -> int:
    return db.session.scalar(select(func.count(Appointment.id)))


@pytest.mark.parametrize(
    ("zone", "first", "before_utc", "after_utc"),
    [
        # New York springs forward on 8 March 2026: 10:00 EST is 15:00 UTC, 10:00 EDT is 14:00 UTC.
        ("America/New_York", date(2026, 3, 2), time(15, 0), time(14, 0)),
        # Berlin springs forward on 29 March 2026: 10:00 CET is 09:00 UTC, 10:00 CEST is 08:00 UTC.
        ("Europe/Berlin", date(2026, 3, 23), time(9, 0), time(8, 0)),
    ],
)
def test_weekly_series_keeps_local_time_across_spring_forward(world, zone, first, before_utc, after_utc):
    set_zone(zone)
    made = services.book(world.couple, booking(starts_on=first, repeat="weekly", count=3), world.therapist, now=NOW)
    assert [a.starts_at.time() for a in made] == [before_utc, after_utc, after_utc]
    assert [a.starts_at.date() - made[0].starts_at.date() for a in made] == [timedelta(0), timedelta(7), timedelta(14)]


@pytest.mark.parametrize(
    ("zone", "first", "before_utc", "after_utc"),
    [
        ("America/New_York", date(2026, 10, 26), time(14, 0), time(15, 0)),  # falls back 1 November
        ("Europe/Berlin", date(2026, 10, 19), time(8, 0), time(9, 0)),  # falls back 25 October
    ],
)
def test_weekly_series_keeps_local_time_across_fall_back(world, zone, first, before_utc, after_utc):
    set_zone(zone)
    made = services.book(world.couple, booking(starts_on=first, repeat="weekly", count=2), world.therapist, now=NOW)
    assert [a.starts_at.time() for a in made] == [before_utc, after_utc]


def test_fortnightly_and_chosen_weekdays(world):
    made = services.book(
        world.couple, booking(repeat="fortnightly", until_on=date(2026, 4, 1)), world.therapist, now=NOW
    )
    assert [a.starts_at.day for a in made] == [2, 16, 30]
    db.session.rollback()
    made = services.book(
        world.couple,
        booking(repeat="weekdays", weekdays=(0, 3), count=4, start_time=time(18, 0)),
        world.therapist,
        now=NOW,
    )
    assert [a.starts_at.date().day for a in made] == [2, 5, 9, 12]
    assert db.session.scalar(select(AppointmentSeries.rule)).startswith("FREQ=WEEKLY")


def test_individual_appointment_names_one_partner(world):
    (made,) = services.book(world.couple, booking(attendees="b"), world.therapist, now=NOW)
    assert made.individual_partner.position == "b"
    assert made.attendees_label.endswith("(individual)")


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"minutes": 0}, "minutes", "5 to 480"),
        ({"starts_on": date(1926, 3, 2)}, "starts_on", "Choose a date between"),
        ({"starts_on": date(2126, 3, 2)}, "starts_on", "Choose a date between"),
        ({"repeat": "weekly"}, "until_on", "needs an end"),
        ({"repeat": "weekly", "until_on": date(2026, 2, 1)}, "until_on", "can't end before"),
        ({"repeat": "weekly", "until_on": date(2027, 6, 1)}, "until_on", "a year at most"),
        ({"repeat": "weekly", "count": 60}, "count", "1 to 53"),
        ({"repeat": "weekdays", "count": 3}, "weekdays", "at least one weekday"),
        ({"format": "video", "video_link": "zoom"}, "video_link", "https://"),
        ({"starts_on": date(2026, 3, 8), "start_time": time(2, 30)}, "start_time", "doesn't exist"),
        ({"start_time": None}, "start_time", "start time"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(world, overrides, field, words):
    with pytest.raises(DomainError) as raised:
        services.book(world.couple, booking(**overrides), world.therapist, now=NOW)
    assert words in raised.value.problems[field]
    assert _count() == 0


def test_every_problem_at_once(world):
    with pytest.raises(DomainError) as raised:
        services.book(world.couple, booking(minutes=0, starts_on=date(1926, 1, 1), repeat="weekly"), world.therapist)
    assert {"minutes", "starts_on", "until_on"} <= set(raised.value.problems)


def test_a_series_crossing_a_dst_gap_is_refused_whole(world):
    # 02:30 every Sunday: the one on 8 March 2026 doesn't exist in New York.
    with pytest.raises(DomainError) as raised:
        services.book(
            world.couple,
            booking(starts_on=date(2026, 3, 1), start_time=time(2, 30), repeat="weekly", count=3),
            world.therapist,
            now=NOW,
        )
    assert "8 Mar 2026" in raised.value.problems["start_time"]
    assert _count() == 0 and db.session.scalar(select(func.count(AppointmentSeries.id))) == 0


def test_closed_couple_cannot_book(world):
    world.couple.status = "closed"
    with pytest.raises(DomainError) as raised:
        services.book(world.couple, booking(), world.therapist, now=NOW)
    assert "closed" in raised.value.problems["starts_on"]


def test_double_booking_warns_then_books_when_confirmed(world):
    other = world.other_couple
    other.therapist_id = world.therapist.id  # a second couple on the same caseload
    db.session.flush()
    services.book(world.couple, booking(), world.therapist, now=NOW)
    with pytest.raises(services.Overlap) as raised:
        services.book(other, booking(start_time=time(10, 30)), world.therapist, now=NOW)
    assert raised.value.field == "confirm_overlap" and "Book anyway" in raised.value.message
    services.book(other, booking(start_time=time(10, 30), confirm_overlap=True), world.therapist, now=NOW)
    services.book(other, booking(start_time=time(11, 20)), world.therapist, now=NOW)  # back to back is fine
    assert _count() == 3


def test_move_this_one_or_this_and_following(world):
    made = services.book(world.couple, booking(repeat="weekly", count=4), world.therapist, now=NOW)
    changes.move(made[0], booking(starts_on=date(2026, 3, 3)), "this", made[0].version, now=NOW)
    assert made[0].starts_at.day == 3 and made[1].starts_at.day == 9
    changes.move(
        made[2], booking(starts_on=date(2026, 3, 16), start_time=time(11, 0)), "following", made[2].version, now=NOW
    )
    # 10:00 -> 11:00 local for the third and fourth; the second is untouched.
    assert [a.starts_at.hour for a in made] == [15, 14, 15, 15]
    assert made[3].starts_at.day == 23


def test_move_with_a_stale_version_is_refused(world):
    (made,) = services.book(world.couple, booking(), world.therapist, now=NOW)
    with pytest.raises(DomainError):
        changes.move(made, booking(start_time=time(11, 0)), "this", made.version - 1, now=NOW)


def test_cancel_late_and_no_show(world):
    first, second = services.book(world.couple, booking(repeat="weekly", count=2), world.therapist, now=NOW)
    changes.cancel(first, "partner_a", "Sick child", late=True, now=first.starts_at - timedelta(hours=3))
    assert first.status == "late_cancellation" and first.cancelled_by_label == world.couple.partner("a").name
    with pytest.raises(DomainError):
        changes.mark_no_show(second, now=second.starts_at - timedelta(hours=1))
    changes.mark_no_show(second, now=second.starts_at + timedelta(minutes=20))
    assert second.status == "no_show"
    with pytest.raises(DomainError):
        changes.cancel(second, "therapist", "", late=False)


def test_start_session_carries_the_appointment_over(world):
    (made,) = services.book(world.couple, booking(format="phone", attendees="a", minutes=45), world.therapist, now=NOW)
    with pytest.raises(DomainError):
        changes.start_session(made, world.therapist, now=made.starts_at - timedelta(minutes=5))
    therapy_session = changes.start_session(made, world.therapist, now=made.starts_at + timedelta(minutes=1))
    assert (therapy_session.starts_at, therapy_session.minutes, therapy_session.format) == (made.starts_at, 45, "phone")
    assert therapy_session.kind == "individual" and therapy_session.individual_partner.position == "a"
    assert therapy_session.attendance == "attended" and therapy_session.progress_note is not None
    assert made.status == "attended" and made.therapy_session_id == therapy_session.id
    with pytest.raises(DomainError):
        changes.start_session(made, world.therapist, now=made.starts_at + timedelta(minutes=2))


def test_upcoming_for_partner_hides_the_other_partners_individual_appointment(world):
    now = datetime(2026, 3, 1, tzinfo=UTC)
    services.book(world.couple, booking(attendees="a"), world.therapist, now=NOW)
    services.book(world.couple, booking(starts_on=date(2026, 3, 3)), world.therapist, now=NOW)
    a, b = world.couple.partner("a"), world.couple.partner("b")
    assert len(services.upcoming_for_partner(a, now)) == 2
    assert [x.individual_partner_id for x in services.upcoming_for_partner(b, now)] == [None]
    assert services.upcoming_for_partner(a, now, timedelta(days=1)) == []
    assert len(services.upcoming_for_partner(a, now, timedelta(days=2))) == 1
