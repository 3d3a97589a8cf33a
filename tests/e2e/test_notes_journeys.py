"""Session notes in a real browser: record a session, write with autosave, sign, amend; the timeout
warning; and a note typed after the session expired, kept and restored after signing in again."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import DEMO_PASSWORD, THERAPIST, sign_in

pytestmark = pytest.mark.e2e


def record_session(page, couple="Rivera & Chen") -> str:
    """From the caseload, record a session with `couple`; returns the note page's path."""
    page.get_by_role("link", name=couple).click()
    page.get_by_role("navigation", name="Couple sections").get_by_role("link", name="Sessions & notes").click()
    expect(page.get_by_role("heading", name="Record a session")).to_be_visible()
    page.get_by_role("button", name="Record session and open its note").click()
    expect(page.get_by_text(re.compile(r"Session \d+ recorded"))).to_be_visible()
    return re.sub(r"^https?://[^/]+", "", page.url)


def open_part(page, heading: str) -> None:
    """Open a folded part of the note form from the jump list (#18: parts not of the current stage fold)."""
    page.get_by_role("navigation", name="Parts of this note").get_by_role("link", name=heading).click()


def choose(page, group: str, option: str) -> None:
    page.get_by_role("group", name=group).get_by_label(option, exact=True).check()


def fill_eft_note(page) -> None:
    open_part(page, "Risk check")
    choose(page, "Risk — Alex Rivera", "None")
    choose(page, "Risk — Jordan Chen", "None")
    choose(page, "Stage worked in", "Stage 1 · Cycle de-escalation")
    page.get_by_role("group", name="Steps worked on").get_by_label(re.compile("2 · Identify")).check()
    choose(page, "Stage 2 role — Jordan Chen", "Withdrawer · re-engagement")
    choose(page, "Re-engagement or softening — Jordan Chen", "In progress")
    choose(page, "Enactment attempted", "No")


def test_write_autosave_sign_and_amend_a_note(new_page, visit):
    page = new_page()
    sign_in(page, THERAPIST)
    record_session(page)
    expect(page.get_by_role("button", name="Save draft")).to_be_visible()
    visit(page, "note editor (EFT)", "therapist")

    # Autosave: type, wait for the status line, then reload — the text is still there.
    plan = page.get_by_label("Plan for next session")
    plan.fill("Slow the pursue–withdraw cycle when it starts; Jordan names when he shuts down.")
    expect(page.locator("#autosave-status")).to_have_text(re.compile("Draft saved at"), timeout=15_000)
    page.reload()
    expect(page.get_by_label("Plan for next session")).to_have_value(re.compile("Jordan names when he shuts down"))

    # Signing an incomplete note is refused with messages next to the fields; the draft is kept.
    page.get_by_label("I attest that this note is accurate").check()
    page.get_by_label("Your password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign note").click()
    expect(page.get_by_text("Your draft is saved, but the note was not signed.")).to_be_visible()
    expect(page.locator(".field-error", has_text="Choose the stage you worked in.")).to_be_visible()
    visit(page, "note editor - sign refused", "therapist")

    fill_eft_note(page)
    open_part(page, "Change events and observations")
    page.get_by_label("Observations").fill("Both stayed in the room when it got hard.")
    # Let the autosave that typing started finish first (see the report: a Save draft pressed while an
    # autosave is in flight meets a false edit conflict with the therapist's own autosave).
    expect(page.locator("#autosave-status")).to_have_text(re.compile("Draft saved at"), timeout=15_000)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text(re.compile("Draft saved at")).first).to_be_visible()
    # Nothing changed since that save, so the page must not report a conflict with itself a moment later.
    page.wait_for_timeout(5000)
    expect(page.locator("#autosave-status")).not_to_have_text(re.compile("another tab or device"))
    page.get_by_label("I attest that this note is accurate").check()
    page.get_by_label("Your password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign note").click()
    expect(page.get_by_text("Note signed and locked.")).to_be_visible()
    expect(page.get_by_text("Both stayed in the room when it got hard.")).to_be_visible()
    visit(page, "signed note", "therapist")

    # A signed note is amended with an addendum, never edited.
    page.get_by_label("Reason").fill("Late entry")
    page.get_by_label("Addendum", exact=True).fill("Jordan phoned after the session to say the exercise helped.")
    page.get_by_role("button", name="Add addendum").click()
    expect(page.get_by_text("Addendum added.")).to_be_visible()
    expect(page.get_by_text("Jordan phoned after the session to say the exercise helped.")).to_be_visible()
    visit(page, "signed note with addendum", "therapist")

    page.get_by_role("link", name="Sessions & notes").first.click()
    expect(page.get_by_text(re.compile("Signed \\+ 1 addendum")).first).to_be_visible()
    visit(page, "sessions list", "therapist")
    page.get_by_role("link", name=re.compile(r"^Session \d+$")).first.click()
    page.get_by_role("link", name="Write a process note").click()
    visit(page, "process note", "therapist")
    visit.assert_clean()


