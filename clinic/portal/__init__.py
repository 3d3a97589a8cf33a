"""The client's portal: Today, and the home every client page hangs from."""


def init_app(app) -> None:
    from clinic.portal import views

    app.register_blueprint(views.bp)
