"""Pages a person would trust (#18), in a real browser at 1280 and 390 px: the caseload as cards on a
phone, a compact portal header with quick exit always in reach, sign out of one browser only, a two-tab
note conflict settled field by field, every form error at once, and wide tables that say they scroll."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import THERAPIST, sign_in
from tests.e2e.test_foundation_journeys import add_couple

pytestmark = pytest.mark.e2e
PARTNER = "alex@demo.clinic.test"


def test_caseload_is_cards_with_alerts_first_on_a_phone(new_page, visit):
    page = new_page(phone=True)
    sign_in(page, THERAPIST)
    page.goto("/caseload")
    visit(page, "caseload as cards", "therapist")
    assert page.evaluate("document.documentElement.scrollWidth") <= 391  # nothing off to the side
    card = page.locator("table.caseload tbody tr").first
    assert card.evaluate("el => getComputedStyle(el).display") == "flex"
    alerts = page.locator("table.caseload td.alerts-cell:not(.no-alerts)").first
    expect(alerts).to_be_visible()
    row = alerts.locator("xpath=..")
    # Alerts come straight after the couple's name, above status, model and dates.
    status_top = row.locator("td[data-label=Status]").bounding_box()["y"]
    assert alerts.bounding_box()["y"] < status_top


def test_portal_header_is_compact_and_quick_exit_stays_in_reach(new_page, visit):
    page = new_page(phone=True)
    sign_in(page, PARTNER)
    visit(page, "portal today on a phone", "client")
    header = page.locator("header.site-header").bounding_box()
    assert header["height"] <= 160, header
    page.mouse.wheel(0, 2000)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    exit_box = page.get_by_role("link", name="Quick exit").bounding_box()
    assert exit_box is not None and 0 <= exit_box["y"] < 80  # still on screen after scrolling


def test_sign_out_ends_only_this_browser(new_page):
    laptop, phone = new_page(), new_page(phone=True)
    sign_in(laptop, THERAPIST)
    sign_in(phone, THERAPIST)
    laptop.get_by_role("button", name="Sign out").click()
    expect(laptop.get_by_text("signed out of this browser")).to_be_visible()
    phone.goto("/caseload")
    expect(phone.get_by_role("heading", name="Caseload")).to_be_visible()
    # "Sign out everywhere" is its own labelled action on the Account page.
    phone.goto("/account")
    phone.get_by_role("button", name="Sign out everywhere").click()
    expect(phone.get_by_text("signed out everywhere")).to_be_visible()


def _record_session(page) -> str:
    page.goto("/caseload")
    page.get_by_role("link", name="Rivera & Chen").click()
    page.get_by_role("navigation", name="Couple sections").get_by_role("link", name="Sessions & notes").click()
    page.get_by_role("button", name="Record session and open its note").click()
    expect(page.get_by_text(re.compile(r"Session \d+ recorded"))).to_be_visible()
    return re.sub(r"^https?://[^/]+", "", page.url)


def test_two_tabs_on_one_note_lose_nothing(new_page, visit):
    first, second = new_page(), new_page()
    sign_in(first, THERAPIST)
    sign_in(second, THERAPIST)
    note = _record_session(first)
    second.goto(note)
    first.get_by_label("Plan for next session").fill("Plan written in the first tab")
    first.get_by_role("button", name="Save draft").click()
    expect(first.get_by_text(re.compile("Draft saved at"))).to_be_visible()

    second.get_by_label("Homework given").fill("Homework written in the second tab")
    second.get_by_role("button", name="Save draft").click()
    expect(second.get_by_role("heading", name=re.compile("saved from another tab"))).to_be_visible()
    plan = second.get_by_role("group", name="Plan for next session")
    expect(plan.get_by_text("Plan written in the first tab")).to_be_visible()
    visit(second, "note conflict, field by field", "therapist")
    second.get_by_role("button", name="Save draft").click()  # nothing chosen yet: nothing saved
    expect(second.get_by_text(re.compile("Choose which version to keep for 2 more parts"))).to_be_visible()
    second.get_by_role("group", name="Plan for next session").get_by_label("Keep the saved one").check()
    second.get_by_role("group", name="Homework given").get_by_label("Keep mine").check()
    second.get_by_role("button", name="Save draft").click()
    expect(second.get_by_text(re.compile("Draft saved at"))).to_be_visible()
    expect(second.get_by_label("Plan for next session")).to_have_value("Plan written in the first tab")
    expect(second.get_by_label("Homework given")).to_have_value("Homework written in the second tab")


def test_every_error_at_once_with_a_summary_that_links_to_each(new_page, visit):
    page = new_page()
    sign_in(page, THERAPIST)
    page.goto("/caseload")
    page.get_by_role("link", name="Rivera & Chen").click()
    couple = re.search(r"/couples/(\d+)", page.url).group(1)
    page.goto(f"/couples/{couple}/homework/assign")
    page.get_by_label("Due date").fill("2020-01-01")
    page.get_by_label("Frequency").select_option(label="Times a week")
    page.get_by_role("button", name=re.compile("^Assign")).click()
    summary = page.locator("#form-errors")
    expect(summary).to_contain_text("things to fix")
    expect(summary.get_by_role("link", name="Due date")).to_be_visible()
    expect(summary.get_by_role("link", name="Times a week")).to_be_visible()
    visit(page, "assign form, every error at once", "therapist")
    summary.get_by_role("link", name="Times a week").click()
    expect(page.get_by_label("Times a week")).to_be_focused()


def test_a_couple_name_over_the_limit_shows_a_counter_and_is_kept(new_page):
    page = new_page()
    sign_in(page, THERAPIST)
    page.goto("/couples/new")
    name = page.get_by_label("Display name")
    name.fill("Moreau-Adeyemi " * 9)
    expect(page.locator("#display_name-count")).to_contain_text("over the limit")
    assert len(name.input_value()) == 135  # nothing cut by the browser


def test_wide_tables_scroll_with_a_visible_hint_on_a_phone(new_page, visit):
    page = new_page(phone=True)
    sign_in(page, THERAPIST)
    page.goto("/handouts/builtin/attachment-styles-and-the-cycle")
    expect(page.locator("main table").first).to_be_visible()
    visit(page, "handout with a wide table", "therapist")
    wrap = page.locator("main .table-wrap").first
    overflowing = wrap.evaluate("el => el.scrollWidth > el.clientWidth + 1")
    hint = page.locator(".scroll-hint").first
    if overflowing:
        expect(hint).to_be_visible()
    else:
        expect(hint).to_be_hidden()


def test_hotline_numbers_are_tap_to_call(new_page):
    page = new_page(phone=True)
    sign_in(page, THERAPIST)
    page.goto("/handouts/builtin/safety-and-support")
    links = page.get_by_role("link", name="1-800-799-SAFE (7233)")
    expect(links.first).to_be_visible()
    for index in range(links.count()):  # the "Help near you" box and the handout's own text
        expect(links.nth(index)).to_have_attribute("href", "tel:18007997233")


def test_copy_buttons_for_the_invitation_link_and_the_authenticator_key(new_page, visit):
    page = new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, THERAPIST)
    add_couple(page)  # a couple whose partners have not joined yet (a joined partner is never re-invited)
    page.get_by_role("button", name="Show a link for Sam Okafor").click()
    link = page.get_by_label("Link").input_value()
    page.get_by_role("button", name="Copy the link").click()
    expect(page.locator("#invite-copied")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == link
    visit(page, "invitation link with copy button", "therapist")

    page.goto("/account/second-factor/setup")
    key = page.locator("#totp-key").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} )+[A-Z2-7]{1,4}", key), key
    page.get_by_role("button", name="Copy the key").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == key.replace(" ", "")
    visit(page, "authenticator set-up, key in fours", "therapist")


def test_deactivating_a_therapist_asks_first_and_says_what_happened(new_page, visit):
    from tests.e2e.support import ADMIN

    page = new_page()
    sign_in(page, ADMIN)
    page.goto("/admin/staff")
    page.get_by_role("button", name=re.compile("^Deactivate: ")).first.click()
    expect(page.get_by_role("heading", name=re.compile(r"^Deactivate .+\?$"))).to_be_visible()
    expect(page.get_by_text("Nothing is deleted")).to_be_visible()
    visit(page, "deactivation confirmation", "admin")
    page.get_by_role("button", name=re.compile(r"^Deactivate ")).click()
    expect(page.get_by_text(re.compile(r"account is deactivated and every session they had is ended"))).to_be_visible()
