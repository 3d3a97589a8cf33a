"""A second-factor secret shown during enrolment is new per attempt, bound to the browser session,
short-lived, never stored on the account until confirmed, and gone after a password change (issue 19, item 1)."""

import re
import time

from sqlalchemy import select

from clinic.auth.models import User
from clinic.extensions import db
from tests.auth.helpers import current_code, set_require_totp, sign_in
from tests.factories import PASSWORD

SETUP = "/account/second-factor/setup"


def _secret(page) -> str:
    key = re.search(r'class="secret-key"[^>]*>([A-Z2-7 ]+)<', page.get_data(as_text=True)).group(1)
    return key.replace(" ", "")  # shown in groups of four


def _signed_in(app, user):
    client = app.test_client()
    set_require_totp(False)
    sign_in(client, user.email)
    return client


def _row_text(user_id) -> str:
    row = db.session.execute(select(User.__table__).where(User.__table__.c.id == user_id)).one()
    return " ".join(str(v) for v in row)


def test_a_secret_seen_in_another_session_is_useless_after_the_owner_enrols(app, world):
    onlooker = _signed_in(app, world.therapist)
    seen = _secret(onlooker.get(SETUP))
    owner = _signed_in(app, world.therapist)
    secret = _secret(owner.get(SETUP))
    assert secret != seen
    assert seen not in _row_text(world.therapist.id)  # nothing kept on the account before confirming
    assert owner.post(SETUP, data={"code": current_code(secret)}).status_code == 200
    db.session.expire_all()
    assert db.session.get(User, world.therapist.id).totp_secret == secret
    # The onlooker cannot finish "their" enrolment either: the account now holds the owner's secret.
    stranger = app.test_client()
    sign_in(stranger, world.therapist.email)
    answer = stranger.post("/login/code", data={"code": current_code(seen, 1)})
    assert answer.status_code == 422


def test_each_visit_draws_a_new_secret_and_a_wrong_code_keeps_it(app, world):
    client = _signed_in(app, world.therapist)
    first = _secret(client.get(SETUP))
    second = _secret(client.get(SETUP))
    assert first != second
    wrong = client.post(SETUP, data={"code": "000000"})
    assert wrong.status_code == 422 and _secret(wrong) == second
    assert client.post(SETUP, data={"code": current_code(first)}).status_code == 422  # an earlier attempt's secret
    assert client.post(SETUP, data={"code": current_code(second)}).status_code == 200


def test_the_enrolment_expires(app, world):
    client = _signed_in(app, world.therapist)
    secret = _secret(client.get(SETUP))
    with client.session_transaction() as session:
        session["_totp_enrol"] = {**session["_totp_enrol"], "at": session["_totp_enrol"]["at"] - 3600}
    answer = client.post(SETUP, data={"code": current_code(secret)})
    assert answer.status_code == 422 and "expired" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, world.therapist.id).totp_enabled_at is None


def test_a_password_change_ends_a_pending_enrolment(app, world):
    client = _signed_in(app, world.therapist)
    secret = _secret(client.get(SETUP))
    changed = client.post(
        "/account",
        data={
            "current_password": PASSWORD,
            "new_password": "quiet-harbour-lantern-77",
            "confirm_password": "quiet-harbour-lantern-77",
        },
    )
    assert changed.status_code == 302
    with client.session_transaction() as session:
        session["_reauth_at"] = int(time.time())
    answer = client.post(SETUP, data={"code": current_code(secret)})
    assert answer.status_code == 422
    db.session.expire_all()
    assert db.session.get(User, world.therapist.id).totp_enabled_at is None


def test_forced_enrolment_at_sign_in_is_bound_to_its_session_too(app, world):
    set_require_totp(True)
    onlooker = app.test_client()
    sign_in(onlooker, world.therapist.email)
    seen = _secret(onlooker.get("/login/enrol"))
    owner = app.test_client()
    sign_in(owner, world.therapist.email)
    secret = _secret(owner.get("/login/enrol"))
    assert secret != seen and seen not in _row_text(world.therapist.id)
    assert owner.post("/login/enrol", data={"code": current_code(secret)}).status_code == 200
    stranger = app.test_client()
    sign_in(stranger, world.therapist.email)
    assert stranger.post("/login/code", data={"code": current_code(seen, 1)}).status_code == 422
