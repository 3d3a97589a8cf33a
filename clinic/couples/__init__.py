"""Couples, their two partners, treatment goals and the invitations that give partners an account."""

from clinic.couples import portal, views


def init_app(app) -> None:
    from clinic.couples.services import follow_sign_in_email
    from clinic.registry import register_email_changed

    app.register_blueprint(views.bp)
    app.register_blueprint(portal.bp)
    register_email_changed(follow_sign_in_email)
