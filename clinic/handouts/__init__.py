"""Handouts: the library built from the article's strategies, giving, personalising and printing."""

from clinic.handouts import portal, views
from clinic.handouts.services import latest_for_partner


def init_app(app) -> None:
    """Register the therapist's (`handouts`) and the client's (`handouts_portal`) blueprints and the hooks."""
    app.register_blueprint(views.bp)
    app.register_blueprint(portal.bp)
    app.add_template_global(latest_for_partner, "handouts_for_today")
