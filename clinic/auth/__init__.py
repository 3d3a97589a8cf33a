"""Accounts, sign-in, sessions that end on the server, and invitations."""


def init_app(app) -> None:
    from clinic.auth import views

    app.register_blueprint(views.bp)
