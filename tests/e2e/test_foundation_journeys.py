"""Journeys over the foundation: a therapist's first day, partners joining on a phone, the admin's pages,
and signing in with the keyboard alone."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import ADMIN, DEMO_PASSWORD, THERAPIST, sign_in, sign_out

pytestmark = pytest.mark.e2e


def add_couple(
    page,
    visit=None,
    name="Okafor & Brandt",
    a=("Sam Okafor", "sam@example.org"),
    b=("Robin Brandt", "robin@example.org"),
) -> None:
    """From the caseload, add a couple through the form (showing the empty-form errors first)."""
    page.get_by_role("button", name="Add a couple").click()
    expect(page.get_by_role("heading", name="Add a couple")).to_be_visible()
    if visit:
        visit(page, "add a couple", "therapist")
        page.get_by_role("button", name="Add couple").click()
        expect(page.get_by_text("Give the couple a name.", exact=True)).to_be_visible()
        visit(page, "add a couple - errors", "therapist")
    page.get_by_label("Display name").fill(name)
    page.get_by_label("Primary model").select_option("efct")
    page.get_by_label("Start date", exact=True).fill("2026-11-02")
    page.get_by_label("Presenting concerns").fill("Distance since the baby arrived; arguments about sleep.")
    page.get_by_label("Treatment goals").fill("Feel like a team at night\nOne calm talk a week")
    for legend, (partner, email) in (("Partner A", a), ("Partner B", b)):
        group = page.get_by_role("group", name=legend)
        group.get_by_label("Name").fill(partner)
        group.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Add couple").click()
    expect(page.get_by_text("The couple was added to your caseload")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(re.escape(name)), level=1)).to_be_visible()


def invite(page, partner: str) -> str:
    """On the couple's overview, invite `partner`; returns the one-time link shown."""
    page.get_by_role("button", name=f"Show a link for {partner}").click()
    expect(page.get_by_role("heading", name=f"Invitation link for {partner}")).to_be_visible()
    link = page.get_by_label("Link").input_value()
    assert re.search(r"/invite/[A-Za-z0-9_-]{30,}$", link), link
    return link


def accept_invite(page, link: str, name: str, password: str, visit=None) -> None:
    page.goto(link)
    expect(page.get_by_role("heading", name=f"Welcome, {name}")).to_be_visible()
    if visit:
        visit(page, "accept invitation", "client")
        page.get_by_label("New password", exact=True).fill(password)
        page.get_by_label("Repeat the new password").fill(password + "x")
        page.get_by_role("button", name="Create my account").click()
        expect(page.get_by_text("The two passwords differ.", exact=True)).to_be_visible()
        visit(page, "accept invitation - errors", "client")
    page.get_by_label("New password", exact=True).fill(password)
    page.get_by_label("Repeat the new password").fill(password)
    page.get_by_label("I understand that my therapist can read").check()
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("Welcome. Your account is ready.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Hello, {name}")).to_be_visible()


def test_therapists_first_day(new_page, visit):
    page = new_page()
    page.goto("/login")
    visit(page, "sign in", "anonymous")
    page.get_by_label("Email").fill(THERAPIST)
    page.get_by_label("Password").fill("not-the-password-at-all")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".field-error")).to_be_visible()
    visit(page, "sign in - wrong password", "anonymous")
    sign_in(page, THERAPIST)
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()
    expect(page.get_by_role("link", name="Rivera & Chen")).to_be_visible()
    visit(page, "caseload", "therapist")

    add_couple(page, visit)
    visit(page, "couple overview", "therapist")
    expect(page.get_by_text("Not invited yet")).to_have_count(2)

    link_a = invite(page, "Sam Okafor")
    visit(page, "invitation link", "therapist")
    page.get_by_role("link", name="Back to the couple").click()
    link_b = invite(page, "Robin Brandt")
    assert link_a != link_b
    page.get_by_role("link", name="Back to the couple").click()
    expect(page.get_by_text(re.compile("link not opened yet"))).to_have_count(2)

    page.get_by_role("button", name="Edit details").click()
    expect(page.get_by_role("heading", name="Edit Okafor & Brandt")).to_be_visible()
    visit(page, "edit couple", "therapist")
    page.get_by_role("link", name="Cancel").click()
    page.get_by_label("New goal").fill("Share the night feeds fairly")
    page.get_by_role("button", name="Add goal").click()
    expect(page.get_by_text("Share the night feeds fairly", exact=True)).to_be_visible()

    page.get_by_role("link", name="Caseload").first.click()
    expect(page.get_by_role("link", name="Okafor & Brandt")).to_be_visible()
    visit(page, "caseload with the new couple", "therapist")
    page.get_by_role("link", name="Account").click()
    visit(page, "account", "therapist")
    sign_out(page)
    visit.assert_clean()


