"""Measures in a real browser (CSRF on, demo data): the therapist requests CSI-4 and ECR-RS for both partners,
each partner answers on a phone, the therapist sees both partners on one chart; then the private safety
screen, which the other partner never sees. Every page is scanned with axe at desktop and phone width."""

import re
from pathlib import Path

import pytest

from tests.e2e.support import CHROMIUM, THERAPIST, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Debian's chromium at {CHROMIUM}"),
]

PARTNERS = (
    ("priya@demo.clinic.test", "Priya Nair", (5, 4, 4, 4), "3"),
    ("tomas@demo.clinic.test", "Tomás Varga", (3, 2, 3, 2), "5"),
)


def _open_measures(page, couple="Nair & Varga"):
    from playwright.sync_api import expect

    page.goto("/caseload")
    page.get_by_role("link", name=couple).click()
    page.get_by_role("navigation", name="Couple sections").get_by_role("link", name="Measures").click()
    expect(page.get_by_role("heading", name="Relationship satisfaction (CSI-4)")).to_be_visible()


def _request(page, measure_value):
    page.get_by_label("Questionnaire").select_option(measure_value)
    page.get_by_label("Who answers").select_option("both")
    page.get_by_label("How often").select_option("once")
    page.get_by_role("button", name="Request", exact=True).click()


def _answer_csi_and_ecr(page, visit, email, name, csi, ecr):
    from playwright.sync_api import expect

    sign_in(page, email)
    visit(page, f"today - {name}", "client")
    page.get_by_role("link", name="Couples Satisfaction Index (CSI-4)").click()
    page.get_by_role("button", name="Send my answers").click()  # nothing chosen: every item is asked for
    expect(page.locator(".q-missing")).to_have_count(4)
    page.get_by_role("group", name=re.compile("degree of happiness")).locator(f"input[value='{csi[0]}']").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator(".q-missing")).to_have_count(3)  # the first answer was kept
    visit(page, f"csi-4 half answered - {name}", "client")
    for number, value in enumerate(csi[1:], start=2):
        _choose(page.locator(f"input[name=item_{number}][value='{value}']"))
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Thank you. Your answers are saved.")).to_be_visible()
    page.get_by_role("link", name=re.compile("Experiences in Close Relationships")).click()
    for number in range(1, 10):
        _choose(page.locator(f"input[name=item_{number}][value='{ecr}']"))
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Thank you. Your answers are saved.")).to_be_visible()
    expect(page.get_by_text(f"{sum(csi)} out of 21.")).to_be_visible()
    visit(page, f"questionnaires - {name}", "client")


def test_request_answer_on_phones_and_chart_both_partners(in_browser):
    in_browser(_request_answer_and_chart)


def test_safety_screen_reaches_one_partner_only(in_browser):
    in_browser(_safety_screen)


def _request_answer_and_chart(new_page, visit):
    from playwright.sync_api import expect

    therapist = new_page()
    sign_in(therapist, THERAPIST)
    _open_measures(therapist)
    visit(therapist, "couple measures (before)", "therapist")
    stop = therapist.locator("#requests").get_by_role("button", name=re.compile("^Stop"))
    while remaining := stop.count():
        stop.first.click()
        expect(stop).to_have_count(remaining - 1)  # the page has reloaded before the next count
    _request(therapist, "csi4")
    expect(therapist.get_by_text("Requested for both partners.")).to_be_visible()
    _request(therapist, "ecr_rs")
    expect(therapist.get_by_text("Requested for both partners.")).to_be_visible()

    for email, name, csi, ecr in PARTNERS:
        _answer_csi_and_ecr(new_page(phone=True), visit, email, name, csi, ecr)

    _open_measures(therapist)
    chart = therapist.locator("figure.chart svg").first
    expect(chart).to_contain_text("Priya Nair")
    expect(chart).to_contain_text("Tomás Varga")
    expect(chart).to_contain_text("cut-off 13.5")
    therapist.get_by_text("CSI-4 scores as a table").click()
    table = therapist.get_by_role("table", name="CSI-4 answers, oldest first")
    expect(table.get_by_role("row").last).to_contain_text("10")
    visit(therapist, "couple measures (after)", "therapist")
    visit.assert_clean()


def _safety_screen(new_page, visit):
    from playwright.sync_api import expect

    from clinic.measures.screen import DIRECTIONAL_ITEMS

    therapist = new_page()
    sign_in(therapist, THERAPIST)
    _open_measures(therapist, "Rivera & Chen")
    therapist.get_by_role("button", name="Send again to Alex Rivera").click()
    expect(therapist.get_by_text("Sent.", exact=True)).to_be_visible()

    alex = new_page(phone=True)
    sign_in(alex, "alex@demo.clinic.test")
    alex.get_by_role("link", name="A few questions about how things are going").click()
    visit(alex, "check-in form", "client")
    answers = {
        "relationship?": "A lot of tension",
        "work out arguments": "Great difficulty",
        "feeling down": "Never",
        "result in hitting": "Never",
        "ever feel frightened": "Sometimes",
        "abused you physically": "Never",
        "abused you emotionally": "Never",
        "abused you sexually": "Never",
    }
    for question, option in answers.items():
        _choose(alex.get_by_role("group", name=re.compile(re.escape(question))).get_by_label(option, exact=True))
    for item in DIRECTIONAL_ITEMS:  # the last-12-months items, both directions
        _choose(alex.locator(f"input[name='{item.key}'][value='no']"))
    alex.get_by_role("button", name="Send").click()
    expect(alex.get_by_role("heading", name="Support is available")).to_be_visible()
    expect(alex.get_by_text("1-800-799-SAFE (7233)")).to_be_visible()
    visit(alex, "check-in support", "client")

    jordan = new_page(phone=True)
    sign_in(jordan, "jordan@demo.clinic.test")
    for path in ("/portal/", "/portal/questionnaires"):
        jordan.goto(path)
        expect(jordan.get_by_text("how things are going")).to_have_count(0)
        expect(jordan.get_by_text("7233")).to_have_count(0)

    therapist.goto("/caseload")
    expect(therapist.get_by_text("Positive safety screen (Alex Rivera): record a decision.")).to_be_visible()
    visit.assert_clean()


def _choose(radio):
    """Choose an option with the keyboard (focus, Space), as a keyboard user would."""
    from playwright.sync_api import expect

    radio.focus()
    radio.press("Space")
    expect(radio).to_be_checked()
