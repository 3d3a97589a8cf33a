"""Supervision and caseload care: associates' notes co-signed by their supervisor, supervisors' read-only
view of their supervisees' couples, caseload transfers, and the audit trail in words."""


def init_app(app) -> None:
    from clinic.registry import register_caseload_provider, register_note_signed
    from clinic.supervision import care_views, services, views  # care_views adds its routes to views.bp

    assert care_views.bp is views.bp
    app.register_blueprint(views.bp)
    register_note_signed(services.on_note_signed)
    register_caseload_provider(services.caseload_alerts, order=60)
    app.add_template_global(services.cosignature_of, "cosignature_of")
    app.add_template_global(services.waiting_count, "supervision_waiting_count")
    app.add_template_global(care_views.caseload.reference, "reference")
