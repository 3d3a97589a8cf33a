"""Couples, their two partners, treatment goals and the invitations that give partners an account."""

from clinic.couples import portal, views


def init_app(app) -> None:
    app.register_blueprint(views.bp)
    app.register_blueprint(portal.bp)
