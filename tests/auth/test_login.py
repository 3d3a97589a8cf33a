"""Sign-in, sign-out and sessions that end on the server."""

import time

import pytest
from argon2 import PasswordHasher
from argon2.low_level import Type

from clinic.audit.models import AuditEvent
from clinic.auth.models import User
from clinic.auth.services import LOGIN_FAILED as _LOGIN_FAILED
from clinic.extensions import db
from tests.auth.helpers import replay, session_cookie, set_require_totp, sign_in
from tests.factories import PASSWORD, make_user

LOGIN_FAILED = _LOGIN_FAILED.replace("'", "&#39;")


@pytest.fixture(autouse=True)
def _password_only(app):
    """These tests are about the password step; the second factor has its own tests."""
    set_require_totp(False)


def _actions():
    return [e.action for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))]


def test_sign_in_lands_on_the_role_home(client, world):
    response = sign_in(client, world.therapist.email)
    assert response.status_code == 302 and response.headers["Location"].endswith("/caseload")
    assert "auth.login" in _actions()


def test_unknown_email_and_wrong_password_get_the_same_answer(client, world):
    unknown = sign_in(client, "nobody@example.test")
    wrong = sign_in(client, world.therapist.email, "wrong-password-123456")
    assert unknown.status_code == wrong.status_code == 200
    assert LOGIN_FAILED in unknown.text and LOGIN_FAILED in wrong.text
    strip = lambda html: html.replace("nobody@example.test", "").replace(world.therapist.email, "")  # noqa: E731
    assert strip(unknown.text) == strip(wrong.text)
    assert _actions().count("auth.login_failed") == 2


def test_deactivated_account_answers_like_an_unknown_one(client, world):
    world.therapist.is_active_account = False
    response = sign_in(client, world.therapist.email)
    assert LOGIN_FAILED in response.text


def test_logout_kills_a_replayed_cookie(app, client, world):
    sign_in(client, world.partner_a.email)
    cookie = session_cookie(client)
    assert replay(app, cookie).status_code == 200
    client.post("/logout")
    response = replay(app, cookie)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "auth.logout" in _actions()


def test_new_session_identity_at_login(app, client, world):
    with client.session_transaction() as session:
        session["planted"] = "from-before-sign-in"
        session["_sid"] = "attacker-chosen"
    sign_in(client, world.therapist.email)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_sid"] != "attacker-chosen"


def test_password_change_needs_current_password_and_ends_other_sessions(app, client, world):
    other_device = app.test_client()
    sign_in(other_device, world.therapist.email)
    old_cookie = session_cookie(other_device)
    sign_in(client, world.therapist.email)
    new = "quiet-meadow-orchid-88"
    refused = client.post(
        "/account", data={"current_password": "not-my-password-1", "new_password": new, "confirm_password": new}
    )
    assert refused.status_code == 422 and "not your current password" in refused.text
    ok = client.post("/account", data={"current_password": PASSWORD, "new_password": new, "confirm_password": new})
    assert ok.status_code == 302
    assert client.get("/account").status_code == 200  # this browser continues
    assert replay(app, old_cookie).status_code == 302  # the other device is out
    assert sign_in(app.test_client(), world.therapist.email, new).status_code == 302


@pytest.mark.parametrize("password", ["short-pw", "password1234", "123456789012", "aaaaaaaaaaaaaaaa"])
def test_weak_passwords_are_refused(client, world, password):
    sign_in(client, world.therapist.email)
    response = client.post(
        "/account", data={"current_password": PASSWORD, "new_password": password, "confirm_password": password}
    )
    assert response.status_code == 422
    db.session.refresh(world.therapist)
    assert sign_in(__import__("flask").current_app.test_client(), world.therapist.email).status_code == 302


def test_a_long_passphrase_is_welcome(client, world):
    sign_in(client, world.therapist.email)
    phrase = "the heron waits by the grey river while autumn rain falls " * 3
    response = client.post(
        "/account", data={"current_password": PASSWORD, "new_password": phrase, "confirm_password": phrase}
    )
    assert response.status_code == 302


