"""Journey for #16: a release of the joint record to a third party. One partner authorises and the other
declines, so nothing can be released; a second request both authorise is released, and the file and the
audit trail name both authorisations."""

import json
import logging
import re
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.e2e.conftest import FAST_ARGON2, LiveServer
from tests.e2e.support import ADMIN, THERAPIST, sign_in, sign_out

pytestmark = pytest.mark.e2e

ALEX = ("alex@demo.clinic.test", "Alex Rivera")
JORDAN = ("jordan@demo.clinic.test", "Jordan Chen")


@pytest.fixture
def live_server(tmp_path, clock):
    """The usual live server, with jobs run inside the request that starts them (no consumer here)."""
    from clinic import create_app
    from clinic.demo import seed_demo
    from clinic.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'e2e-release.sqlite3'}",
            "SECRET_KEY": "e2e-secret-key-that-is-long-enough-0123456789",
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,
            "PDF_ISOLATE_RENDERS": False,
            "JOBS_URL": "immediate",
            **FAST_ARGON2,
        }
    )
    with app.app_context():
        db.create_all()
        seed_demo()
        db.session.commit()
        db.session.remove()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-release-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


def _request_release(page, purpose: str, visit=None) -> str:
    page.goto("/caseload")
    page.get_by_role("link", name="Rivera & Chen").first.click()
    page.get_by_role("navigation", name="Couple sections").get_by_role("link", name="Releases").click()
    page.get_by_role("button", name="Request a release").click()
    if visit is not None:
        page.get_by_role("button", name="Ask for authorisation").click()
        expect(page.locator(".field-error", has_text="Give the name of the person")).to_be_visible()
        expect(page.locator(".field-error", has_text="Say why the record is being released")).to_be_visible()
        visit(page, "release request - errors", "therapist")
    page.get_by_label("Recipient's name").fill("Dr. Example Reader")
    page.get_by_label("Organisation").fill("Example Family Health")
    page.get_by_label("Purpose of the release").fill(purpose)
    page.get_by_role("button", name="Ask for authorisation").click()
    expect(page.get_by_text("Release requested")).to_be_visible()
    expect(page.locator("#release-status")).to_have_text("Awaiting Alex Rivera and Jordan Chen")
    return page.url


def _answer(new_page, who, purpose: str, *, authorise: bool, visit=None) -> None:
    email, name = who
    phone = new_page(phone=True)
    sign_in(phone, email)
    today = phone.get_by_role("region", name="Release of your record")
    today.get_by_role("link").first.click()
    expect(phone.get_by_role("heading", name=re.compile("Release request"), level=1)).to_be_visible()
    expect(phone.get_by_text(purpose)).to_be_visible()
    expect(phone.get_by_text("Dr. Example Reader, Example Family Health")).to_be_visible()
    if visit is not None:
        visit(phone, "portal release authorisation", "client")
        phone.get_by_label("Type your full name to authorise").fill("Someone Else")
        phone.get_by_role("button", name="Authorise this release").click()
        expect(phone.locator(".field-error", has_text="Type your full name as your therapist has it")).to_be_visible()
        expect(phone.locator(".field-error", has_text="Tick the box to confirm")).to_be_visible()
        visit(phone, "portal release authorisation - errors", "client")
    if authorise:
        phone.get_by_label("Type your full name to authorise").fill(name)
        phone.get_by_label("I have read what would be released").check()
        phone.get_by_role("button", name="Authorise this release").click()
        expect(phone.get_by_text("you authorised this release")).to_be_visible()
    else:
        phone.get_by_label("Reason (optional, seen only by your therapist)").fill("Not ready for this to be shared.")
        phone.get_by_role("button", name="Decline this release").click()
        expect(phone.get_by_text("You declined this release")).to_be_visible()
    sign_out(phone)


def test_a_release_declined_by_one_partner_then_authorised_by_both(new_page, visit):
    therapist = new_page()
    sign_in(therapist, THERAPIST)
    first = "Continuity of care with a new family doctor"
    first_url = _request_release(therapist, first, visit)
    _answer(new_page, ALEX, first, authorise=True, visit=visit)
    _answer(new_page, JORDAN, first, authorise=False)

    therapist.goto(first_url)
    expect(therapist.locator("#release-status")).to_have_text("Declined")
    expect(therapist.get_by_text("Not ready for this to be shared.")).to_be_visible()  # the reason, for the therapist
    expect(therapist.get_by_role("button", name="Make the release file")).to_have_count(0)
    visit(therapist, "release declined", "therapist")

    second = "Assessment for a parenting course"
    second_url = _request_release(therapist, second)
    _answer(new_page, ALEX, second, authorise=True)
    _answer(new_page, JORDAN, second, authorise=True)

    therapist.goto(second_url)
    expect(therapist.locator("#release-status")).to_have_text("Authorised")
    therapist.get_by_label("JSON (machine-readable)").check()
    therapist.get_by_role("button", name="Make the release file").click()
    link = therapist.get_by_role("button", name=re.compile(r"Download .*release.*\.json"))
    with therapist.expect_download() as download:
        link.click()
    data = json.loads(Path(download.value.path()).read_text())
    decisions = {(a["partner"], a["decision"], a["typed_name"]) for a in data["release"]["authorisations"]}
    assert decisions == {("Alex Rivera", "authorised", "Alex Rivera"), ("Jordan Chen", "authorised", "Jordan Chen")}
    assert data["release"]["purpose"] == second

    therapist.goto(second_url.rsplit("/", 1)[0])
    expect(therapist.locator('tr[data-status="released"]')).to_have_count(1)
    expect(therapist.locator('tr[data-status="declined"]')).to_have_count(1)
    visit(therapist, "couple releases", "therapist")
    sign_out(therapist)

    admin = new_page()
    sign_in(admin, ADMIN)
    admin.get_by_role("link", name="Audit").click()
    expect(admin.get_by_text(re.compile("declined a release of the record")).first).to_be_visible()
    expect(admin.get_by_text(re.compile("authorised a release of the record"))).to_have_count(3)
    expect(admin.get_by_text(re.compile("released the record")).first).to_be_visible()
