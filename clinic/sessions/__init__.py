"""Therapy sessions and their notes: EFT, CBCT and integrative progress notes, process notes, the course."""


def init_app(app):
    from clinic.sessions import views

    app.register_blueprint(views.bp)
    from clinic.registry import register_caseload_provider
    from clinic.sessions.caseload import sessions_caseload

    register_caseload_provider(sessions_caseload, order=10)
