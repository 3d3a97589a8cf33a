"""The homework safeguard in a real browser: a conflict-raising assignment is active; a flagged safety screen
pauses it at once; the partner sees only "Paused by your therapist"; the therapist reviews it in "Paused for
safety review", is refused a resume without a reason, then resumes it with one (and ends the other).

The safety-screen UI is rebuilt elsewhere, so the screen is flagged by sending `safety_screen_flagged` in
the live server's process, and the measures domain's `safeguard_active` is held on for this couple.
"""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

import clinic.measures.safety
from tests.e2e.support import THERAPIST, sign_in

pytestmark = pytest.mark.e2e

COUPLE = "Rivera & Chen"
EXERCISE = "Spotting our cycle"  # in the demo, active for this couple, and it may stir up conflict
PARTNER = "alex@demo.clinic.test"
REASON = "Reviewed in both individual sessions: no violence reported, and both want to keep noticing the loop."


def _flag_screen(live_server, held: set) -> None:
    from clinic.auth.models import User
    from clinic.couples.models import Couple
    from clinic.extensions import db
    from clinic.measures.signals import safety_screen_flagged

    with live_server.app.app_context():
        couple = db.session.scalar(select(Couple).where(Couple.display_name == COUPLE))
        partner = db.session.scalar(select(User).where(User.email == PARTNER))
        safety_screen_flagged.send(couple, screen=None, by=partner)
        db.session.commit()
        held.add(couple.id)


def _homework_group(page, name: str):
    return page.locator("section.hw-group", has=page.get_by_role("heading", name=re.compile(name)))


def test_safeguard_pauses_at_once_and_resuming_needs_a_reason(new_page, visit, live_server, monkeypatch):
    held: set[int] = set()
    monkeypatch.setattr(clinic.measures.safety, "safeguard_active", lambda couple: couple.id in held)

    phone = new_page(phone=True)
    sign_in(phone, PARTNER)
    phone.goto("/portal/homework")
    expect(phone.get_by_role("link", name=re.compile(EXERCISE))).to_be_visible()
    expect(_homework_group(phone, "Paused by your therapist")).to_have_count(0)

    _flag_screen(live_server, held)

    phone.reload()
    paused = _homework_group(phone, "Paused by your therapist")
    expect(paused.get_by_role("link", name=re.compile(EXERCISE))).to_be_visible()
    expect(phone.get_by_text(re.compile("safety|safeguard", re.IGNORECASE))).to_have_count(0)
    visit(phone, "partner homework (paused)", "client")
    paused.get_by_role("link", name=re.compile(EXERCISE)).click()
    expect(phone.get_by_text("Your therapist has paused this homework for now.")).to_be_visible()

    therapist = new_page()
    sign_in(therapist, THERAPIST)
    therapist.get_by_role("link", name=COUPLE).click()
    therapist.get_by_role("navigation", name="Couple sections").get_by_role("link", name="Homework").click()
    review = therapist.get_by_role("region", name="Paused for safety review")
    expect(review).to_be_visible()
    expect(review.get_by_role("link", name=EXERCISE, exact=True)).to_be_visible()
    visit(therapist, "couple homework (safety review)", "therapist")

    review.get_by_role("button", name=re.compile(rf"^Resume \(with reason\).*{EXERCISE}")).click()
    expect(therapist.get_by_role("heading", name=f"Resume “{EXERCISE}”")).to_be_visible()
    therapist.get_by_role("button", name="Resume", exact=True).click()  # no tick, no reason: refused
    expect(therapist.locator("#confirm_risk-error")).to_be_visible()
    expect(therapist.locator("#risk_reason-error")).to_be_visible()
    visit(therapist, "resume refused without a reason", "therapist")
    therapist.get_by_label("I have reviewed the safety concerns").check()
    therapist.get_by_label("Why it can go ahead now").fill(REASON)
    therapist.get_by_role("button", name="Resume", exact=True).click()
    expect(therapist.get_by_text("Resumed.")).to_be_visible()
    expect(therapist.get_by_text(REASON)).to_be_visible()
    visit(therapist, "assignment resumed with the reason", "therapist")

    therapist.get_by_role("link", name="Homework", exact=True).first.click()
    review = therapist.get_by_role("region", name="Paused for safety review")
    expect(review.get_by_role("link", name=EXERCISE, exact=True)).to_have_count(0)
    while review.count() and review.get_by_role("button", name=re.compile("^End")).count():
        review.get_by_role("button", name=re.compile("^End")).first.click()
        expect(therapist.get_by_text("Ended. The entries are kept.")).to_be_visible()
    expect(therapist.get_by_role("region", name="Paused for safety review")).to_have_count(0)
    visit(therapist, "couple homework (reviewed)", "therapist")

    phone.goto("/portal/homework")
    expect(_homework_group(phone, "Paused by your therapist")).to_have_count(0)
    expect(phone.get_by_role("link", name=re.compile(EXERCISE))).to_be_visible()
    expect(phone.get_by_text(REASON)).to_have_count(0)
    visit(phone, "partner homework (resumed)", "client")
    visit.assert_clean()
