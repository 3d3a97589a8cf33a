"""Appointments: booking (single or a weekly series), the therapist's schedule and calendar feed, partners'
next and upcoming sessions, and turning an appointment into a therapy session."""


def init_app(app) -> None:
    from clinic.appointments import caseload, portal, schedule, views

    app.register_blueprint(views.bp)
    app.register_blueprint(schedule.bp)
    app.register_blueprint(portal.bp)
    app.add_template_global(portal.next_for_today, "appointments_next")
    app.add_template_filter(views.when, "when")
    app.add_template_filter(views.clock, "clock")
    from clinic.registry import register_caseload_provider

    register_caseload_provider(caseload.appointments_caseload, order=15)
