"""Cross-cutting pieces: the home redirect, health check, neutral exit page and one-time form tokens."""


def init_app(app) -> None:
    from clinic.core import views

    app.register_blueprint(views.bp)
