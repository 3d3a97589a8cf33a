"""The time-zone search in a real browser: typing narrows the grouped list; the chosen zone stays (#18)."""

from pathlib import Path

import pytest

from clinic.settings import time_zone_choices
from tests.e2e.conftest import a11y_log, clock, live_server, new_page, screenshot_dir, visit  # noqa: F401, F811
from tests.e2e.support import ADMIN, CHROMIUM, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Debian's chromium at {CHROMIUM}"),
]


def test_search_narrows_the_time_zones_and_saving_keeps_the_choice(new_page, visit):  # noqa: F811
    from playwright.sync_api import expect

    page = new_page()
    sign_in(page, ADMIN)
    page.goto("/admin/settings")
    select = page.get_by_label("Time zone", exact=True)
    search = page.get_by_label("Search the list")
    # "Likely for this practice" (the practice's zone, and zones two or more people chose), then the regions
    expect(select.locator("optgroup")).to_have_count(16)
    search.fill("buenos")
    expect(page.get_by_text("2 time zones match")).to_be_visible()
    texts = select.locator("option").all_text_contents()
    # the two matches, and the chosen zone stays in the list so filtering never changes what is sent
    assert len(texts) == 3 and "Buenos Aires, Argentina" in " ".join(texts) and "New York" in " ".join(texts)
    assert select.input_value() == "America/New_York"
    visit(page, "Time zone search", "admin")
    search.press("Enter")  # moves to the list, never submits
    expect(page.get_by_role("heading", name="Practice settings")).to_be_visible()
    select.select_option("America/Argentina/Buenos_Aires")
    search.fill("")
    expect(select.locator("option")).to_have_count(len(time_zone_choices()) + 1)  # + the practice's zone, listed first
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Practice settings saved.")).to_be_visible()
    assert page.get_by_label("Time zone", exact=True).input_value() == "America/Argentina/Buenos_Aires"
    visit.assert_clean()
