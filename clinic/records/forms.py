"""The record export form: shape only."""

from wtforms import BooleanField, RadioField
from wtforms.validators import DataRequired

from clinic.forms import BaseForm


class ExportForm(BaseForm):
    format = RadioField(
        "Format",
        choices={"pdf": "PDF (to read or print)", "json": "JSON (machine-readable)"},
        default="pdf",
        validators=[DataRequired()],
    )
    include_process_notes = BooleanField("Include my process notes (psychotherapy notes)")