def test_partners_accept_their_invites_on_a_phone(new_page, visit):
    therapist = new_page()
    sign_in(therapist, THERAPIST)
    add_couple(therapist)
    links = {"Sam Okafor": invite(therapist, "Sam Okafor")}
    therapist.get_by_role("link", name="Back to the couple").click()
    links["Robin Brandt"] = invite(therapist, "Robin Brandt")

    for index, (name, link) in enumerate(links.items()):
        phone = new_page(phone=True)
        accept_invite(phone, link, name, f"quiet-river-morning-{index}7", visit=visit if index == 0 else None)
        visit(phone, f"today - {name}", "client")
        expect(phone.get_by_role("link", name="Quick exit")).to_be_visible()
        visit.click(phone.get_by_role("link", name="Account"), "Account link on a phone")
        visit(phone, f"account - {name}", "client")
        sign_out(phone, visit)
        # The link worked once; the account now signs in with the chosen password.
        phone.goto(link)
        expect(phone.get_by_role("heading", name=re.compile("Welcome"))).to_have_count(0)
        visit(phone, "used invitation link", "anonymous")
        sign_in(phone, "sam@example.org" if index == 0 else "robin@example.org", f"quiet-river-morning-{index}7")
        expect(phone.get_by_role("heading", name=f"Hello, {name}")).to_be_visible()

    therapist.get_by_role("link", name="Back to the couple").click()
    expect(therapist.get_by_text("Joined", exact=True)).to_have_count(2)
    visit.assert_clean()


def test_admin_pages(new_page, visit):
    page = new_page()
    sign_in(page, ADMIN)
    expect(page.get_by_role("heading", name="Staff")).to_be_visible()
    visit(page, "staff", "admin")
    page.get_by_role("button", name="Add a therapist").click()
    visit(page, "add a therapist", "admin")
    page.get_by_label("Full name").fill("Dr. Ines Moreau")
    page.get_by_label("Email").fill("ines@example.org")
    page.get_by_role("button", name=re.compile("Create|Add|Save")).click()
    expect(page.get_by_text("Account created; a set-your-password email is on its way.")).to_be_visible()
    page.get_by_role("link", name="Practice settings").click()
    visit(page, "practice settings", "admin")
    page.get_by_label("Contact line").fill("1 Quay Street · 555-0100 (fictional)")
    page.get_by_role("button", name=re.compile("Save")).click()
    expect(page.get_by_text("Practice settings saved.")).to_be_visible()
    # Admins see no clinical content: the caseload is not theirs.
    response = page.goto("/caseload")
    assert response.status == 403
    visit(page, "caseload refused to admin", "admin")
    audit = page.get_by_role("link", name="Audit")
    if audit.count():
        audit.click()
        visit(page, "audit trail", "admin")
    visit.assert_clean()


def test_sign_in_with_the_keyboard_only(new_page, visit):
    page = new_page()
    page.goto("/login")
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "email":
            break
    else:
        raise AssertionError("the email field is not reachable with Tab")
    page.keyboard.type(THERAPIST)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "password"
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Sign in"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()
    # The skip link is the first stop and takes focus to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    visit(page, "caseload after keyboard sign-in", "therapist", screenshot=False)
    visit.assert_clean()
