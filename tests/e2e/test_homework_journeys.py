"""Homework in a real browser: the therapist assigns an exercise to each partner, each partner completes it on
a phone (one shares the entry, one keeps it private), and the therapist reviews adherence."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import THERAPIST, sign_in, sign_out

pytestmark = pytest.mark.e2e

EXERCISE = "My self-care plan"
PARTNERS = {"alex@demo.clinic.test": ("Alex Rivera", True), "jordan@demo.clinic.test": ("Jordan Chen", False)}


def open_couple_section(page, couple: str, section: str) -> None:
    page.get_by_role("link", name=couple).click()
    page.get_by_role("navigation", name="Couple sections").get_by_role("link", name=section).click()


def assign(page, visit=None) -> None:
    open_couple_section(page, "Rivera & Chen", "Homework")
    if visit:
        visit(page, "homework review (before)", "therapist")
    page.get_by_role("button", name="Assign homework").click()
    expect(page.get_by_role("heading", name="Assign homework", level=2)).to_be_visible()
    if visit:
        visit(page, "assign homework", "therapist")
    _select_by_text(page, "Exercise", EXERCISE)
    page.get_by_role("group", name="Who does it").get_by_label("Each partner, separately").check()
    expect(page.get_by_label("Start date")).not_to_have_value("")  # today in the practice's time zone
    page.get_by_label("A personal note to the couple").fill("Keep it small and doable this week.")
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.get_by_role("link", name=EXERCISE).first).to_be_visible()


def _select_by_text(page, label: str, text: str) -> None:
    select = page.get_by_label(label)
    value = select.locator("option", has_text=text).first.get_attribute("value")
    select.select_option(value)


def complete_on_phone(page, visit, email: str, name: str, share: bool) -> None:
    sign_in(page, email)
    expect(page.get_by_role("heading", name=f"Hello, {name}")).to_be_visible()
    visit(page, f"today - {name}", "client")
    visit.click(page.get_by_role("link", name="Homework", exact=True), "Homework link on a phone")
    expect(page.get_by_role("heading", name="My homework")).to_be_visible()
    visit(page, f"my homework - {name}", "client")
    page.get_by_role("link", name=re.compile(re.escape(EXERCISE))).first.click()
    expect(page.get_by_role("heading", name=EXERCISE, level=1)).to_be_visible()
    visit(page, f"homework assignment - {name}", "client")
    page.get_by_role("button", name="Save entry").click()  # empty: the required answer is asked for
    expect(page.locator(".field-error").first).to_be_visible()
    visit(page, f"homework entry - errors - {name}", "client")
    page.get_by_label("Two or three things that restore me").fill(
        f"{name.split()[0]}: a walk after work, a call with my sister on Sunday."
    )
    page.get_by_label("Anything else you'd like to note").fill("Easier than I expected.")
    if share:
        page.get_by_label("Share this entry with my partner").check()
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_text("a walk after work").first).to_be_visible()
    expect(page.get_by_text("Shared with" if share else "Private", exact=False).first).to_be_visible()
    visit(page, f"homework after the entry - {name}", "client")


def test_assign_homework_and_each_partner_completes_it(new_page, visit):
    therapist = new_page()
    sign_in(therapist, THERAPIST)
    assign(therapist, visit)
    visit(therapist, "homework review (assigned)", "therapist")

    for email, (name, share) in PARTNERS.items():
        phone = new_page(phone=True)
        complete_on_phone(phone, visit, email, name, share)
        if not share:
            # Jordan sees what Alex shared, never Alex's private entries.
            expect(phone.get_by_text("Alex Rivera shared").first).to_be_visible()
        sign_out(phone, visit)

    therapist.reload()
    expect(therapist.get_by_role("link", name=EXERCISE).first).to_be_visible()
    therapist.get_by_role("link", name=EXERCISE).first.click()
    expect(therapist.get_by_text("Alex: a walk after work")).to_be_visible()
    expect(therapist.get_by_text("Jordan: a walk after work")).to_be_visible()
    visit(therapist, "assignment review with both entries", "therapist")
    visit.assert_clean()


def test_homework_entry_by_keyboard_only(new_page, visit):
    therapist = new_page()
    sign_in(therapist, THERAPIST)
    assign(therapist)
    page = new_page(phone=True)
    sign_in(page, "alex@demo.clinic.test")
    page.goto("/portal/homework")
    page.get_by_role("link", name=re.compile(re.escape(EXERCISE))).first.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=EXERCISE, level=1)).to_be_visible()
    page.get_by_label("Date you did it").focus()
    reached = None
    for _ in range(12):
        page.keyboard.press("Tab")
        reached = page.evaluate(
            "document.activeElement.labels && document.activeElement.labels[0] "
            "&& document.activeElement.labels[0].textContent.trim()"
        )
        if reached and reached.startswith("Two or three things"):
            break
    assert reached and reached.startswith("Two or three things"), reached
    page.keyboard.type("Keyboard only: an early night on Wednesday.")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Save entry":
            break
    page.keyboard.press("Enter")
    expect(page.get_by_text("Keyboard only: an early night on Wednesday.")).to_be_visible()
    visit.assert_clean()
