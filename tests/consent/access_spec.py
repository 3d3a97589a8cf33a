"""Access declarations for every route of the consent domain."""

from tests.access.matrix import ADMIN, CLIENTS, THERAPIST, RouteSpec


def _couple(w):
    return f"/couples/{w.couple.id}"


def _signature(w):
    """Partner A's signature of the fees document: partner B and everyone else's partners get 404."""
    return w.extra["consent_signature"]


SPECS = [
    RouteSpec("consent.couple_consent", lambda w: _couple(w) + "/consent", THERAPIST, scoped=True),
    RouteSpec(
        "consent.activate",
        lambda w: _couple(w) + "/consent/activate",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"version": str(w.couple.version), "reason": "Signed on paper at the first session."},
    ),
    RouteSpec(
        "consent.signature_pdf",
        lambda w: _couple(w) + f"/consent/signatures/{_signature(w).id}.pdf",
        THERAPIST,
        scoped=True,
    ),
    RouteSpec("consent.documents", lambda w: "/admin/consent", ADMIN),
    RouteSpec("consent.edit_document", lambda w: "/admin/consent/telehealth", ADMIN),
    RouteSpec(
        "consent.edit_document",
        lambda w: "/admin/consent/telehealth",
        ADMIN,
        method="POST",
        data=lambda w: {"title": "Consent to telehealth sessions", "body": "## Video\n\nMatrix text."},
    ),
    RouteSpec("consent_portal.index", lambda w: "/portal/consent/", CLIENTS),
    RouteSpec("consent_portal.document", lambda w: "/portal/consent/informed_consent", CLIENTS),
    RouteSpec(
        "consent_portal.document",
        lambda w: "/portal/consent/informed_consent",
        CLIENTS,
        method="POST",
        data=lambda w: {"content_hash": "0" * 64, "typed_name": "Nobody", "confirmed": "y"},
    ),
    RouteSpec(
        "consent_portal.signature_pdf",
        lambda w: f"/portal/consent/signatures/{_signature(w).id}.pdf",
        frozenset({"partner_a"}),
        scoped=True,
    ),
]


def populate(world):
    """Partner A of the world's couple has signed the fees document."""
    from clinic.consent import services

    partner = world.couple.partner("a")
    document = services.current_documents()["fees"]
    world.extra["consent_signature"] = services.sign(
        partner, partner.user, "fees", document.content_hash, partner.name, True
    )
