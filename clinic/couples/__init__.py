"""Couples, their two partners, treatment goals and the invitations that give partners an account."""


def init_app(app) -> None:
    from clinic.couples import views

    app.register_blueprint(views.bp)