def test_deactivation_ends_sessions(app, client, world):
    from clinic.auth.services import deactivate_user

    sign_in(client, world.therapist.email)
    cookie = session_cookie(client)
    deactivate_user(db.session.get(User, world.therapist.id))
    db.session.commit()
    assert replay(app, cookie).status_code == 302


def test_admin_can_end_all_sessions_of_a_user(app, client, world, login):
    victim = app.test_client()
    sign_in(victim, world.other_therapist.email)
    cookie = session_cookie(victim)
    login(client, world.admin)
    client.post(f"/admin/staff/{world.other_therapist.id}/end_sessions")
    assert replay(app, cookie).status_code == 302


def test_idle_timeout_is_enforced_on_the_server(app, client, world):
    sign_in(client, world.therapist.email)
    with client.session_transaction() as session:
        session["_seen_at"] = int(time.time()) - 31 * 60
    response = client.get("/caseload")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/caseload").status_code == 302  # the session is gone, not just this request


def test_absolute_lifetime_of_twelve_hours(app, client, world):
    sign_in(client, world.therapist.email)
    with client.session_transaction() as session:
        session["_auth_at"] = int(time.time()) - 12 * 3600 - 5
        session["_seen_at"] = int(time.time())  # active all along
    response = client.get("/caseload")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_cookie_with_a_forged_timestamp_is_refused(app, client, world):
    sign_in(client, world.therapist.email)
    cookie = session_cookie(client)
    payload, _, signature = cookie.partition(".")
    tampered = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + signature
    assert replay(app, tampered).status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "/\\evil.example",
        "https://evil.example/",
        "/\r\nLocation: https://evil.example",
        "http:/evil.example",
        "/\t/evil.example",
        "\\\\evil.example",
        " //evil.example",
    ],
)
def test_next_only_goes_to_our_own_pages(client, world, target):
    from urllib.parse import quote

    response = sign_in(client, world.therapist.email, next_url=quote(target, safe=""))
    location = response.headers["Location"]
    assert "evil" not in location and location.endswith("/caseload"), location


def test_next_to_an_own_page_is_followed(client, world):
    response = sign_in(client, world.therapist.email, next_url="/couples/new")
    assert response.headers["Location"].endswith("/couples/new")


def test_password_hashes_are_argon2id_with_production_parameters(make_app, world):
    from clinic.auth.passwords import hash_password
    from clinic.config import DEFAULTS

    production = make_app(
        ARGON2_TIME_COST=DEFAULTS["ARGON2_TIME_COST"],
        ARGON2_MEMORY_COST=DEFAULTS["ARGON2_MEMORY_COST"],
        ARGON2_PARALLELISM=DEFAULTS["ARGON2_PARALLELISM"],
    )
    with production.app_context():
        stored = hash_password("quiet-meadow-orchid-88")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    params = __import__("argon2").extract_parameters(stored)
    assert params.type is Type.ID and params.memory_cost >= 19456 and params.time_cost >= 2
    assert PasswordHasher().verify(stored, "quiet-meadow-orchid-88")


def test_no_remember_me_and_cookie_flags(make_app):
    production = make_app(ENV_NAME="production")
    config = production.config
    assert config["SESSION_COOKIE_HTTPONLY"] and config["SESSION_COOKIE_SECURE"]
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["ABSOLUTE_SESSION_HOURS"] <= 12 and config["IDLE_TIMEOUT_MINUTES"] <= 30


def test_login_cookie_is_httponly_and_not_persistent(client, world):
    response = sign_in(client, world.therapist.email)
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("clinic_session="))
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Expires" not in header
    assert not any(h.startswith("remember_token") for h in response.headers.getlist("Set-Cookie"))


def test_staff_user_factory_signs_in(client):
    user = make_user("therapist")
    db.session.commit()
    assert sign_in(client, user.email).status_code == 302
