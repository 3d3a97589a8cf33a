"""Throttling of sign-in, invitation and second-factor attempts (Flask-Limiter)."""

import itertools
import socket
import uuid

import pytest

from clinic.audit.models import AuditEvent
from clinic.auth.throttle import ACCOUNT_FREE
from clinic.extensions import db
from tests.auth.helpers import set_require_totp, sign_in

_addresses = itertools.count(10)


def _client(app, address=None):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address or f"10.9.{next(_addresses) % 250}.{uuid.uuid4().int % 250}"
    return client


@pytest.fixture
def limited(make_app, app):
    set_require_totp(False)
    application = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    with application.app_context():
        yield application


def test_one_address_gets_five_tries_per_account(limited, world):
    client = _client(limited)
    answers = [sign_in(client, world.therapist.email, "wrong-password-123").status_code for _ in range(7)]
    assert answers == [200] * 5 + [429, 429]
    # The owner, elsewhere, is not locked out by that address's guessing.
    assert sign_in(_client(limited), world.therapist.email).status_code == 302


def test_many_addresses_meet_a_higher_per_account_ceiling(limited, world):
    email = world.therapist.email
    answers = [sign_in(_client(limited), email, "wrong-password-123").status_code for _ in range(12)]
    print(f"\nper-account: answers to 12 wrong passwords from 12 addresses: {answers}")
    assert answers[:ACCOUNT_FREE] == [200] * ACCOUNT_FREE and set(answers[ACCOUNT_FREE:]) == {429}
    # A new address waits too, even with the right password (the wait grows with the failures)...
    assert sign_in(_client(limited), email).status_code == 429


def test_the_owner_gets_in_from_an_address_that_signed_in_before(limited, world):
    from tests.auth.helpers import current_code
    from tests.auth.test_second_factor import _enrol_while_signed_in

    home = "10.77.0.1"
    secret, _ = _enrol_while_signed_in(_client(limited, home), world.therapist)  # signed in from home once
    email = world.therapist.email
    for _ in range(3 * ACCOUNT_FREE):
        sign_in(_client(limited), email, "wrong-password-123")
    assert sign_in(_client(limited), email).status_code == 429  # the attacker's next address: held back
    owner = _client(limited, home)
    assert sign_in(owner, email).headers["Location"].endswith("/login/code")
    assert owner.post("/login/code", data={"code": current_code(secret, 1)}).status_code == 302
    assert owner.get("/caseload").status_code == 200


def test_a_known_address_still_has_its_own_limit(limited, world):
    home = "10.77.0.2"
    assert sign_in(_client(limited, home), world.therapist.email).status_code == 302
    guesser = _client(limited, home)  # someone else on the same network
    answers = [sign_in(guesser, world.therapist.email, "wrong-password-123").status_code for _ in range(7)]
    assert answers == [200] * 5 + [429, 429]


def test_the_throttled_answer_is_the_same_for_unknown_accounts(limited, world):
    runs = ACCOUNT_FREE + 1
    known = [sign_in(_client(limited), world.therapist.email, "wrong-password-1").status_code for _ in range(runs)]
    unknown = [sign_in(_client(limited), "ghost@example.test", "wrong-password-1").status_code for _ in range(runs)]
    assert known == unknown == [200] * ACCOUNT_FREE + [429]
    a = sign_in(_client(limited), world.therapist.email, "x-wrong-password").text
    b = sign_in(_client(limited), "ghost@example.test", "x-wrong-password").text
    assert a == b and "Too many attempts" in a
    pair = _client(limited)
    same_address = [sign_in(pair, "ghost2@example.test", "wrong-password-1").status_code for _ in range(6)]
    assert same_address == [200] * 5 + [429]


def test_sign_in_is_limited_per_address_across_accounts(limited, world):
    client = _client(limited)
    answers = [sign_in(client, f"person{i}@example.test", "wrong-password-1").status_code for i in range(22)]
    print(f"\nper-address: {answers.count(200)} answered, {answers.count(429)} throttled of 22")
    assert answers[:20] == [200] * 20 and answers[20:] == [429, 429]


def test_lockouts_are_audited(limited, world):
    for _ in range(ACCOUNT_FREE + 1):
        sign_in(_client(limited), world.therapist.email, "wrong-password-1")
    actions = db.session.scalars(db.select(AuditEvent.action)).all()
    assert "auth.lockout" in actions


def test_invitation_links_are_limited(limited, world):
    client = _client(limited)
    answers = [client.get(f"/invite/forged-token-{i}").status_code for i in range(12)]
    assert answers[:10] == [404] * 10 and answers[10:] == [429, 429]


def test_second_factor_attempts_are_limited(limited, world):
    from tests.auth.test_second_factor import _enrol_while_signed_in

    _enrol_while_signed_in(_client(limited), world.therapist)
    client = _client(limited)
    sign_in(client, world.therapist.email)
    answers = [client.post("/login/code", data={"code": "123456"}).status_code for _ in range(7)]
    assert answers[:5] == [422] * 5 and 429 in answers[5:]


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="Redis is not reachable on 127.0.0.1:6379 (start redis-server)")
def test_limits_are_shared_through_redis(make_app, app, world):
    """Two app instances (two workers) count against the same limit when the storage is Redis."""
    set_require_totp(False)
    uri = "redis://127.0.0.1:6379/0"
    first, second = (make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=uri) for _ in range(2))
    email = f"shared-{uuid.uuid4().hex}@example.test"  # a fresh key: no state left from earlier runs
    answers = []
    for i in range(ACCOUNT_FREE + 1):
        application = first if i % 2 else second
        with application.app_context():
            answers.append(sign_in(_client(application), email, "wrong-password-1").status_code)
    print(f"\nredis: answers alternating between two app instances: {answers}")
    assert answers == [200] * ACCOUNT_FREE + [429]
