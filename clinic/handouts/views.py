from flask import Blueprint

bp = Blueprint("handouts", __name__)
