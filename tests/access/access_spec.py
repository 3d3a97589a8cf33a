"""Access declarations for the foundation's routes (core, auth, couples, admin, portal)."""

from tests.access.matrix import ADMIN, PARTNERS, SIGNED_IN, THERAPIST, RouteSpec


def _couple(w):
    return f"/couples/{w.couple.id}"


def _partner(w):
    return w.couple.partner("a")


SPECS = [
    RouteSpec("auth.logout", lambda w: "/logout", SIGNED_IN, method="POST"),
    RouteSpec("auth.logout_everywhere", lambda w: "/logout/everywhere", SIGNED_IN, method="POST"),
    RouteSpec("auth.account", lambda w: "/account", SIGNED_IN),
    RouteSpec("auth.account", lambda w: "/account", SIGNED_IN, method="POST"),
    RouteSpec("auth.account_time_zone", lambda w: "/account/time-zone", SIGNED_IN, method="POST"),
    RouteSpec("auth.session_status", lambda w: "/session/status", SIGNED_IN),
    RouteSpec("auth.keepalive", lambda w: "/session/keepalive", SIGNED_IN, method="POST"),
    RouteSpec("couples.caseload", lambda w: "/caseload", THERAPIST | {"other_therapist"}),
    RouteSpec("couples.new_couple", lambda w: "/couples/new", THERAPIST | {"other_therapist"}),
    RouteSpec("couples.new_couple", lambda w: "/couples/new", THERAPIST | {"other_therapist"}, method="POST"),
    RouteSpec("couples.overview", _couple, THERAPIST, scoped=True),
    RouteSpec("couples.edit_couple", lambda w: _couple(w) + "/edit", THERAPIST, scoped=True),
    RouteSpec("couples.edit_couple", lambda w: _couple(w) + "/edit", THERAPIST, method="POST", scoped=True),
    RouteSpec(
        "couples.change_status",
        lambda w: _couple(w) + "/status",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"status": "paused", "version": w.couple.version},
    ),
    RouteSpec(
        "couples.add_goal",
        lambda w: _couple(w) + "/goals",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"text": "A fictional goal"},
    ),
    RouteSpec(
        "couples.set_goal_status",
        lambda w: _couple(w) + f"/goals/{w.extra['goal'].id}",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"status": "met"},
    ),
    RouteSpec(
        "couples.invite",
        lambda w: _couple(w) + f"/partners/{_partner(w).id}/invite",
        THERAPIST,
        method="POST",
        scoped=True,
    ),
    RouteSpec("admin.staff", lambda w: "/admin/staff", ADMIN),
    RouteSpec("admin.new_staff", lambda w: "/admin/staff/new", ADMIN),
    RouteSpec("admin.new_staff", lambda w: "/admin/staff/new", ADMIN, method="POST"),
    RouteSpec(
        "admin.staff_action", lambda w: f"/admin/staff/{w.other_therapist.id}/end_sessions", ADMIN, method="POST"
    ),
    RouteSpec("admin.staff_action", lambda w: f"/admin/staff/{w.other_therapist.id}/deactivate", ADMIN),
    RouteSpec("admin.settings", lambda w: "/admin/settings", ADMIN),
    RouteSpec("admin.settings", lambda w: "/admin/settings", ADMIN, method="POST"),
    RouteSpec("portal.today", lambda w: "/portal/", PARTNERS | {"outsider"}),
]


def populate(world):
    from clinic.couples.services import add_goal

    world.extra["goal"] = add_goal(world.couple, "Fictional goal for the matrix")
