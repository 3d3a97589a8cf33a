"""Quick exit really leaves: a partner taps it (or presses Escape three times, or has no JavaScript),
lands on the neutral page, and neither Back nor any step back in history shows a portal page; the
cookie saved before leaving no longer opens anything."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import DESKTOP, EXPECT_TIMEOUT_MS, open_page, sign_in

pytestmark = pytest.mark.e2e

PARTNER, NAME = "alex@demo.clinic.test", "Alex Rivera"
NEUTRAL = "https://www.weather.gov/"
NEUTRAL_PAGE = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Weather</title></head>"
    "<body><main><h1>Weather forecast</h1><p>Sunny spells (a local stand-in page).</p></main>"
    "</body></html>"
)


def _stub_neutral_site(context) -> None:
    """The test machine has no internet, and Chromium here doesn't pass a redirect's target through
    Playwright's routing. So /exit is fetched from the real server (which ends the session, clears the
    cookie and sends Clear-Site-Data, checked here), and its redirect to the neutral site is answered
    with a local stand-in page, keeping the server's headers."""

    def exit_route(route):
        served = route.fetch(max_redirects=0)
        context.clinic_exits.append(served.status)
        assert served.status == 303 and served.headers["location"] == NEUTRAL
        assert served.headers["clear-site-data"] == '"cache", "cookies", "storage"'
        assert served.headers["cache-control"] == "no-store"
        route.fulfill(response=served, status=200, content_type="text/html", body=NEUTRAL_PAGE)

    context.clinic_exits = []
    context.route(re.compile(r"/exit$"), exit_route)
    context.route(
        re.compile(r"^https://www\.weather\.gov/.*"),
        lambda route: route.fulfill(status=200, content_type="text/html", body=NEUTRAL_PAGE),
    )


def _no_js_page(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport=DESKTOP, java_script_enabled=False)
    context.set_default_timeout(EXPECT_TIMEOUT_MS)
    page = context.new_page()
    page.clinic_errors = []
    return context, page


def _open_portal_pages(page) -> None:
    """Today, Homework and a handout, as the partner would open them."""
    expect(page.get_by_role("heading", name=f"Hello, {NAME}")).to_be_visible()
    page.get_by_role("link", name="Homework", exact=True).first.click()
    expect(page.get_by_role("heading", name="My homework")).to_be_visible()
    page.get_by_role("link", name="Handouts", exact=True).first.click()
    expect(page.get_by_role("heading", name="Handouts", exact=True)).to_be_visible()
    page.locator("main a[href^='/portal/handouts/']").first.click()
    expect(page.locator("h1")).to_be_visible()


def _assert_no_portal_page(page, where: str) -> None:
    page.wait_for_load_state("load")
    body = page.locator("body").inner_text() if page.url != "about:blank" else ""
    assert NAME not in body, f"{where}: partner name shown at {page.url}"
    assert "My homework" not in body and f"Hello, {NAME}" not in body, f"{where}: portal page at {page.url}"
    assert "/portal" not in page.url.split("?")[0], f"{where}: still on {page.url}"
    expect(page.get_by_role("link", name="Quick exit")).to_have_count(0)


def _assert_history_shows_no_portal_page(page) -> None:
    expect(page.get_by_role("heading", name="Weather forecast")).to_be_visible()
    assert page.context.clinic_exits, "the exit route was not requested"
    length = page.evaluate("history.length")
    with page.expect_navigation():
        page.go_back()
    _assert_no_portal_page(page, "Back")
    with page.expect_navigation():
        page.go_forward()
    for n in range(1, length):
        with page.expect_navigation():
            page.evaluate(f"setTimeout(() => history.go(-{n}), 0)")
        _assert_no_portal_page(page, f"history.go(-{n})")
        with page.expect_navigation():
            page.evaluate(f"setTimeout(() => history.go({n}), 0)")


def _assert_old_cookie_refused(browser, base_url, cookies) -> None:
    context, page = open_page(browser, base_url)
    try:
        context.add_cookies(cookies)
        page.goto("/portal/")
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        assert "/login" in page.url
    finally:
        context.close()


def _leave(page, how: str) -> None:
    page.wait_for_load_state("load")  # the page script (deferred) listens for the keys once it has run
    with page.expect_navigation(url=re.compile(r"/exit$")):
        if how == "escape":
            for _ in range(3):
                page.keyboard.press("Escape")
        else:
            page.get_by_role("link", name="Quick exit").click()