def test_note_by_keyboard_only(new_page, visit):
    """Fill the required note fields and sign with the keyboard alone (Tab, Space, arrows, Enter)."""
    page = new_page()
    sign_in(page, THERAPIST)
    record_session(page)
    plan = page.get_by_label("Plan for next session")
    plan.focus()
    page.keyboard.type("Keep practising the soft start-up.")
    # The risk check is folded (not the current stage's): its jump-list link opens it with Enter.
    page.get_by_role("navigation", name="Parts of this note").get_by_role("link", name="Risk check").focus()
    page.keyboard.press("Enter")
    for group, option in (
        ("Risk — Alex Rivera", "None"),
        ("Risk — Jordan Chen", "None"),
        ("Stage worked in", "Stage 1 · Cycle de-escalation"),
        ("Enactment attempted", "No"),
    ):
        radio = page.get_by_role("group", name=group).get_by_label(option, exact=True)
        radio.focus()
        page.keyboard.press("Space")
        assert radio.is_checked(), f"Space did not choose {option!r} in {group!r}"
    step = page.get_by_role("group", name="Steps worked on").get_by_label(re.compile("1 · Alliance"))
    step.focus()
    page.keyboard.press("Space")
    assert step.is_checked()
    attest = page.get_by_label("I attest that this note is accurate")
    attest.focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "password"
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Sign note"
    page.keyboard.press("Enter")
    expect(page.get_by_text("Note signed and locked.")).to_be_visible()
    visit.assert_clean()


def _seconds_left(page) -> int:
    return page.evaluate(
        "fetch('/session/status', {headers: {Accept: 'application/json'}})"
        ".then(r => r.json()).then(d => d.seconds_left)"
    )


def test_timeout_warning_and_staying_signed_in(new_page, visit, clock):
    page = new_page()
    sign_in(page, THERAPIST)
    note_path = record_session(page)
    assert page.url.endswith(note_path)
    clock.advance(_seconds_left(page) - 60)  # a minute before the idle sign-out; the page checks in 5 s
    dialog = page.get_by_role("dialog", name="Still there?")
    expect(dialog).to_be_visible(timeout=15_000)
    visit(page, "timeout warning", "therapist")
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    assert _seconds_left(page) > 20 * 60
    page.reload()
    expect(page.get_by_role("button", name="Save draft")).to_be_visible()
    visit.assert_clean()


def _sign_in_again(page, note_path: str) -> None:
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Email").fill(THERAPIST)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(re.escape(note_path) + r"(#[\w-]+)?$"))  # a jump-list link's #part may stay


def test_note_autosaved_after_the_session_expired_is_restored(new_page, visit, clock):
    """The session ends while the therapist types; autosave reaches the server, which keeps the text."""
    page = new_page()
    sign_in(page, THERAPIST)
    note_path = record_session(page)
    clock.advance(_seconds_left(page) + 5)  # the session is over; the page does not know yet
    words = "Alex described feeling alone on late nights; Jordan listened without defending."
    open_part(page, "Change events and observations")
    page.get_by_label("Observations").fill(words)
    expect(page.locator("#autosave-status")).to_have_text(re.compile("You were signed out"), timeout=20_000)
    visit(page, "note after the session expired", "therapist")
    page.reload()
    visit(page, "sign in after timeout", "anonymous")
    _sign_in_again(page, note_path)
    expect(page.get_by_text("We restored what you were typing when your session ended.")).to_be_visible()
    expect(page.get_by_label("Observations")).to_have_value(words)
    visit(page, "note restored", "therapist")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text(re.compile("Draft saved at"))).to_be_visible()
    page.reload()
    expect(page.get_by_label("Observations")).to_have_value(words)
    visit.assert_clean()


def test_note_typed_after_the_page_saw_the_session_end_is_restored(new_page, visit, clock):
    """The page's own timeout check notices the end first; then the therapist types and presses Save draft.

    Nothing typed may be lost: after signing in again the words are back in the form.
    """
    page = new_page()
    sign_in(page, THERAPIST)
    note_path = record_session(page)
    clock.advance(_seconds_left(page) + 5)
    with page.expect_response(re.compile(r"/session/status$"), timeout=20_000) as status:
        pass
    # The poll reports the end but does not end the session itself: the next real request does, and keeps its form.
    assert status.value.status == 200 and status.value.json()["seconds_left"] == 0, status.value.text()
    page.wait_for_timeout(500)
    words = "Typed after the page's timeout check: Jordan asked for a signal before he needs a break."
    open_part(page, "Change events and observations")
    page.get_by_label("Observations").fill(words)
    page.get_by_role("button", name="Save draft").click()
    visit(page, "save draft after the session ended", "anonymous")
    if page.get_by_role("heading", name="Sign in").count() == 0:
        page.goto(note_path)
    _sign_in_again(page, note_path)
    expect(page.get_by_label("Observations")).to_have_value(words)
    visit.assert_clean()
