"""Access declarations for the audit trail."""

from tests.access.matrix import ADMIN, RouteSpec

SPECS = [
    RouteSpec("audit.trail", lambda w: "/admin/audit/", ADMIN),
]
