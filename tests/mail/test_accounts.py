"""Password reset, staff set-your-password, email change and security notices, through a real SMTP server."""

import re
from datetime import timedelta

from clinic.auth.models import AccountToken, find_user_by_email
from clinic.auth.passwords import verify_password
from clinic.db import utcnow
from clinic.extensions import db
from tests.mail.conftest import text_of

NEW = "copper kettle harbour dawn"


def _link(message, path: str) -> str:
    return re.search(rf"http://clinic\.test({path}[A-Za-z0-9_-]+)", text_of(message)).group(1)


def test_password_reset_end_to_end_ends_every_session_and_sends_a_notice(smtp_app, smtp_server, world, login):
    user = world.couple.partner("a").user
    signed_in = smtp_app.test_client()
    login(signed_in, user)
    assert signed_in.get("/portal/").status_code == 200

    guest = smtp_app.test_client()
    answer = guest.post("/password/forgot", data={"email": user.email.upper()})
    assert "Check your email" in answer.text
    [message] = smtp_server.messages
    assert message["To"] == user.email
    path = _link(message, "/password/set/")
    stored = db.session.scalar(db.select(AccountToken))
    assert path.rsplit("/", 1)[1] not in stored.token_hash and len(stored.token_hash) == 64

    weak = guest.post(path, data={"new_password": "password", "confirm_password": "password"})
    assert weak.status_code == 422
    done = guest.post(path, data={"new_password": NEW, "confirm_password": NEW})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW)
    assert signed_in.get("/portal/").status_code == 302  # the other session ended
    assert guest.get(path).status_code == 404  # single use
    notice = smtp_server.messages[-1]
    assert notice["To"] == user.email and "password of your account was changed" in text_of(notice)


def test_the_answer_is_the_same_whether_or_not_the_address_exists(smtp_app, smtp_server, world):
    guest = smtp_app.test_client()
    known = guest.post("/password/forgot", data={"email": world.therapist.email})
    unknown = guest.post("/password/forgot", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace(world.therapist.email, "") == unknown.text.replace("nobody@example.org", "")
    assert [m["To"] for m in smtp_server.messages] == [world.therapist.email]


def test_a_reset_link_expires_after_an_hour(smtp_app, smtp_server, world):
    guest = smtp_app.test_client()
    guest.post("/password/forgot", data={"email": world.therapist.email})
    path = _link(smtp_server.messages[0], "/password/set/")
    row = db.session.scalar(db.select(AccountToken))
    assert timedelta(minutes=59) < row.expires_at - utcnow() <= timedelta(minutes=60)
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert guest.get(path).status_code == 404


def test_reset_requests_are_throttled_per_address_and_per_account(make_app, world):
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    codes = [client.post("/password/forgot", data={"email": world.therapist.email}).status_code for _ in range(4)]
    assert codes[:3] == [200, 200, 200] and codes[3] == 429
    other = [client.post("/password/forgot", data={"email": f"n{i}@example.org"}).status_code for i in range(3)]
    assert 429 in other  # the client address is limited too (5 a minute)


def test_a_new_therapist_sets_their_own_password_from_the_welcome_email(smtp_app, smtp_server, world, login):
    admin = smtp_app.test_client()
    login(admin, world.admin)
    data = {"name": "Dr. Noor Haddad", "email": "noor@example.test", "form_token": "tok-cccccccccccccccccccccccc"}
    assert admin.post("/admin/staff/new", data=data).status_code == 302
    [message] = smtp_server.messages
    assert message["To"] == "noor@example.test" and "Noor Haddad" in text_of(message)
    path = _link(message, "/password/set/")
    guest = smtp_app.test_client()
    assert "Set your password" in guest.get(path).text
    assert guest.post(path, data={"new_password": NEW, "confirm_password": NEW}).status_code == 302
    assert verify_password(find_user_by_email("noor@example.test").password_hash, NEW)


def test_an_email_change_is_confirmed_from_the_new_address_and_announced_to_the_old(
    smtp_app, smtp_server, world, login
):
    therapist = smtp_app.test_client()
    login(therapist, world.therapist)
    old = world.therapist.email
    assert therapist.post("/account/email", data={"new_email": "new-home@example.org"}).status_code == 302
    confirm, notice = smtp_server.messages
    assert confirm["To"] == "new-home@example.org" and notice["To"] == old
    db.session.refresh(world.therapist)
    assert world.therapist.email == old  # nothing changes before confirmation
    path = _link(confirm, "/account/email/confirm/")
    assert smtp_app.test_client().get(path).status_code == 302
    db.session.refresh(world.therapist)
    assert world.therapist.email == "new-home@example.org"
    assert therapist.get("/caseload").status_code == 302  # sessions ended


def test_a_second_factor_change_sends_a_notice(smtp_app, smtp_server, world, login):
    from clinic.auth import totp

    with smtp_app.app_context():  # `world` pushed the default (locmem) app's context after smtp_app's
        from clinic.auth.models import User

        totp.remove(db.session.get(User, world.therapist.id))
        db.session.commit()
    [notice] = smtp_server.messages
    assert notice["To"] == world.therapist.email and "second sign-in step" in text_of(notice)
