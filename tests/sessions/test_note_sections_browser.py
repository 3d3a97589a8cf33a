"""Folding note parts on a phone: parts outside the current stage fold, the jump list opens them (#18)."""

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import a11y_log, clock, live_server, new_page, screenshot_dir, visit  # noqa: F401, F811
from tests.e2e.support import CHROMIUM, DEMO_PASSWORD, THERAPIST, sign_in
from tests.e2e.test_notes_journeys import record_session

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Debian's chromium at {CHROMIUM}"),
]


def _open(page, heading: str) -> bool:
    return page.locator("details.note-section", has=page.locator("summary", has_text=heading)).evaluate("d => d.open")


def test_parts_fold_on_a_phone_and_open_from_the_jump_list_and_for_problems(new_page, visit):  # noqa: F811
    from playwright.sync_api import expect

    page = new_page(phone=True)
    sign_in(page, THERAPIST)
    page.goto("/caseload")
    record_session(page)
    expect(page.get_by_role("navigation", name="Parts of this note")).to_be_visible()
    assert _open(page, "Stage and steps")  # the current stage's parts are open (#18: stages.py)
    assert not _open(page, "Attachment injury") and not _open(page, "Narrative")
    visit(page, "note parts on a phone", "therapist")

    jump = page.get_by_role("navigation", name="Parts of this note")
    jump.get_by_role("link", name="Plan for next session").click()
    assert _open(page, "Plan for next session")
    page.get_by_label("Plan for next session").fill("Slow the cycle down when it starts.")

    page.get_by_label("I attest that this note is accurate").check()
    page.get_by_label("Your password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign note").click()
    expect(page.get_by_text("Your draft is saved, but the note was not signed.")).to_be_visible()
    assert _open(page, "Stage and steps") and _open(page, "Risk check")  # parts with problems never fold
    assert _open(page, "Plan for next session")  # it has text now
    expect(page.get_by_label("Plan for next session")).to_have_value("Slow the cycle down when it starts.")
    visit(page, "note parts with problems on a phone", "therapist")

    page.locator("details.note-section", has=page.locator("summary", has_text="Risk check")).locator(
        "summary"
    ).click()  # fold a part with a problem by hand; the summary's link opens it again
    assert not _open(page, "Risk check")
    page.locator("#form-errors").get_by_role("link", name=re.compile("Risk check")).first.click()
    assert _open(page, "Risk check")
    visit.assert_clean()