@pytest.mark.parametrize("how", ["tap", "escape"])
def test_quick_exit_leaves_and_signs_out(browser, live_server, new_page, visit, how):
    page = new_page()
    _stub_neutral_site(page.context)
    sign_in(page, PARTNER)
    page.evaluate("sessionStorage.setItem('clinic-test', 'x'); localStorage.setItem('clinic-test', 'x')")
    if how == "tap":
        visit(page, "today with quick exit", "client")
    _open_portal_pages(page)
    cookies = page.context.cookies()
    assert any(c["name"] == "clinic_session" for c in cookies)
    _leave(page, how)
    if how == "tap":
        visit(page, "neutral landing", "anonymous")
    assert not [c for c in page.context.cookies() if c["name"] == "clinic_session"]
    _assert_history_shows_no_portal_page(page)
    page.goto(live_server.url("/login"))
    assert page.evaluate("sessionStorage.length + localStorage.length") == 0
    _assert_old_cookie_refused(browser, live_server.base_url, cookies)
    visit.assert_clean()


def test_quick_exit_without_javascript(browser, live_server):
    context, page = _no_js_page(browser, live_server.base_url)
    try:
        _stub_neutral_site(context)
        sign_in(page, PARTNER)
        _open_portal_pages(page)
        cookies = context.cookies()
        _leave(page, "tap")
        expect(page.get_by_role("heading", name="Weather forecast")).to_be_visible()
        with page.expect_navigation():
            page.go_back()
        _assert_no_portal_page(page, "Back without JavaScript")
        _assert_old_cookie_refused(browser, live_server.base_url, cookies)
    finally:
        context.close()


def test_quick_exit_is_reachable_by_keyboard_on_a_phone(new_page):
    page = new_page(phone=True)
    _stub_neutral_site(page.context)
    sign_in(page, PARTNER)
    link = page.get_by_role("link", name="Quick exit")
    expect(link).to_be_visible()
    box = link.bounding_box()
    assert box["x"] + box["width"] <= 390 and box["y"] < 300, box
    for _ in range(12):  # skip link, brand, navigation …: quick exit comes early in the tab order
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.hasAttribute('data-quick-exit')"):
            break
    else:
        pytest.fail("Quick exit not reached with Tab")
    with page.expect_navigation(url=re.compile(r"/exit$")):
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Weather forecast")).to_be_visible()


def test_a_high_risk_rating_raises_an_alert_until_the_therapist_records_what_was_done(live_server, new_page, visit):
    """Issue #11, part 2, in the browser: caseload alert → session page form → alert gone."""
    from datetime import UTC, datetime

    from clinic.couples.models import Couple
    from clinic.demo import DEMO_LOGINS
    from clinic.extensions import db
    from clinic.sessions import services

    with live_server.app.app_context():
        couple = db.session.scalar(db.select(Couple).where(Couple.display_name == "Rivera & Chen"))
        therapist = couple.therapist
        ts = services.record_session(
            couple,
            {
                "starts_at": datetime.now(UTC).replace(microsecond=0),
                "minutes": 50,
                "format": "in_person",
                "kind": "conjoint",
                "individual_partner": "",
                "attendance": "attended",
                "model": couple.model,
            },
            therapist,
        )
        ts.progress_note.answers = {
            **ts.progress_note.answers,
            "risk_a": "high",
            "risk_note_a": "Fictional: said they felt afraid at home.",
        }
        db.session.commit()
        session_id, number = ts.id, ts.number
    assert DEMO_LOGINS[0][0] == "therapist"
    page = new_page()
    sign_in(page, DEMO_LOGINS[0][1])
    alert = page.get_by_text(f"Risk rated high for {NAME} in session {number}: record how it was addressed.")
    expect(alert).to_be_visible()
    page.goto(f"/sessions/{session_id}")
    expect(page.get_by_role("heading", name=f"Risk rated high for {NAME}")).to_be_visible()
    visit(page, "session page with the risk form", "therapist")
    page.get_by_role("button", name="Record how it was addressed").click()
    expect(page.get_by_text("Write what was done about the risk.")).to_be_visible()
    page.get_by_label("What was done").fill("Safety plan reviewed with Alex alone; crisis line given.")
    page.get_by_role("button", name="Record how it was addressed").click()
    expect(page.get_by_text("Recorded how the risk was addressed.")).to_be_visible()
    page.goto("/caseload")
    expect(page.get_by_text(f"Risk rated high for {NAME}")).to_have_count(0)
    visit.assert_clean()
