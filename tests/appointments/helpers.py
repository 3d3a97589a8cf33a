"""Shared helpers for the appointments tests."""

from datetime import date, time

from clinic.appointments.services import Booking
from clinic.extensions import db
from clinic.settings import edit_practice_settings


def set_zone(name: str) -> None:
    edit_practice_settings().time_zone = name
    db.session.flush()


def booking(**overrides) -> Booking:
    values = dict(starts_on=date(2026, 3, 2), start_time=time(10, 0), minutes=50, format="in_person", location="Room 2")
    values.update(overrides)
    return Booking(**values)
