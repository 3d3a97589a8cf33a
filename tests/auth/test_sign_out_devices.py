"""Sign out ends this device only; "sign out everywhere" is a separate, labelled action (#18)."""

import pytest

from clinic.audit.models import AuditEvent
from clinic.extensions import db
from tests.auth.helpers import replay, session_cookie, set_require_totp, sign_in


@pytest.fixture(autouse=True)
def _password_only(app):
    set_require_totp(False)


def _two_browsers(app, world):
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, world.therapist.email)
    sign_in(phone, world.therapist.email)
    assert laptop.get("/caseload").status_code == phone.get("/caseload").status_code == 200
    return laptop, phone


def test_sign_out_ends_this_browser_and_keeps_the_other_signed_in(app, world):
    laptop, phone = _two_browsers(app, world)
    copied = session_cookie(laptop)
    response = laptop.post("/logout", follow_redirects=True)
    assert "signed out of this browser" in response.text and "other device" in response.text
    assert laptop.get("/caseload").status_code == 302
    assert phone.get("/caseload").status_code == 200  # the phone is still signed in
    assert replay(app, copied).status_code == 302  # a copy of the signed-out cookie is refused


def test_sign_out_everywhere_ends_every_browser(app, world):
    laptop, phone = _two_browsers(app, world)
    account = laptop.get("/account").text
    assert "Sign out everywhere" in account and 'action="/logout/everywhere"' in account
    response = laptop.post("/logout/everywhere", follow_redirects=True)
    assert "signed out everywhere" in response.text
    assert laptop.get("/caseload").status_code == 302
    assert phone.get("/caseload").status_code == 302
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent))]
    assert "auth.logout_everywhere" in actions


def test_signing_in_again_after_signing_out_works(app, world):
    laptop, _ = _two_browsers(app, world)
    laptop.post("/logout")
    sign_in(laptop, world.therapist.email)
    assert laptop.get("/caseload").status_code == 200


def test_only_sessions_young_enough_to_matter_are_remembered(app, world):
    import time

    laptop, _ = _two_browsers(app, world)
    world.therapist.ended_sessions = [["old-session", int(time.time()) - 100 * 3600]]
    db.session.commit()
    laptop.post("/logout")
    db.session.refresh(world.therapist)
    assert [entry[0] for entry in world.therapist.ended_sessions] != ["old-session"]
    assert "old-session" not in [entry[0] for entry in world.therapist.ended_sessions]
    assert len(world.therapist.ended_sessions) == 1
