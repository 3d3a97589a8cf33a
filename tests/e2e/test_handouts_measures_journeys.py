"""Handouts and questionnaires in a real browser: give a handout and download it (therapist and partner);
request a questionnaire, each partner answers it on a phone, the therapist sees the result."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import THERAPIST, sign_in, sign_out

pytestmark = pytest.mark.e2e

NOTE = "The part about pausing before replying is for both of you."
PARTNERS = {"alex@demo.clinic.test": "Alex Rivera", "jordan@demo.clinic.test": "Jordan Chen"}


def open_couple_section(page, couple: str, section: str) -> None:
    page.get_by_role("link", name=couple).click()
    page.get_by_role("navigation", name="Couple sections").get_by_role("link", name=section).click()


def _select_second_option(page, select) -> str:
    """Choose the first real option of a select whose first option is a prompt; returns its text."""
    option = select.locator("option").nth(1)
    text = option.inner_text().strip()
    select.select_option(option.get_attribute("value"))
    return text


def assert_pdf(page, href: str) -> None:
    """Download as this browser session (its cookies) and check it really is a PDF."""
    response = page.request.get(href)
    assert response.status == 200, (href, response.status)
    assert response.headers["content-type"].startswith("application/pdf")
    assert response.body()[:5] == b"%PDF-"


def test_give_a_handout_and_both_download_it(new_page, visit):
    page = new_page()
    sign_in(page, THERAPIST)
    open_couple_section(page, "Rivera & Chen", "Handouts")
    visit(page, "couple handouts", "therapist")
    page.get_by_role("button", name="Give", exact=True).click()  # nothing chosen: a message, nothing given
    expect(page.locator(".field-error", has_text="Choose a handout.")).to_be_visible()
    visit(page, "couple handouts - errors", "therapist")
    give = page.get_by_role("region", name="Give a handout")
    title = _select_second_option(page, give.get_by_label("Handout"))
    give.get_by_label("Personal note (optional)").fill(NOTE)
    give.get_by_role("button", name="Give", exact=True).click()
    given = page.get_by_role("region", name=re.compile("^Given to")).get_by_role("listitem").filter(has_text=NOTE)
    expect(given.get_by_text(title, exact=True)).to_be_visible()
    visit(page, "couple handouts - given", "therapist")
    assert_pdf(page, given.get_by_role("link", name="PDF").get_attribute("href"))

    for email, name in PARTNERS.items():
        phone = new_page(phone=True)
        sign_in(phone, email)
        visit.click(phone.get_by_role("link", name="Handouts", exact=True), "Handouts link on a phone")
        expect(phone.get_by_role("heading", name="Handouts", level=1)).to_be_visible()
        visit(phone, f"my handouts - {name}", "client")
        phone.get_by_role("link", name=title).first.click()  # newest first
        expect(phone.get_by_text(NOTE)).to_be_visible()
        visit(phone, f"reading the handout - {name}", "client")
        assert_pdf(phone, phone.get_by_role("button", name="Download PDF").get_attribute("href"))
        sign_out(phone, visit)
    visit.assert_clean()


def answer_every_item(page, choice: int = 3) -> None:
    """Pick an answer in every question group, as a person reading down the page would."""
    groups = page.locator("fieldset.q-item")
    for index in range(groups.count()):
        groups.nth(index).get_by_role("radio").nth(choice).check()


def test_request_and_answer_a_questionnaire(new_page, visit):
    page = new_page()
    sign_in(page, THERAPIST)
    open_couple_section(page, "Rivera & Chen", "Measures")
    visit(page, "couple measures", "therapist")
    request = (
        page.get_by_role("region", name=re.compile("Request a questionnaire"))
        if page.get_by_role("region", name=re.compile("Request a questionnaire")).count()
        else page
    )
    questionnaire = request.get_by_label("Questionnaire")
    value = questionnaire.locator("option", has_text="RAS").first.get_attribute("value")
    questionnaire.select_option(value)
    request.get_by_label("Who answers").select_option("both")
    request.get_by_label("How often").select_option("once")
    request.get_by_role("button", name="Request").click()
    expect(page.get_by_role("row", name=re.compile("RAS")).first).to_be_visible()
    visit(page, "couple measures - requested", "therapist")

    for email, name in PARTNERS.items():
        phone = new_page(phone=True)
        sign_in(phone, email)
        visit.click(phone.get_by_role("link", name="Questionnaires", exact=True), "Questionnaires link on a phone")
        expect(phone.get_by_role("heading", name="Questionnaires", level=1)).to_be_visible()
        visit(phone, f"questionnaires - {name}", "client")
        phone.get_by_role("link", name=re.compile("Relationship Assessment Scale")).first.click()
        expect(phone.get_by_role("heading", name="Relationship Assessment Scale (RAS)")).to_be_visible()
        visit(phone, f"answering RAS - {name}", "client")
        phone.get_by_role("button", name="Send my answers").click()  # every item is required
        expect(phone.locator("#answer-errors")).to_be_visible()
        visit(phone, f"answering RAS - errors - {name}", "client")
        answer_every_item(phone)
        phone.get_by_role("button", name="Send my answers").click()
        expect(phone.locator("#answer-errors")).to_have_count(0)
        visit(phone, f"after answering RAS - {name}", "client")
        sign_out(phone, visit)

    page.reload()
    expect(page.get_by_role("link", name=re.compile(r"RAS · Alex Rivera"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"RAS · Jordan Chen"))).to_be_visible()
    page.get_by_role("link", name=re.compile(r"RAS · Alex Rivera")).first.click()
    visit(page, "RAS answer detail", "therapist")
    visit.assert_clean()
