"""Issue #11 in a real browser: the therapist gives the safety handout to one partner only; that partner
reads and downloads it, the other partner's Handouts page never shows it."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import THERAPIST, sign_in, sign_out

pytestmark = pytest.mark.e2e

SAFETY = "Safety and support"
NOTE = "For you alone: keep this somewhere private."


def _open_handouts(page) -> None:
    page.get_by_role("link", name="Rivera & Chen").click()
    page.get_by_role("navigation", name="Couple sections").get_by_role("link", name="Handouts").click()


def _assert_pdf(page, href: str) -> None:
    response = page.request.get(href)
    assert response.status == 200, (href, response.status)
    assert response.headers["content-type"].startswith("application/pdf") and response.body()[:5] == b"%PDF-"


def test_safety_handout_goes_to_one_partner_only(new_page, visit):
    page = new_page()
    sign_in(page, THERAPIST)
    _open_handouts(page)
    give = page.get_by_role("region", name="Give a handout")
    value = give.get_by_label("Handout").locator("option", has_text=SAFETY).first.get_attribute("value")
    give.get_by_label("Handout").select_option(value)
    give.get_by_label("Personal note (optional)").fill(NOTE)
    give.get_by_role("button", name="Give").click()  # "Both partners" is the default: refused
    expect(page.locator(".field-error", has_text="one partner at a time")).to_be_visible()
    visit(page, "couple handouts - safety to both refused", "therapist")

    give = page.get_by_role("region", name="Give a handout")
    give.get_by_label("Alex Rivera only").check()
    give.get_by_role("button", name="Give").click()
    expect(page.get_by_text("Given to one partner only.")).to_be_visible()
    given = page.get_by_role("region", name=re.compile("^Given to")).get_by_role("listitem").filter(has_text=NOTE)
    expect(given.get_by_text("For Alex Rivera only")).to_be_visible()
    visit(page, "couple handouts - given to one partner", "therapist")

    alex = new_page(phone=True)
    sign_in(alex, "alex@demo.clinic.test")
    visit.click(alex.get_by_role("link", name="Handouts", exact=True), "Handouts link on a phone")
    alex.get_by_role("link", name=SAFETY).first.click()
    expect(alex.get_by_text(NOTE)).to_be_visible()
    visit(alex, "reading the safety handout - Alex", "client")
    _assert_pdf(alex, alex.get_by_role("button", name="Download PDF").get_attribute("href"))
    given_url = alex.url
    sign_out(alex, visit)

    jordan = new_page(phone=True)
    sign_in(jordan, "jordan@demo.clinic.test")
    expect(jordan.get_by_text(SAFETY)).to_have_count(0)  # not on Today
    visit.click(jordan.get_by_role("link", name="Handouts", exact=True), "Handouts link on a phone")
    expect(jordan.get_by_role("heading", name="Handouts", level=1)).to_be_visible()
    expect(jordan.get_by_text(SAFETY)).to_have_count(0)
    visit(jordan, "my handouts - Jordan", "client")
    assert jordan.request.get(given_url).status == 404
    sign_out(jordan, visit)
    visit.assert_clean()
