"""Accounts, sign-in, sessions that end on the server, and invitations."""


def init_app(app) -> None:
    from clinic.auth import recovery_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(recovery_views.bp)
