"""The second factor: enrolment with a server-drawn QR code, codes used once, recovery codes, resets."""

import re
import time

from sqlalchemy import select

from clinic.audit.models import AuditEvent
from clinic.auth.models import RecoveryCode, User
from clinic.extensions import db
from tests.auth.helpers import current_code, replay, session_cookie, set_require_totp, sign_in
from tests.factories import PASSWORD


def _enrol_while_signed_in(client, user):
    """Sign in (password only), confirm, set up the app; returns (secret, recovery codes)."""
    set_require_totp(False)
    sign_in(client, user.email)
    page = client.get("/account/second-factor/setup")
    assert page.status_code == 200, page.status_code
    assert 'src="data:image/svg+xml' in page.text  # the QR code is drawn here, as an SVG data: URI
    secret = re.search(r'class="secret-key"[^>]*>([A-Z2-7 ]+)<', page.text).group(1).replace(" ", "")
    done = client.post("/account/second-factor/setup", data={"code": current_code(secret)})
    assert done.status_code == 200 and "shown only now" in done.text
    codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", done.text)
    return secret, codes


def test_required_setting_sends_staff_to_enrolment_at_sign_in(client, world):
    set_require_totp(True)
    response = sign_in(client, world.therapist.email)
    assert response.headers["Location"].endswith("/login/enrol")
    assert client.get("/caseload").status_code == 302  # not signed in yet
    page = client.get("/login/enrol")
    secret = re.search(r'class="secret-key"[^>]*>([A-Z2-7 ]+)<', page.text).group(1).replace(" ", "")
    done = client.post("/login/enrol", data={"code": current_code(secret)})
    assert done.status_code == 200 and "recovery" in done.text
    assert client.get("/caseload").status_code == 200


def test_clients_never_need_a_second_factor(client, world):
    set_require_totp(True)
    response = sign_in(client, world.partner_a.email)
    assert response.headers["Location"].endswith("/portal/")


def test_demo_setting_off_is_said_on_screen(client, world):
    set_require_totp(False)
    assert "Second factor not required" in client.get("/login").text
    sign_in(client, world.therapist.email)
    assert "does not currently require a second factor" in client.get("/account").text


def test_enrolled_sign_in_needs_a_code_and_a_code_works_once(app, client, world):
    secret, codes = _enrol_while_signed_in(client, world.therapist)
    assert len(codes) == 10
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == world.therapist.id)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # hashed, never the codes themselves
    fresh = app.test_client()
    assert sign_in(fresh, world.therapist.email).headers["Location"].endswith("/login/code")
    assert fresh.get("/caseload").status_code == 302
    bad = fresh.post("/login/code", data={"code": "000000"})
    assert bad.status_code == 422
    # The code used at enrolment is spent: replaying it fails.
    db.session.refresh(world.therapist)
    last_step = world.therapist.totp_last_step
    code = current_code(secret, offset_steps=1)
    ok = fresh.post("/login/code", data={"code": code})
    assert ok.status_code == 302 and fresh.get("/caseload").status_code == 200
    db.session.refresh(world.therapist)
    assert world.therapist.totp_last_step > last_step
    third = app.test_client()
    sign_in(third, world.therapist.email)
    replayed = third.post("/login/code", data={"code": code})
    assert replayed.status_code == 422 and third.get("/caseload").status_code == 302


def test_recovery_codes_work_once(app, client, world):
    _, codes = _enrol_while_signed_in(client, world.therapist)
    first = app.test_client()
    sign_in(first, world.therapist.email)
    assert first.post("/login/code", data={"code": codes[0].upper()}).status_code == 302
    second = app.test_client()
    sign_in(second, world.therapist.email)
    assert second.post("/login/code", data={"code": codes[0]}).status_code == 422


