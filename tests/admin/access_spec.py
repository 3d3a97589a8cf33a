"""Access declarations for the administrator's pages that live beside staff and settings."""

from tests.access.matrix import ADMIN, RouteSpec

SPECS = [
    RouteSpec("admin.audit_trail", lambda w: "/admin/audit/", ADMIN),
    RouteSpec(
        "admin.reset_second_factor", lambda w: f"/admin/staff/{w.other_therapist.id}/reset-2fa", ADMIN, method="POST"
    ),
]
