"""Treatment plans: goals → measurable objectives → planned interventions, signed by the therapist and
acknowledged by each partner."""


def init_app(app) -> None:
    from clinic.plans import caseload, portal, presenters, views
    from clinic.registry import register_caseload_provider

    app.register_blueprint(views.bp)
    app.register_blueprint(portal.bp)
    register_caseload_provider(caseload.provide, order=70)
    app.add_template_global(presenters.waiting_for, "plan_waiting_for")
    app.add_template_global(presenters.state_for, "plan_state_for")
    app.add_template_global(presenters.session_goals, "plan_session_goals")
    app.add_template_global(presenters.course_objectives, "plan_course_objectives")
