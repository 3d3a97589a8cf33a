"""Access declarations for supervision: the supervisor (linked to `therapist`) reads the supervisee's
couples and notes and co-signs; the associate reopens or resubmits their own note; the admin links."""

from tests.access.matrix import ADMIN, SUPERVISOR, THERAPIST, RouteSpec


def _note(w):
    return w.extra["cosign_ts"].progress_note.id


SPECS = [
    RouteSpec("supervision.home", lambda w: "/supervision/", THERAPIST | {"other_therapist"}),
    RouteSpec("supervision.supervisee", lambda w: f"/supervision/associates/{w.therapist.id}", SUPERVISOR, scoped=True),
    RouteSpec("supervision.couple", lambda w: f"/supervision/couples/{w.couple.id}", SUPERVISOR, scoped=True),
    RouteSpec("supervision.note", lambda w: f"/supervision/notes/{_note(w)}", SUPERVISOR, scoped=True),
    RouteSpec(
        "supervision.cosign",
        lambda w: f"/supervision/notes/{_note(w)}/cosign",
        SUPERVISOR,
        method="POST",
        scoped=True,
        data=lambda w: {"attest": "y", "password": "violet-canyon-ferry-17"},
    ),
    RouteSpec(
        "supervision.request_changes",
        lambda w: f"/supervision/notes/{_note(w)}/changes",
        SUPERVISOR,
        method="POST",
        scoped=True,
        data=lambda w: {"comments": "Say more about the enactment (fictional)."},
    ),
    RouteSpec(
        "supervision.reopen",
        lambda w: f"/supervision/my-notes/{_note(w)}/reopen",
        THERAPIST,
        method="POST",
        scoped=True,
    ),
    RouteSpec(
        "supervision.resubmit",
        lambda w: f"/supervision/my-notes/{_note(w)}/resubmit",
        THERAPIST,
        method="POST",
        scoped=True,
    ),
    RouteSpec("supervision.links", lambda w: "/admin/supervision", ADMIN),
    RouteSpec(
        "supervision.links",
        lambda w: "/admin/supervision",
        ADMIN,
        method="POST",
        data=lambda w: {"associate": str(w.other_therapist.id), "supervisor": str(w.therapist.id)},
    ),
    RouteSpec(
        "supervision.search_caseload",
        lambda w: "/caseload/search",
        THERAPIST | {"other_therapist"},
        method="POST",
        data=lambda w: {"q": "Owner"},
    ),
    RouteSpec(
        "supervision.search_supervised",
        lambda w: "/supervision/search",
        THERAPIST | SUPERVISOR | {"other_therapist"},  # every therapist; results only from active links
        method="POST",
        data=lambda w: {"q": "Owner"},
    ),
    RouteSpec("supervision.transfers", lambda w: "/admin/transfers", ADMIN),
    RouteSpec("supervision.transfer", lambda w: f"/admin/transfers/{w.other_therapist.id}", ADMIN),
    RouteSpec(
        "supervision.transfer",
        lambda w: f"/admin/transfers/{w.other_therapist.id}",
        ADMIN,
        method="POST",
        data=lambda w: {"couples": str(w.other_couple.id), "to_therapist": str(w.therapist.id)},
    ),
    RouteSpec(
        "supervision.show_names",
        lambda w: "/admin/audit/names",
        ADMIN,
        method="POST",
        data=lambda w: {"reason": "Records request from a client (fictional)."},
    ),
    RouteSpec("supervision.hide_names", lambda w: "/admin/audit/names/end", ADMIN, method="POST"),
    RouteSpec("supervision.export_csv", lambda w: "/admin/audit/export.csv", ADMIN),
    RouteSpec("supervision.end_link", lambda w: f"/admin/supervision/{w.extra['link'].id}/end", ADMIN, method="POST"),
]


def populate(world):
    from clinic.supervision import services
    from tests.factories import make_user
    from tests.sessions.helpers import COMPLETE, new_session

    supervisor = make_user("therapist", name="Dr. Test Supervisor")
    world.extra["supervisor"] = supervisor
    world.extra["link"] = services.link(world.therapist.id, supervisor.id, world.admin)
    world.extra["cosign_ts"] = new_session(
        world.couple, world.therapist, days_ago=3, answers=COMPLETE["efct"], sign=True
    )
