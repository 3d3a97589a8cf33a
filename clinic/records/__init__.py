"""The clinical record: a couple's whole record exported for a records request, made in the background."""

from flask import Flask

from clinic.records import views


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
