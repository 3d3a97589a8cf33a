"""The role matrix: every route is declared here (or in a domain's access_spec.py) with who may use it.

A domain declares its routes in `tests/<domain>/access_spec.py` as `SPECS = [RouteSpec(...)]` and,
when its routes need records, a `populate(world)` that adds them to `world.extra`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

ACTORS = ("anonymous", "therapist", "other_therapist", "partner_a", "partner_b", "outsider", "admin", "supervisor")
# The supervisor supervises `therapist` (tests/supervision/access_spec.py links them): refused whatever
# another therapist is refused, except the supervision read views of the supervisee's couples.
SUPERVISOR = frozenset({"supervisor"})
THERAPIST = frozenset({"therapist"})
PARTNERS = frozenset({"partner_a", "partner_b"})
CLIENTS = frozenset({"partner_a", "partner_b", "outsider"})
SIGNED_IN = frozenset(ACTORS) - {"anonymous"}
ADMIN = frozenset({"admin"})
EVERYONE = frozenset(ACTORS)

# Routes anyone may open without signing in.
PUBLIC_ENDPOINTS = {
    "static",
    "core.index",
    "core.healthz",
    "auth.login",
    "couples_portal.accept_invitation",
    "auth.quick_exit",
    "schedule.feed",  # a calendar app reads it by its long random token (tests/appointments)
    "recovery.forgot_password",
    "recovery.set_password",
    "recovery.confirm_email",
    "reminders.unsubscribe",
}


@dataclass(frozen=True)
class RouteSpec:
    """Who may call `endpoint` with `method`; `url(world)` builds a concrete URL for the test world.

    `allow`: actors that must get through (any answer but 401/403/404 or a redirect to sign-in).
    Everyone else must be refused: anonymous → redirect to sign-in (or 401), others → 403 or 404.
    `scoped`: the route shows a record, so a refused actor of the allowed role (another therapist,
    a partner of another couple) must get exactly 404, as if the record did not exist.
    `data(world)`: the form body for a POST (CSRF is off in the matrix; it has its own test).
    """

    endpoint: str
    url: Callable
    allow: frozenset
    method: str = "GET"
    scoped: bool = False
    data: Callable | None = None
    only_partner: str | None = field(default=None)
