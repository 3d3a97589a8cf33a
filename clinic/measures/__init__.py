"""Measures (CSI-4, ECR-RS, RAS) and the private safety screen."""


def init_app(app) -> None:
    from clinic.measures import views

    app.register_blueprint(views.bp)
    from clinic.measures import caseload, portal
    from clinic.registry import register_caseload_provider

    register_caseload_provider(caseload.provide, order=60)
    app.add_template_global(portal.waiting_for, "measures_waiting_for")
