"""Every route × its methods × eight actors: 0 unexpected allows, 0 unexpected denies.

Fails when a route is neither public nor declared in some access_spec.py, so new routes can't slip
through unreviewed.
"""

import importlib
import pathlib

import pytest

from tests.access.matrix import ACTORS, PUBLIC_ENDPOINTS, RouteSpec
from tests.conftest import login_as

TESTS_DIR = pathlib.Path(__file__).resolve().parent.parent


def _spec_modules():
    for path in sorted(TESTS_DIR.glob("*/access_spec.py")):
        yield importlib.import_module(f"tests.{path.parent.name}.access_spec")


SPEC_MODULES = list(_spec_modules())
SPECS: list[RouteSpec] = [spec for module in SPEC_MODULES for spec in module.SPECS]


def _populate(world):
    for module in SPEC_MODULES:
        if hasattr(module, "populate"):
            module.populate(world)


def test_every_route_is_public_or_declared(app):
    declared = {(spec.endpoint, spec.method) for spec in SPECS}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if (rule.endpoint, method) not in declared:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, "routes with no declared access:\n" + "\n".join(missing)


def test_declared_routes_exist(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    stale = [spec.endpoint for spec in SPECS if spec.endpoint not in endpoints]
    assert not stale, f"specs for routes that no longer exist: {stale}"


def _refused(response, actor: str) -> bool:
    if actor == "anonymous":
        location = response.headers.get("Location", "")
        return response.status_code == 401 or (response.status_code in (302, 303) and "/login" in location)
    return response.status_code in (403, 404)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: f"{s.method} {s.endpoint}")
def test_route_access(app, world, spec):
    _populate(world)
    from clinic.extensions import db

    db.session.commit()
    url = spec.url(world)
    allow = _allowed(spec)
    # Refused actors first, so an allowed POST can't change what they would have seen.
    order = sorted(ACTORS, key=lambda actor: actor in allow)
    unexpected = []
    for actor in order:
        client = app.test_client()
        user = world.actor(actor)
        if user is not None:
            login_as(client, user)
        body = spec.data(world) if spec.data else {}
        response = client.open(url, method=spec.method, data=body)
        refused = _refused(response, actor)
        if actor in allow and (refused or response.status_code >= 500):
            unexpected.append(f"{actor}: refused or failed ({response.status_code})")
        elif actor not in allow and not refused:
            unexpected.append(f"{actor}: allowed ({response.status_code} {response.headers.get('Location')})")
        elif (
            spec.scoped
            and actor in ("other_therapist", "outsider", "supervisor")
            and actor not in allow
            and _same_role(spec, actor)
            and response.status_code != 404
        ):
            unexpected.append(f"{actor}: foreign record answered {response.status_code}, expected 404")
        db.session.rollback()
    assert not unexpected, f"{spec.method} {url}: " + "; ".join(unexpected)


def _allowed(spec: RouteSpec) -> frozenset:
    """A supervisor is a therapist: what any therapist may open (their own caseload, the library), they may."""
    return spec.allow | ({"supervisor"} if "other_therapist" in spec.allow else set())


def _same_role(spec: RouteSpec, actor: str) -> bool:
    if actor in ("other_therapist", "supervisor"):
        return "therapist" in spec.allow
    return bool({"partner_a", "partner_b"} & spec.allow)
