"""Handouts: the library built from the article's strategies, giving, personalising and printing."""


def init_app(app) -> None:
    from clinic.handouts import views

    app.register_blueprint(views.bp)
    from clinic.handouts.services import latest_for_partner

    app.add_template_global(latest_for_partner, "handouts_for_today")
