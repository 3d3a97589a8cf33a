"""Access declarations for the mail domain: the Outbox is the administrator's alone."""

from tests.access.matrix import ADMIN, RouteSpec

SPECS = [
    RouteSpec("mail.outbox_list", lambda w: "/admin/outbox/", ADMIN),
    RouteSpec("mail.outbox_message", lambda w: f"/admin/outbox/{w.extra['mail_message'].id}", ADMIN),
]


def populate(world):
    from clinic.mail import services

    world.extra["mail_message"] = services.send(
        "password_reset", "matrix@example.org", link="http://clinic.test/x", minutes=60
    )
