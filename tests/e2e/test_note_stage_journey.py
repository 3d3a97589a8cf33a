"""The note form opens at the couple's current stage (#18): on a phone (390×844) and at 1280 wide, the jump
list names the stage and opens a folded part; what is typed there is saved, kept after a reload, and a
part folded again by hand still sends its fields."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import THERAPIST, sign_in
from tests.e2e.test_notes_journeys import record_session

pytestmark = pytest.mark.e2e

INJURY = "Attachment injury"


def part(page, heading: str):
    return page.locator("details.note-section", has=page.locator("summary", has_text=heading))


def is_open(page, heading: str) -> bool:
    return part(page, heading).evaluate("d => d.open")


@pytest.mark.parametrize("phone", [True, False], ids=["phone-390", "desktop-1280"])
def test_open_a_folded_part_from_the_jump_list_type_save_and_reload(new_page, visit, phone):
    page = new_page(phone=phone)
    sign_in(page, THERAPIST)
    record_session(page)  # Rivera & Chen: their last signed note is in Stage 2
    jump = page.get_by_role("navigation", name="Parts of this note")
    expect(jump).to_be_visible()
    expect(jump.get_by_text(re.compile(r"Current stage: Stage 2 · Restructuring"))).to_be_visible()
    assert jump.bounding_box()["y"] < page.locator("#note-form").bounding_box()["y"]  # before the form
    # The current stage's parts are open; the others are folded.
    assert is_open(page, "Stage 2, per partner") and is_open(page, "Enactment") and is_open(page, "Stage and steps")
    assert not is_open(page, INJURY) and not is_open(page, "The cycle this session")
    expect(page.get_by_label("The injury, as the injured partner describes it")).to_be_hidden()
    visit(page, f"note opened at the current stage ({'phone' if phone else 'desktop'})", "therapist")

    # The jump list opens the folded part and moves focus to it.
    jump.get_by_role("link", name=INJURY).click()
    assert is_open(page, INJURY)
    expect(part(page, INJURY).locator("summary")).to_be_focused()
    words = "Alex: the night Jordan stayed at work while she waited at the hospital."
    part(page, INJURY).get_by_role("group", name="Attachment injury worked on this session").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_label("The injury, as the injured partner describes it").fill(words)
    visit(page, f"folded part opened from the jump list ({'phone' if phone else 'desktop'})", "therapist")

    # Printing the draft opens every folded part for the print, and folds them again afterwards.
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("details.note-section:not([open])").count() == 0
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert not is_open(page, "The cycle this session") and is_open(page, INJURY)

    # Folding the part again by hand hides its fields, but they are still sent with the form.
    part(page, INJURY).locator("summary").click()
    assert not is_open(page, INJURY)
    expect(page.locator("#autosave-status")).to_have_text(re.compile("Draft saved at"), timeout=15_000)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text(re.compile("Draft saved at")).first).to_be_visible()

    page.reload()
    assert is_open(page, INJURY)  # it has text now, so it is sent open
    expect(page.get_by_label("The injury, as the injured partner describes it")).to_have_value(words)
    expect(jump.get_by_role("link", name=re.compile(INJURY + r".*has text"))).to_be_visible()
    assert not is_open(page, "The cycle this session")
    visit(page, f"note reloaded with the injury kept ({'phone' if phone else 'desktop'})", "therapist")
    visit.assert_clean()
