"""A therapist reads times in their own zone (issues #15, #18): on the account page they search the long
grouped list for London, save it, and the schedule shows the same appointment at London time."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.support import THERAPIST, sign_in

pytestmark = pytest.mark.e2e
COUPLE = "Rivera & Chen"


def _book_in_two_weeks(live_server) -> datetime:
    """An appointment of the demo couple two weeks from now, on a day at 16:30 UTC (whatever the season,
    a different clock time in New York and in London)."""
    from clinic.appointments.models import Appointment
    from clinic.auth.models import find_user_by_email
    from clinic.couples.models import Couple
    from clinic.extensions import db

    day = datetime.now(UTC).date() + timedelta(days=14)
    starts = datetime.combine(day, time(16, 30), UTC)
    with live_server.app.app_context():
        therapist = find_user_by_email(THERAPIST)
        couple = db.session.scalar(db.select(Couple).where(Couple.display_name == COUPLE))
        db.session.add(
            Appointment(
                couple_id=couple.id,
                therapist_id=therapist.id,
                starts_at=starts,
                minutes=50,
                created_by_id=therapist.id,
            )
        )
        db.session.commit()
        db.session.remove()
    return starts


def _local(moment: datetime, zone: str) -> str:
    from zoneinfo import ZoneInfo

    local = moment.astimezone(ZoneInfo(zone))
    return f"{local:%H:%M} {local.tzname()}"


def test_a_therapist_chooses_their_zone_and_the_schedule_follows(new_page, visit, live_server):
    starts = _book_in_two_weeks(live_server)
    day = starts.date().isoformat()
    new_york, london = _local(starts, "America/New_York"), _local(starts, "Europe/London")
    page = new_page()
    sign_in(page, THERAPIST)

    # The practice's zone first: the schedule of that day in New York time.
    page.goto(f"/schedule/day?d={day}")
    expect(page.get_by_text("Times in America/New_York.")).to_be_visible()
    item = page.locator(".appt-list li", has_text=COUPLE).first
    expect(item).to_contain_text(f"{new_york}–")

    # The account page: "Practice's time zone (America/New_York)" is chosen; search for London.
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", name="Time zone")).to_be_visible()
    select = page.get_by_role("combobox", name="Time zone", exact=True)
    assert select.input_value() == ""
    expect(select.locator("option:checked")).to_have_text("Practice's time zone (America/New_York)")
    expect(select.locator("optgroup").first).to_have_attribute("label", "Likely for this practice")
    search = page.get_by_label("Search the list")
    search.fill("london")
    expect(page.get_by_text("1 time zone matches")).to_be_visible()
    texts = select.locator("option").all_text_contents()
    # the practice's choice stays on top (it is what is chosen), then the one match
    assert texts[0] == "Practice's time zone (America/New_York)" and len(texts) == 2
    assert re.fullmatch(r"London \(UTC\+0[01]:00\)", texts[1])
    select.select_option("Europe/London")
    visit(page, "account time zone searched", "therapist")
    search.press("Enter")  # to the list, never submitting
    page.get_by_role("button", name="Save time zone").click()
    expect(page.get_by_text("Times are now shown in Europe/London.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Times are shown in Europe/London\."))).to_be_visible()
    assert page.get_by_role("combobox", name="Time zone", exact=True).input_value() == "Europe/London"
    visit(page, "account time zone saved", "therapist")

    # The same appointment, now at London time.
    page.get_by_role("link", name="Schedule").first.click()
    page.goto(f"/schedule/day?d={day}")
    expect(page.get_by_text("Times in Europe/London.")).to_be_visible()
    item = page.locator(".appt-list li", has_text=COUPLE).first
    expect(item).to_contain_text(f"{london}–")
    visit(page, "schedule day in london time", "therapist")
    item.get_by_role("link").click()
    expect(page.get_by_text(london).first).to_be_visible()
    assert page.get_by_label("Start time").input_value() == london[:5]
    visit(page, "appointment in london time", "therapist")
    visit.assert_clean()
