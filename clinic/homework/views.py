from flask import Blueprint

bp = Blueprint("homework", __name__)
