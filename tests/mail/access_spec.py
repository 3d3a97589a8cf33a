"""Access declarations for the mail domain: the Outbox is the administrator's alone."""

from tests.access.matrix import ADMIN, CLIENTS, THERAPIST, RouteSpec

STAFF = THERAPIST | {"other_therapist"} | ADMIN

SPECS = [
    RouteSpec("mail.outbox_list", lambda w: "/admin/outbox/", ADMIN),
    RouteSpec("mail.outbox_message", lambda w: f"/admin/outbox/{w.extra['mail_message'].id}", ADMIN),
    RouteSpec("recovery.change_email", lambda w: "/account/email", STAFF | CLIENTS),
    RouteSpec("recovery.change_email", lambda w: "/account/email", STAFF | CLIENTS, method="POST"),
]


def populate(world):
    from clinic.mail import services

    world.extra["mail_message"] = services.send(
        "password_reset", "matrix@example.org", link="http://clinic.test/x", minutes=60
    )
