"""Consent: practice-authored documents (versioned by content hash) that each partner reads and signs."""


def init_app(app) -> None:
    from clinic.consent import portal, presenters, services, views
    from clinic.registry import register_status_guard

    app.register_blueprint(views.bp)
    app.register_blueprint(portal.bp)
    register_status_guard(services.guard_status_change)
    app.add_template_global(presenters.waiting_for, "consent_waiting_for")
