"""Supervision and caseload care in a real browser: an associate's note co-signed after one round of
requested changes, and a caseload transferred. Every person here is fictional."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import ADMIN, DEMO_PASSWORD, THERAPIST, sign_in, sign_out
from tests.e2e.test_notes_journeys import fill_eft_note, open_part, record_session

pytestmark = pytest.mark.e2e
SUPERVISOR = "supervisor@demo.clinic.test"


@pytest.fixture
def supervisor(live_server):
    from clinic.auth.services import create_user
    from clinic.extensions import db

    with live_server.app.app_context():
        create_user(email=SUPERVISOR, name="Dr. Imani Okafor", role="therapist", password=DEMO_PASSWORD)
        db.session.commit()


def sign(page) -> None:
    page.get_by_label("I attest that this note is accurate").check()
    page.get_by_label("Your password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign note").click()
    expect(page.get_by_text("Note signed and locked.")).to_be_visible()


def test_associate_note_cosigned_after_one_round_of_changes(new_page, visit, supervisor):
    page = new_page()
    sign_in(page, ADMIN)
    page.get_by_role("link", name="Supervisors").click()
    page.get_by_label("Associate therapist").select_option(label="Dr. Noor Haddad")
    page.get_by_label("Supervisor").select_option(label="Dr. Imani Okafor")
    page.get_by_role("button", name="Link").click()
    expect(page.get_by_text("Dr. Imani Okafor now supervises Dr. Noor Haddad.")).to_be_visible()
    visit(page, "supervision links", "admin")
    sign_out(page)

    sign_in(page, THERAPIST)
    record_session(page)
    fill_eft_note(page)
    open_part(page, "Change events and observations")  # folded: not a part of the current stage
    page.get_by_label("Observations").fill("They named the chase together (fictional).")
    page.get_by_label("Plan for next session").fill("Keep slowing the cycle (fictional).")
    sign(page)
    expect(page.get_by_text("Waiting for Dr. Imani Okafor to review and co-sign this note.")).to_be_visible()
    sign_out(page)

    sign_in(page, SUPERVISOR)
    expect(page.get_by_role("link", name=re.compile("1 note awaits your co-signature"))).to_be_visible()
    page.get_by_role("link", name="Supervision", exact=True).click()
    page.get_by_role("link", name=re.compile(r"Session \d+ note · Rivera & Chen")).click()
    expect(page.get_by_text("They named the chase together (fictional).")).to_be_visible()
    page.get_by_role("button", name="Request changes").click()
    expect(page.get_by_text("Say what should change").first).to_be_visible()
    page.get_by_label("What should change").fill("Say which step of de-escalation you worked on (fictional).")
    visit(page, "supervisor note review", "therapist")
    page.get_by_role("button", name="Request changes").click()
    expect(page.get_by_text(re.compile("Changes requested on the session"))).to_be_visible()
    sign_out(page)

    sign_in(page, THERAPIST)
    expect(page.get_by_text(re.compile("note: your supervisor asked for changes"))).to_be_visible()
    page.get_by_role("link", name="Rivera & Chen").click()
    page.get_by_role("navigation", name="Couple sections").get_by_role("link", name="Sessions & notes").click()
    page.get_by_role("link", name=re.compile(r"^Session \d+")).first.click()
    expect(page.get_by_text("Say which step of de-escalation you worked on (fictional).")).to_be_visible()
    visit(page, "associate sees requested changes", "therapist")
    page.get_by_role("button", name="Reopen to revise").click()
    expect(page.get_by_text("The note is open again")).to_be_visible()
    page.get_by_label("Observations").fill("They named the chase together; step 2 worked on (fictional).")
    sign(page)
    sign_out(page)

    sign_in(page, SUPERVISOR)
    page.get_by_role("link", name="Supervision", exact=True).click()
    page.get_by_role("link", name=re.compile(r"Session \d+ note · Rivera & Chen")).click()
    expect(page.get_by_text("step 2 worked on (fictional)")).to_be_visible()
    page.get_by_label("I have reviewed this note").check()
    page.get_by_label("Your password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Co-sign note").click()
    expect(page.get_by_text(re.compile(r"Session \d+ note co-signed."))).to_be_visible()
    expect(page.get_by_text("Nothing is waiting for you.")).to_be_visible()
    sign_out(page)

    sign_in(page, THERAPIST)
    expect(page.get_by_text(re.compile("co-signature|asked for changes"))).to_have_count(0)
    sign_out(page)

    sign_in(page, ADMIN)
    page.get_by_role("link", name="Audit").click()
    expect(
        page.get_by_text(re.compile(r"Dr. Imani Okafor co-signed the progress note of session \d+ for couple #R-\d+"))
    ).to_be_visible()
    expect(page.get_by_text("Rivera & Chen")).to_have_count(0)
    visit(page, "audit trail in words", "admin")


def test_a_caseload_transferred(new_page, visit, supervisor):
    page = new_page()
    sign_in(page, ADMIN)
    page.get_by_role("link", name="Transfers").click()
    page.get_by_role("link", name="Dr. Noor Haddad").click()
    visit(page, "transfer choose couples", "admin")
    page.get_by_role("button", name="Review the transfer").click()
    expect(page.locator(".field-error", has_text="Choose the therapist who takes over.")).to_be_visible()
    page.get_by_label("Transfer to").select_option(label="Dr. Imani Okafor")
    page.get_by_role("button", name="Review the transfer").click()
    expect(page.get_by_role("heading", name="Confirm the transfer")).to_be_visible()
    expect(page.get_by_text("(the whole caseload)")).to_be_visible()
    visit(page, "transfer confirm", "admin")
    page.get_by_role("button", name=re.compile(r"Transfer \d+ couples")).click()
    expect(page.get_by_text(re.compile(r"\d+ couples transferred to Dr. Imani Okafor."))).to_be_visible()
    sign_out(page)

    sign_in(page, SUPERVISOR)
    expect(page.get_by_role("link", name="Rivera & Chen")).to_be_visible()
    page.get_by_label("Find a couple").fill("jordan")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Rivera & Chen")).to_be_visible()
    visit(page, "caseload search", "therapist")
    sign_out(page)

    sign_in(page, THERAPIST)
    expect(page.get_by_role("link", name="Rivera & Chen")).to_have_count(0)
    page.goto("/caseload")
    expect(page.get_by_text("Rivera & Chen")).to_have_count(0)
