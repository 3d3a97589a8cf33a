"""Measures (CSI-4, ECR-RS, RAS) and the private safety screen."""


def init_app(app) -> None:
    from clinic.measures import caseload, portal, presenters, views
    from clinic.registry import register_caseload_provider

    app.register_blueprint(views.bp)
    app.register_blueprint(portal.bp)
    register_caseload_provider(caseload.provide, order=60)
    app.add_template_global(presenters.waiting_for, "measures_waiting_for")
