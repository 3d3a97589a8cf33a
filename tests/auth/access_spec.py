"""Access declarations for the second factor and re-authentication (the admin's reset is in tests/admin).

`auth.login_code` and `auth.login_enrol` belong to someone who passed the password step: without
that pending step, anonymous visitors are sent to sign in and signed-in users to their home page.
"""

from tests.access.matrix import SIGNED_IN, RouteSpec

STAFF = frozenset({"therapist", "other_therapist", "admin"})

SPECS = [
    RouteSpec("auth.login_code", lambda w: "/login/code", SIGNED_IN),
    RouteSpec("auth.login_code", lambda w: "/login/code", SIGNED_IN, method="POST"),
    RouteSpec("auth.login_enrol", lambda w: "/login/enrol", SIGNED_IN),
    RouteSpec("auth.login_enrol", lambda w: "/login/enrol", SIGNED_IN, method="POST"),
    RouteSpec("auth.reauth", lambda w: "/account/confirm", SIGNED_IN),
    RouteSpec("auth.reauth", lambda w: "/account/confirm", SIGNED_IN, method="POST"),
    RouteSpec("auth.second_factor", lambda w: "/account/second-factor", STAFF),
    RouteSpec("auth.second_factor_setup", lambda w: "/account/second-factor/setup", STAFF),
    RouteSpec("auth.second_factor_setup", lambda w: "/account/second-factor/setup", STAFF, method="POST"),
    RouteSpec("auth.second_factor_remove", lambda w: "/account/second-factor/remove", STAFF, method="POST"),
]
