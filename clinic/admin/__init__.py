"""Staff accounts and the practice settings used across the app. Admins see no clinical content."""


def init_app(app) -> None:
    from clinic.admin import views

    app.register_blueprint(views.bp)
