"""The safety screen in a real browser: a partner answers at home (severe), another partner answers in the
office on the therapist's device, and the therapist reads the tier, fills the follow-up and signs a decision."""

import re

import pytest
from playwright.sync_api import expect

from clinic.measures.screen import FOLLOW_UP_INDICATORS, ITEMS, NEUTRAL_TITLE
from tests.e2e.support import DEMO_PASSWORD, THERAPIST, sign_in, sign_out

pytestmark = pytest.mark.e2e

CALM = {
    item.key: ("none" if item.key in ("tension", "arguments") else "never" if item.section == "wast" else "no")
    for item in ITEMS
}
SEVERE = {
    **CALM,
    "tension": "a_lot",
    "arguments": "great",
    "frightened": "often",
    "recv_physical": "yes",
    "recv_strangulation": "yes",
}


def answer_screen(page, answers: dict) -> None:
    for key, value in answers.items():
        page.locator(f'input[name="{key}"][value="{value}"]').check()
    page.get_by_role("button", name="Send").click()


def open_safety(page) -> None:
    page.goto("/caseload")
    page.get_by_role("link", name="Rivera & Chen").click()
    page.get_by_role("navigation", name="Couple sections").get_by_role("link", name="Measures").click()


def test_home_severe_office_answer_follow_up_and_decision(new_page, visit):
    therapist = new_page()
    sign_in(therapist, THERAPIST)
    open_safety(therapist)
    therapist.get_by_role("button", name="Send again to Alex Rivera").click()
    expect(therapist.get_by_text("Sent.", exact=True)).to_be_visible()

    alex = new_page(phone=True)
    sign_in(alex, "alex@demo.clinic.test")
    alex.get_by_role("link", name=NEUTRAL_TITLE).first.click()
    alex.get_by_role("button", name="Send").click()  # nothing chosen: a message next to every question
    expect(alex.locator(".q-missing")).to_have_count(len(ITEMS))
    answer_screen(alex, SEVERE)
    expect(alex.get_by_text("1-800-799-SAFE (7233)")).to_be_visible()
    visit(alex, "check-in done - support", "client")

    # Jordan answers in the office on the therapist's device.
    open_safety(therapist)
    therapist.get_by_role("button", name="Answer in the office (Jordan Chen)").click()
    expect(therapist.get_by_role("heading", name=NEUTRAL_TITLE)).to_be_visible()
    expect(therapist.get_by_role("navigation")).to_have_count(0)
    visit(therapist, "office screen", "client")
    therapist.goto("/caseload")  # the partner holding the device can't browse away
    expect(therapist.get_by_role("heading", name=NEUTRAL_TITLE)).to_be_visible()
    answer_screen(therapist, CALM)
    expect(therapist.get_by_role("heading", name="Thank you, please hand the device back")).to_be_visible()
    therapist.get_by_label("Therapist's password").fill("not the password")
    therapist.get_by_role("button", name="Continue").click()
    expect(therapist.locator("#password-error")).to_be_visible()
    visit(therapist, "office done - wrong password", "client")
    therapist.get_by_label("Therapist's password").fill(DEMO_PASSWORD)
    therapist.get_by_role("button", name="Continue").click()
    expect(therapist.get_by_role("heading", name="Safety screen: Jordan Chen")).to_be_visible()

    # The therapist reads Alex's screen.
    open_safety(therapist)
    expect(therapist.get_by_text("Severe safety screen (Alex Rivera): record a decision.")).to_be_visible()
    therapist.get_by_role("link", name="Details for Alex Rivera").click()
    expect(therapist.locator(".tier-severe").first).to_have_text("Severe")
    expect(therapist.get_by_text("Strangulation or choking (received)")).to_be_visible()
    visit(therapist, "screen detail - severe", "therapist")

    follow = therapist.locator("#follow-up")
    for key in FOLLOW_UP_INDICATORS:
        follow.locator(f'input[name="{key}"][value="{"yes" if key == "strangulation" else "unknown"}"]').check()
    follow.get_by_label("Your notes").fill("Seen alone; safety plan discussed.")
    follow.get_by_role("button", name="Save follow-up").click()
    expect(therapist.get_by_text("Saved.", exact=True)).to_be_visible()
    expect(therapist.get_by_label("Your notes")).to_have_value("Seen alone; safety plan discussed.")
    visit(therapist, "follow-up saved", "therapist")

    decision = therapist.locator("#decide")
    decision.get_by_label("Decision", exact=True).select_option("conjoint_with_safety_plan")
    decision.get_by_label(re.compile("I have assessed")).check()
    decision.get_by_label("Your password").fill(DEMO_PASSWORD)
    decision.get_by_role("button", name=re.compile("record", re.I)).click()
    expect(therapist.locator("#override_reason-error")).to_be_visible()
    visit(therapist, "decision refused without a reason", "therapist")
    decision = therapist.locator("#decide")
    decision.get_by_label("Decision", exact=True).select_option("individual_sessions")
    decision.get_by_label(re.compile("I have assessed")).check()
    decision.get_by_label("Your password").fill(DEMO_PASSWORD)
    decision.get_by_role("button", name=re.compile("record", re.I)).click()
    expect(therapist.locator(".decision-history")).to_contain_text("Individual sessions instead of conjoint work")
    sign_out(therapist)

    jordan = new_page(phone=True)
    sign_in(jordan, "jordan@demo.clinic.test")
    expect(jordan.get_by_text(NEUTRAL_TITLE)).to_have_count(0)
    visit.assert_clean()
