"""#17 in a real browser: a partner's own score history as a chart with a table; the new EFT note fields;
each page scanned with axe and photographed at 1280 and 390 px."""

from pathlib import Path

import pytest

from tests.e2e.support import CHROMIUM, THERAPIST, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Debian's chromium at {CHROMIUM}"),
]


def test_partner_sees_own_chart_and_table(new_page, visit):
    from playwright.sync_api import expect

    alex = new_page(phone=True)
    sign_in(alex, "alex@demo.clinic.test")
    alex.goto("/portal/questionnaires")
    chart = alex.get_by_role("img", name="Your CSI-4 scores over time")
    expect(chart).to_be_visible()
    alex.get_by_text("Your CSI-4 scores as a table").click()
    expect(alex.locator("table.own-table").first).to_be_visible()
    visit(alex, "own score history", "client")
    visit.assert_clean()


def test_therapist_sees_the_new_eft_note_fields(new_page, visit):
    from playwright.sync_api import expect

    therapist = new_page()
    sign_in(therapist, THERAPIST)
    therapist.goto("/caseload")
    therapist.get_by_role("link", name="Rivera & Chen").click()
    therapist.get_by_role("navigation", name="Couple sections").get_by_role("link", name="Course").click()
    expect(therapist.get_by_text("Withdrawer · re-engagement").first).to_be_visible()
    visit(therapist, "course per partner", "therapist")
    visit.assert_clean()
