"""Journeys for #16: consent signed by both partners on phones and the couple made active; a treatment plan
written, signed and acknowledged by both partners."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import THERAPIST, sign_in, sign_out
from tests.e2e.test_foundation_journeys import accept_invite, add_couple, invite

pytestmark = pytest.mark.e2e

DOCUMENTS = (
    "Informed consent for couple therapy",
    "Confidentiality policy: no secrets",
    "Consent to telehealth sessions",
    "Fees and cancellation",
)


def _open_couple_section(page, couple: str, section: str) -> None:
    page.goto("/caseload")
    page.get_by_role("link", name=couple).first.click()
    page.get_by_role("navigation", name="Couple sections").get_by_role("link", name=section).click()


def sign_documents(phone, name: str, visit) -> None:
    """On Today, open each waiting document, try once without confirming, then sign."""
    for index, title in enumerate(DOCUMENTS):
        phone.goto("/portal/")
        phone.get_by_role("region", name="Documents to sign").get_by_role("link", name=title).click()
        expect(phone.get_by_role("heading", name=title, level=1)).to_be_visible()
        if index == 0:
            visit(phone, f"consent document - {name}", "client")
            phone.get_by_label("Type your full name to sign").fill("Someone Else")
            phone.get_by_role("button", name="Sign this document").click()
            expect(
                phone.locator(".field-error", has_text="Type your full name as your therapist has it")
            ).to_be_visible()
            expect(phone.locator(".field-error", has_text="Tick the box to confirm")).to_be_visible()
            visit(phone, f"consent document - errors - {name}", "client")
        phone.get_by_label("Type your full name to sign").fill(name)
        phone.get_by_label("I have read this document and I agree to it.").check()
        phone.get_by_role("button", name="Sign this document").click()
        expect(phone.get_by_text(f"you signed “{title}”")).to_be_visible()
    visit(phone, f"consent documents signed - {name}", "client")
    phone.goto("/portal/")
    expect(phone.get_by_role("region", name="Documents to sign")).to_have_count(0)


def test_consent_signed_by_both_on_phones_and_the_couple_made_active(new_page, visit):
    therapist = new_page()
    sign_in(therapist, THERAPIST)
    add_couple(
        therapist,
        name="Moreau & Adeyemi",
        a=("Camille Moreau", "camille@example.org"),
        b=("Tunde Adeyemi", "tunde@example.org"),
    )
    links = {"Camille Moreau": invite(therapist, "Camille Moreau")}
    therapist.get_by_role("link", name="Back to the couple").click()
    links["Tunde Adeyemi"] = invite(therapist, "Tunde Adeyemi")
    therapist.get_by_role("link", name="Back to the couple").click()
    therapist.get_by_role("navigation", name="Couple sections").get_by_role("link", name="Consent").click()
    expect(therapist.get_by_role("heading", name="Consent", level=2)).to_be_visible()
    consent_url = therapist.url
    therapist.get_by_role("button", name="Make active anyway").click()
    expect(therapist.locator(".field-error", has_text="say why the couple may start anyway")).to_be_visible()
    visit(therapist, "couple consent - nothing signed", "therapist")
    for index, (name, link) in enumerate(links.items()):
        phone = new_page(phone=True)
        accept_invite(phone, link, name, f"slow-autumn-lake-{index}4")
        sign_documents(phone, name, visit)
        phone.get_by_role("link", name="Your signed consent documents").click()
        pdf_link = phone.get_by_role("link", name="Signed copy (PDF)").first
        with phone.expect_download() as download:
            pdf_link.click()
        assert download.value.suggested_filename.endswith("-signed.pdf")
        sign_out(phone)
    therapist.goto(consent_url)
    expect(therapist.locator('tr[data-state="signed"]')).to_have_count(8)
    visit(therapist, "couple consent - all signed", "therapist")
    therapist.get_by_role("button", name="Make the couple active").click()
    expect(therapist.get_by_text("The couple is now active.")).to_be_visible()
    expect(therapist.get_by_role("heading", name=re.compile("Moreau & Adeyemi"), level=1)).to_contain_text("Active")


def test_plan_written_signed_and_acknowledged_by_both_partners(new_page, visit):
    therapist = new_page()
    sign_in(therapist, THERAPIST)
    _open_couple_section(therapist, "Rivera & Chen", "Plan")
    therapist.get_by_role("button", name="Write the treatment plan").click()
    therapist.get_by_label("Presenting problems").fill("Recurring fights about time apart; distance afterwards.")
    therapist.get_by_label("Formulation (for you only").fill("Pursue–withdraw cycle; Alex's fear of being alone.")
    therapist.get_by_label("Diagnosis (optional, ICD-10-CM)").fill("nonsense")
    therapist.get_by_role("button", name="Save plan details").click()
    expect(therapist.locator(".field-error", has_text="Choose a diagnosis from the list")).to_be_visible()
    expect(therapist.get_by_label("Presenting problems")).to_have_value(re.compile("Recurring fights"))
    visit(therapist, "plan draft - errors", "therapist")
    therapist.get_by_label("Diagnosis (optional, ICD-10-CM)").fill(
        "Z63.0 · Problems in relationship with spouse or partner"
    )
    therapist.get_by_label("Review the plan every").fill("4")
    therapist.get_by_role("button", name="Save plan details").click()
    expect(therapist.get_by_text("Plan saved.")).to_be_visible()
    therapist.get_by_label("Goal, in plain words the couple will read").fill("Feel like a team when work gets busy")
    therapist.get_by_role("button", name="Add goal").click()
    expect(therapist.get_by_text("Goal added.")).to_be_visible()
    goal = therapist.locator("article.plan-goal").first
    goal.get_by_text("Add an objective").click()
    goal.get_by_label("Measurable objective, in plain words").fill("Both feel satisfied with the relationship")
    goal.get_by_label("Tied to a measure").select_option("csi4")
    goal.get_by_label("Score to reach").fill("14")
    goal.get_by_role("button", name="Add objective").click()
    expect(therapist.get_by_text("Objective added.")).to_be_visible()
    goal = therapist.locator("article.plan-goal").first
    goal.get_by_text("Add a planned intervention").click()
    goal.get_by_label("Planned intervention").select_option("eft_step_2")
    goal.get_by_role("button", name="Add intervention").click()
    expect(therapist.get_by_text("Intervention added.")).to_be_visible()
    visit(therapist, "plan draft", "therapist")
    therapist.get_by_role("button", name="Sign version 1").click()
    expect(therapist.get_by_text("Version 1 is signed.")).to_be_visible()
    visit(therapist, "plan signed", "therapist")
    for email, name in (("alex@demo.clinic.test", "Alex"), ("jordan@demo.clinic.test", "Jordan")):
        phone = new_page(phone=True)
        sign_in(phone, email)
        phone.get_by_role("link", name="Read and acknowledge it").click()
        expect(phone.get_by_role("heading", name="Your plan")).to_be_visible()
        expect(phone.get_by_text("Feel like a team when work gets busy")).to_be_visible()
        expect(phone.get_by_text("Pursue–withdraw cycle")).to_have_count(0)
        expect(phone.get_by_text("Z63.0")).to_have_count(0)
        visit(phone, f"portal plan - {name}", "client")
        phone.get_by_role("button", name="I have read this plan").click()
        expect(phone.get_by_text("You acknowledged this plan")).to_be_visible()
        sign_out(phone)
    therapist.reload()
    expect(therapist.locator(".ack-yes")).to_have_count(2)
