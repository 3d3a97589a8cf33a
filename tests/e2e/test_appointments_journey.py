"""Appointments in a real browser (issue #15): the therapist books a weekly series, moves one, cancels one
as a late cancellation, marks a no-show, starts a session from today's appointment and signs its note; a
partner sees the next session on a phone and downloads its .ics."""

import re
from datetime import datetime, timedelta

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from tests.e2e.support import DEMO_PASSWORD, THERAPIST, sign_in
from tests.e2e.test_notes_journeys import fill_eft_note, open_part

pytestmark = pytest.mark.e2e
COUPLE = "Rivera & Chen"


def _local_now(live_server) -> datetime:
    from clinic.settings import practice_zone

    with live_server.app.app_context():
        return datetime.now(practice_zone()).replace(second=0, microsecond=0, tzinfo=None)


def _book(page, day: str, at: str, *, weekly_count: str | None = None) -> None:
    page.get_by_label("Date", exact=True).fill(day)
    page.get_by_label("Start time").fill(at)
    if weekly_count:
        page.get_by_label("Repeats").select_option("weekly")
        page.get_by_label("…or after this many appointments").fill(weekly_count)
    page.get_by_role("button", name="Book", exact=True).click()


def test_book_cancel_no_show_start_session_and_partner_sees_it(new_page, visit, live_server, tmp_path):
    now = _local_now(live_server)
    started = now - timedelta(minutes=20)
    if started.date() != now.date():  # just after midnight: keep "today's" appointment today
        started = now.replace(hour=0, minute=1)
    page = new_page()
    sign_in(page, THERAPIST)
    page.get_by_role("link", name=COUPLE).click()
    page.get_by_role("navigation", name="Couple sections").get_by_role("link", name="Appointments").click()

    # A bad booking first: a 0-minute length is refused next to its field, nothing booked.
    page.get_by_label("Length (minutes)").fill("0")
    _book(page, started.date().isoformat(), started.strftime("%H:%M"), weekly_count="4")
    expect(page.get_by_text("Use a length from 5 to 480 minutes.", exact=True)).to_be_visible()
    expect(page.get_by_text("No appointments booked yet.")).to_be_visible()

    # A weekly series of four from today's (already started) time.
    page.get_by_label("Length (minutes)").fill("50")
    _book(page, started.date().isoformat(), started.strftime("%H:%M"), weekly_count="4")
    expect(page.get_by_text("4 appointments booked.")).to_be_visible()
    visit(page, "couple appointments", "therapist")

    # And one yesterday that nobody came to.
    yesterday = started - timedelta(days=1)
    _book(page, yesterday.date().isoformat(), "09:00")
    expect(page.get_by_text("1 appointment booked.")).to_be_visible()

    # The week view shows them, with the zone named.
    page.get_by_role("link", name="Schedule").first.click()
    expect(page.get_by_role("heading", name="Schedule")).to_be_visible()
    visit(page, "schedule week", "therapist")

    # Cancel next week's as a late cancellation.
    page.get_by_role("link", name="Agenda").click()
    expect(page.locator(".appt-list a").first).to_be_visible()
    visit(page, "schedule agenda", "therapist")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Caseload").click()
    page.get_by_role("link", name=COUPLE).click()
    page.get_by_role("navigation", name="Couple sections").get_by_role("link", name="Appointments").click()
    appointment_links = page.locator(".appt-list li a")
    # Latest first: [week 4, week 3, week 2, today, yesterday]
    appointment_links.nth(2).click()
    page.get_by_label("Cancelled by").select_option("partner_a")
    page.get_by_label("Late cancellation").check()
    page.get_by_role("button", name="Cancel this appointment").click()
    expect(page.get_by_text("Appointment marked late cancellation.")).to_be_visible()
    visit(page, "appointment cancelled late", "therapist")

    # Week 3's moves to the next day, this one only (the rest of the series keeps its day).
    moved = started + timedelta(days=15)
    page.get_by_role("navigation", name="Couple sections").get_by_role("link", name="Appointments").click()
    page.locator(".appt-list li a").nth(1).click()
    page.get_by_label("Date", exact=True).fill(moved.date().isoformat())
    page.get_by_label("This appointment only").check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("1 appointment changed.")).to_be_visible()

    # Yesterday's: a no-show.
    page.get_by_role("navigation", name="Couple sections").get_by_role("link", name="Appointments").click()
    page.locator(".appt-list li a").nth(4).click()
    page.get_by_role("button", name="Mark as no-show").click()
    expect(page.get_by_text("Marked as a no-show.")).to_be_visible()

    # Today's has started: one click records the session and opens its note.
    page.get_by_role("navigation", name="Couple sections").get_by_role("link", name="Appointments").click()
    page.locator(".appt-list li a").nth(3).click()
    page.get_by_role("button", name="Start session (opens its note)").click()
    expect(page.get_by_text(re.compile(r"Session \d+ recorded"))).to_be_visible()
    expect(page.get_by_role("button", name="Save draft")).to_be_visible()

    # ...and its note is written and signed (the session has started, so signing is allowed).
    fill_eft_note(page)
    open_part(page, "Change events and observations")  # folded: not a part of the current stage
    page.get_by_label("Observations").fill("Started from the appointment; both arrived on time.")
    page.get_by_label("Plan for next session").fill("Name the cycle as it starts; keep the weekly time.")
    expect(page.locator("#autosave-status")).to_have_text(re.compile("Draft saved at"), timeout=15_000)
    page.get_by_label("I attest that this note is accurate").check()
    page.get_by_label("Your password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign note").click()
    expect(page.get_by_text("Note signed and locked.")).to_be_visible()

    # A partner on a phone: the next session on Today, and its calendar file.
    alex = new_page(phone=True)
    sign_in(alex, "alex@demo.clinic.test")
    expect(alex.get_by_role("heading", name="Next session")).to_be_visible()
    expect(alex.locator(".next-session")).to_contain_text(f"{moved:%-d %b %Y}, {moved:%H:%M}")
    visit(alex, "partner today with next session", "client")
    with alex.expect_download() as download_info:
        alex.get_by_role("link", name="Add to my calendar (.ics)").click()
    path = tmp_path / "session.ics"
    download_info.value.save_as(path)
    (event,) = Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert "Therapy session" in str(event["summary"])
