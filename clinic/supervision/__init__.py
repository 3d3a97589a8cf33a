"""Supervision and caseload care: associates' notes co-signed by their supervisor, supervisors' read-only
view of their supervisees' couples, caseload transfers, and the audit trail in words."""


def init_app(app) -> None:
    from clinic.registry import (
        register_audit_describer,
        register_audit_names,
        register_caseload_provider,
        register_note_signed,
    )

    # care_views and trail_views add their routes to views.bp when imported.
    from clinic.supervision import care_views, services, trail, trail_views, views  # noqa: F401

    app.register_blueprint(views.bp)
    register_note_signed(services.on_note_signed)
    register_caseload_provider(services.caseload_alerts, order=60)
    register_audit_describer(trail.describe)
    register_audit_names(trail.shows_names)
    app.add_template_global(services.cosignature_of, "cosignature_of")
    app.add_template_global(services.waiting_count, "supervision_waiting_count")
    app.add_template_global(trail.reference, "reference")
