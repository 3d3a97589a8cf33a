"""Measures (CSI-4, ECR-RS, RAS) and the private safety screen."""


def init_app(app) -> None:
    from clinic.couples.caseload import register_caseload_provider
    from clinic.demo import register_demo_seeder
    from clinic.measures import caseload, demo, portal

    register_caseload_provider(caseload.provide, order=60)
    register_demo_seeder(demo.seed, order=70)
    app.add_template_global(portal.waiting_for, "measures_waiting_for")
