"""The record export form: shape only."""

from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from clinic.forms import BaseForm, strip_filter


class ExportForm(BaseForm):
    format = RadioField(
        "Format",
        choices={"pdf": "PDF (to read or print)", "json": "JSON (machine-readable)"},
        default="pdf",
        validators=[DataRequired()],
    )
    include_process_notes = BooleanField("Include my process notes (psychotherapy notes)")


TEXT = [strip_filter]

SCOPE_CHOICES = {"joint": "The joint record (both partners must authorise)"}
RECIPIENT_CHOICES = {"third_party": "A named third party"}


class ReleaseRequestForm(BaseForm):
    """A therapist's request to release the record; the partner choices are filled in by the view."""

    scope = RadioField("What to release", choices=SCOPE_CHOICES, default="joint", validators=[DataRequired()])
    recipient = RadioField("Recipient", choices=RECIPIENT_CHOICES, default="third_party", validators=[DataRequired()])
    recipient_name = StringField(
        "Recipient's name", validators=[Optional(), Length(max=120)], filters=TEXT, description="For a third party."
    )
    recipient_organisation = StringField(
        "Organisation", validators=[Optional(), Length(max=160)], filters=TEXT, description="For a third party."
    )
    purpose = TextAreaField(
        "Purpose of the release",
        validators=[Optional(), Length(max=2000)],  # required: the service checks it with everything else
        filters=TEXT,
        description="Both partners read this before they decide.",
    )
    include_process_notes = BooleanField("Include my process notes (each partner must authorise them separately)")


class AuthoriseForm(BaseForm):
    typed_name = StringField(
        "Type your full name to authorise",
        validators=[Optional(), Length(max=120)],  # the service checks it with everything else, at once
        filters=TEXT,
    )
    confirmed = BooleanField("I have read what would be released, to whom and why, and I authorise it.")
    process_notes = BooleanField("I also authorise the release of the therapist's process notes.")


class DeclineForm(BaseForm):
    reason = TextAreaField(
        "Reason (optional, seen only by your therapist)",
        validators=[Optional(), Length(max=2000)],
        filters=TEXT,
    )


class GenerateForm(BaseForm):
    format = RadioField(
        "Format",
        choices={"pdf": "PDF (to read or print)", "json": "JSON (machine-readable)"},
        default="pdf",
        validators=[DataRequired()],
    )
