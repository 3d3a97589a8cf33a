"""Measures (CSI-4, ECR-RS, RAS) and the private safety screen."""


def init_app(app) -> None:
    from clinic.measures import caseload, portal, presenters, safety, views
    from clinic.registry import register_caseload_provider, register_safety_flag

    app.register_blueprint(views.bp)
    app.register_blueprint(portal.bp)
    register_caseload_provider(caseload.provide, order=60)
    register_safety_flag(safety.safety_flag)
    app.add_template_global(presenters.waiting_for, "measures_waiting_for")
