"""Reminder digests through a real SMTP server: the partner's hour in their own time zone, quiet hours,
one a day (also with two workers at once), unsubscribe without signing in, nothing for paused couples
or paused assignments, and the therapist sees the choices."""

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest

from clinic.extensions import db
from clinic.homework.services import change_assignment_status
from clinic.reminders import services
from clinic.reminders.models import ReminderPreference, ReminderSent
from tests.homework.support import assign
from tests.mail.conftest import text_of

ZONE = "America/New_York"


def _at_local_hour(hour: int) -> datetime:
    """Today's moment (UTC) when it is `hour`:05 in New York."""
    from zoneinfo import ZoneInfo

    local = datetime.now(ZoneInfo(ZONE)).replace(hour=hour, minute=5, second=0, microsecond=0)
    return local.astimezone(UTC)


def _choose(partner, **changes):
    data = {"homework": True, "questionnaires": True, "send_hour": 8, "time_zone": ZONE}
    data.update(changes)
    row = services.save_preference(partner, data)
    db.session.commit()
    return row


@pytest.fixture
def partner_with_homework(app, world):
    assignment = assign(world, days_ago=3)
    db.session.commit()
    return world.couple.partner("a"), assignment


def test_the_digest_comes_at_the_chosen_hour_in_the_partners_time_zone(app, smtp_server, partner_with_homework):
    partner, _ = partner_with_homework
    _choose(partner)
    assert services.send_due_digests(_at_local_hour(7)) == 0
    assert services.send_due_digests(_at_local_hour(8)) == 1
    assert services.send_due_digests(_at_local_hour(8) + timedelta(minutes=30)) == 0  # once a day
    [message] = smtp_server.messages
    assert message["To"] == partner.user.email
    text = text_of(message)
    assert "You have something waiting in your portal" in text and "http://clinic.test/portal/" in text


def test_quiet_hours_are_respected(app, smtp_server, partner_with_homework):
    partner, _ = partner_with_homework
    with pytest.raises(Exception, match="inside your quiet hours"):
        _choose(partner, quiet_from=22, quiet_until=9)
    db.session.rollback()
    row = _choose(partner, quiet_from=20, quiet_until=7)
    assert row.is_quiet(23) and row.is_quiet(3) and not row.is_quiet(8)
    row.quiet_from, row.quiet_until = 8, 9  # a window that covers the hour (set behind the form's back)
    db.session.commit()
    assert services.send_due_digests(_at_local_hour(8)) == 0
    assert smtp_server.messages == []


def test_one_click_unsubscribe_works_without_signing_in(app, smtp_server, partner_with_homework):
    partner, _ = partner_with_homework
    _choose(partner)
    services.send_due_digests(_at_local_hour(8))
    link = re.search(r"http://clinic\.test(/reminders/unsubscribe/\S+)", text_of(smtp_server.messages[0])).group(1)
    anonymous = app.test_client()
    assert anonymous.get(link[:-2] + "xx").status_code == 404  # forged
    asked = anonymous.get(link)  # opening the link (as a mail scanner would) only asks
    assert "Stop reminder emails?" in asked.text
    row = db.session.scalar(db.select(ReminderPreference))
    db.session.refresh(row)
    assert row.any_on
    assert anonymous.post(link[:-2] + "xx").status_code == 404  # forged
    assert "Reminders are off" in anonymous.post(link).text
    row = db.session.scalar(db.select(ReminderPreference))
    db.session.refresh(row)
    assert not row.any_on
    assert services.send_due_digests(_at_local_hour(8) + timedelta(days=1)) == 0


def test_nothing_for_a_paused_couple_or_a_paused_assignment_or_nothing_waiting(
    app, smtp_server, world, partner_with_homework
):
    partner, assignment = partner_with_homework
    _choose(partner, questionnaires=False)
    world.couple.status = "paused"
    db.session.commit()
    assert services.send_due_digests(_at_local_hour(8)) == 0
    world.couple.status = "active"
    change_assignment_status(assignment, "pause", world.therapist)
    db.session.commit()
    assert services.send_due_digests(_at_local_hour(8)) == 0
    assert smtp_server.messages == []


def test_two_workers_at_once_send_one_digest(app, smtp_server, partner_with_homework):
    partner, _ = partner_with_homework
    _choose(partner)
    moment = _at_local_hour(8)
    barrier = threading.Barrier(2)
    results: list[int] = []

    def worker():
        with app.app_context():
            barrier.wait()
            try:
                results.append(services.send_due_digests(moment))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 1]
    assert len(smtp_server.messages) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(ReminderSent)) == 1


def test_the_partner_chooses_and_the_therapist_sees_the_choices(app, world, login):
    partner_client = app.test_client()
    login(partner_client, world.couple.partner("a").user)
    assert "Email reminders" in partner_client.get("/portal/").text
    bad = partner_client.post(
        "/portal/reminders",
        data={"homework": "y", "send_hour": "23", "quiet_from": "22", "quiet_until": "6", "time_zone": ZONE},
    )
    assert bad.status_code == 422 and "inside your quiet hours" in bad.text
    data = {"homework": "y", "send_hour": "8", "quiet_from": "22", "quiet_until": "6", "time_zone": ZONE}
    assert partner_client.post("/portal/reminders", data=data).status_code == 302
    therapist = app.test_client()
    login(therapist, world.therapist)
    page = therapist.get(f"/couples/{world.couple.id}").text
    assert "Email reminders: homework at 08:00 (America/New_York), quiet 22:00–06:00" in page


def test_a_session_coming_up_is_reminded_only_to_the_partner_it_is_for(app, smtp_server, world):
    from zoneinfo import ZoneInfo

    from clinic.appointments import services as appointments
    from tests.appointments.helpers import booking, set_zone

    set_zone(ZONE)
    a, b = world.couple.partner("a"), world.couple.partner("b")
    for partner in (a, b):
        _choose(partner, homework=False, questionnaires=False, appointments=True)
    send_at = _at_local_hour(8)
    in_three_days = (send_at + timedelta(days=3)).astimezone(ZoneInfo(ZONE)).date()
    appointments.book(world.couple, booking(starts_on=in_three_days), world.therapist, now=send_at)
    db.session.commit()
    assert services.send_due_digests(send_at) == 0  # too far ahead for either of them
    tomorrow = (send_at + timedelta(days=1)).astimezone(ZoneInfo(ZONE)).date()
    appointments.book(world.couple, booking(starts_on=tomorrow, attendees="a"), world.therapist, now=send_at)
    db.session.commit()
    assert services.send_due_digests(send_at + timedelta(minutes=20)) == 1  # partner A's individual session
    [message] = smtp_server.messages
    assert message["To"] == a.user.email
    text = text_of(message)
    assert "You have something waiting in your portal" in text and "Room 2" not in text
    assert not services.waiting_for(b, services.preference_for(b), send_at)  # B never learns of A's session