def test_changes_to_the_second_factor_need_recent_re_authentication(app, client, world, login):
    set_require_totp(False)
    login(client, world.therapist)
    with client.session_transaction() as session:  # the last password check was 10 minutes ago
        session["_reauth_at"] = int(time.time()) - 600
    response = client.get("/account/second-factor/setup")
    assert response.status_code == 302 and "/account/confirm" in response.headers["Location"]
    wrong = client.post("/account/confirm?next=/account/second-factor/setup", data={"password": "nope-nope-nope"})
    assert wrong.status_code == 422
    ok = client.post("/account/confirm?next=/account/second-factor/setup", data={"password": PASSWORD})
    assert ok.headers["Location"].endswith("/account/second-factor/setup")
    assert client.get("/account/second-factor/setup").status_code == 200


def test_re_authentication_asks_for_a_code_when_enrolled(app, client, world, login):
    secret, _ = _enrol_while_signed_in(client, world.therapist)
    other = app.test_client()
    login(other, db.session.get(User, world.therapist.id))
    assert other.post("/account/confirm", data={"password": PASSWORD}).status_code == 422
    ok = other.post("/account/confirm", data={"password": PASSWORD, "code": current_code(secret, 1)})
    assert ok.status_code == 302


def test_password_change_needs_a_code_when_enrolled(client, world):
    secret, _ = _enrol_while_signed_in(client, world.therapist)
    new = "quiet-meadow-orchid-88"
    data = {"current_password": PASSWORD, "new_password": new, "confirm_password": new}
    assert client.post("/account", data=data).status_code == 422
    assert client.post("/account", data={**data, "code": current_code(secret, 1)}).status_code == 302


def test_recent_auth_decorator_protects_other_routes(app, world, login):
    from flask import Flask  # noqa: F401

    from clinic.auth.reauth import recent_auth_required

    @recent_auth_required(max_age_minutes=5)
    def export():
        return "exported"

    with app.test_request_context("/couples/1/export"):
        from flask import session

        login_user = __import__("flask_login").login_user
        login_user(world.therapist)
        assert export().status_code == 302
        session["_reauth_at"] = int(time.time())
        assert export() == "exported"
        session["_reauth_at"] = int(time.time()) - 6 * 60
        assert export().status_code == 302


def test_admin_resets_a_lost_second_factor(app, client, world, login):
    _enrol_while_signed_in(client, world.therapist)
    cookie = session_cookie(client)
    admin = app.test_client()
    login(admin, world.admin)
    response = admin.post(f"/admin/staff/{world.therapist.id}/reset-2fa")
    assert response.status_code == 302
    user = db.session.get(User, world.therapist.id)
    assert user.totp_enabled_at is None and user.totp_secret is None
    assert not db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    assert replay(app, cookie).status_code == 302  # their sessions ended
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "user.second_factor_reset" in actions


def test_remove_is_refused_while_the_practice_requires_it(client, world):
    _enrol_while_signed_in(client, world.therapist)
    set_require_totp(True)
    client.post("/account/second-factor/remove")
    assert db.session.get(User, world.therapist.id).totp_enabled_at is not None
    set_require_totp(False)
    client.post("/account/second-factor/remove")
    assert db.session.get(User, world.therapist.id).totp_enabled_at is None


def test_the_key_is_grouped_in_fours_with_a_copy_button(client, world):
    set_require_totp(False)
    sign_in(client, world.therapist.email)
    page = client.get("/account/second-factor/setup").text
    key = re.search(r'class="secret-key"[^>]*>([A-Z2-7 ]+)<', page).group(1)
    assert all(len(group) == 4 for group in key.split()[:-1]) and " " in key
    assert 'data-copy="totp-key"' in page


def test_the_code_that_turned_it_on_is_explained_if_typed_again_at_sign_in(app, client, world):
    secret, _ = _enrol_while_signed_in(client, world.therapist)
    done_page_code = current_code(secret)
    fresh = app.test_client()
    sign_in(fresh, world.therapist.email)
    refused = fresh.post("/login/code", data={"code": done_page_code})
    assert refused.status_code == 422
    assert "already used" in refused.text and "Wait for your app to show the next code" in refused.text
