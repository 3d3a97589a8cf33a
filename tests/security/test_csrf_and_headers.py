"""CSRF on every state-changing route, and the security headers on every response of the role matrix."""

import pytest

from clinic.extensions import db
from tests.security.crawl import (
    ROLE_ACTORS,
    all_specs,
    changed_tables,
    client_for,
    detached_client,
    fingerprint,
    login_ids,
    populate_everything,
)

SPECS = all_specs()


def _actor_for(spec):
    allowed = [a for a in ROLE_ACTORS if a in spec.allow]
    return allowed[0] if allowed else "anonymous"


def test_every_post_route_refuses_a_request_without_a_csrf_token(make_app, app, world):
    populate_everything(world)
    protected = make_app(WTF_CSRF_ENABLED=True)
    routes = {(r.endpoint, m) for r in app.url_map.iter_rules() for m in r.methods if m == "POST"}
    posts = [s for s in SPECS if s.method == "POST"]
    declared = {(s.endpoint, "POST") for s in posts}
    refused, failures = 0, []
    from clinic.couples import invitations
    from tests.factories import make_couple

    token = invitations.create(make_couple(world.therapist, join=False).partner("a"), world.therapist)
    new_password = {
        "new_password": "silver-otter-lagoon-31",
        "confirm_password": "silver-otter-lagoon-31",
        "agree": "y",
    }
    extra = [
        ("auth.login", "/login", "anonymous", {"email": world.therapist.email, "password": "x" * 12}),
        ("couples_portal.accept_invitation", f"/invite/{token}", "anonymous", new_password),
        ("recovery.forgot_password", "/password/forgot", "anonymous", {"email": world.therapist.email}),
        ("recovery.set_password", f"/password/set/{_reset_token(world)}", "anonymous", new_password),
    ]
    cases = [(s.endpoint, s.url(world), _actor_for(s), s.data(world) if s.data else {}) for s in posts] + extra
    ids = login_ids(world)
    for endpoint, url, actor, data in cases:
        before = fingerprint()
        db.session.commit()  # SQLite: free the write lock for the other app's request
        with protected.app_context():
            response = detached_client(protected, ids, actor).post(url, data=data)
        db.session.expire_all()
        changed = changed_tables(before, fingerprint())
        db.session.commit()
        if response.status_code != 400 or changed:
            failures.append(f"{endpoint} as {actor}: {response.status_code}, changed {changed}")
        else:
            refused += 1
    print(
        f"\nCSRF: {refused} of {len(cases)} POST routes refused a request without a token "
        f"({len(routes)} POST routes in the app, {len(declared)} declared)"
    )
    assert not failures, "\n".join(failures)
    # Quick exit takes no token on purpose: leaving must never fail, and all it can do is end the
    # caller's own session (tests/auth/test_quick_exit.py).
    # The one-click unsubscribe link in a reminder email takes no token either: its signed token is the
    # proof, and all it can do is turn that partner's reminders off (tests/reminders).
    tokenless = {("auth.quick_exit", "POST"), ("reminders.unsubscribe", "POST")}
    public = {"auth.login", "couples_portal.accept_invitation", "recovery.forgot_password", "recovery.set_password"}
    assert routes <= declared | tokenless | {(endpoint, "POST") for endpoint in public}


def _reset_token(world) -> str:
    from datetime import timedelta

    from clinic.auth import recovery

    return recovery.issue(world.therapist, "reset", timedelta(hours=1))


def test_a_valid_token_is_accepted(make_app, app, world):
    """The refusal above is about the token, not the route: with one, the same request goes through."""
    import re

    protected = make_app(WTF_CSRF_ENABLED=True)
    ids, couple_id = login_ids(world), world.couple.id
    db.session.commit()
    with protected.app_context():
        client = detached_client(protected, ids, "therapist")
        page = client.get(f"/couples/{couple_id}")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
        response = client.post(f"/couples/{couple_id}/goals", data={"text": "A goal", "csrf_token": token})
    assert response.status_code == 302


REQUIRED = {
    "Content-Security-Policy": lambda v: (
        "frame-ancestors 'none'" in v and "'unsafe-inline'" not in v and "script-src 'self'" in v
    ),
    "X-Content-Type-Options": lambda v: v == "nosniff",
    "Referrer-Policy": lambda v: v in ("same-origin", "no-referrer", "strict-origin-when-cross-origin"),
}


def test_every_response_of_the_matrix_carries_the_security_headers(app, world):
    populate_everything(world)
    checked, failures = 0, []
    for spec in SPECS:
        for actor in ROLE_ACTORS:
            client = client_for(app, world, actor)
            response = client.open(spec.url(world), method=spec.method, data=spec.data(world) if spec.data else {})
            db.session.rollback()
            checked += 1
            for header, ok in REQUIRED.items():
                if not ok(response.headers.get(header, "")):
                    value = response.headers.get(header)
                    failures.append(f"{spec.method} {spec.endpoint} as {actor}: {header}={value!r}")
            if actor != "anonymous" and "no-store" not in response.headers.get("Cache-Control", ""):
                failures.append(
                    f"{spec.method} {spec.endpoint} as {actor}: Cache-Control {response.headers.get('Cache-Control')!r}"
                )
            if response.mimetype == "text/html" and response.status_code == 200:
                body = response.get_data(as_text=True)
                if "<script>" in body or " onclick=" in body or ' style="' in body:
                    failures.append(f"{spec.method} {spec.endpoint} as {actor}: inline script or style in the page")
    print(
        f"\nheaders: {checked} responses ({len(SPECS)} route×method specs × {len(ROLE_ACTORS)} actors), "
        f"{len(failures)} problems"
    )
    assert not failures, "\n".join(failures[:30])


def test_production_adds_hsts(make_app, world):
    production = make_app(ENV_NAME="production", SECRET_KEY="p" * 40)
    with production.app_context():
        response = production.test_client().get("/login")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


@pytest.mark.parametrize("size", [2 * 1024 * 1024])
def test_oversized_requests_get_413(client, world, login, size):
    login(client, world.therapist)
    response = client.post(f"/couples/{world.couple.id}/goals", data={"text": "x" * size})
    assert response.status_code == 413
