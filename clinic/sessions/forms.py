"""Shape validation for recording a session, signing, addenda, process notes and the cycle map."""

from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from clinic.core.once import OnceField
from clinic.couples.models import MODELS
from clinic.forms import BaseForm, VersionField, strip_filter
from clinic.sessions.models import ATTENDANCE, CYCLE_STEPS, FORMATS, KINDS

TEXT = [strip_filter]


class TherapySessionForm(BaseForm):
    starts_at = DateTimeLocalField(
        "Date and time",
        format="%Y-%m-%dT%H:%M",
        validators=[DataRequired("Enter the date and time the session started.")],
        description="In your time zone.",
    )
    minutes = IntegerField(
        "Length (minutes)",
        default=50,
        validators=[
            InputRequired("Enter the length in minutes."),
            NumberRange(5, 480, "Use a length from 5 to 480 minutes."),
        ],
    )
    format = SelectField("Format", choices=FORMATS)
    kind = SelectField("Kind", choices=KINDS)
    individual_partner = SelectField(
        "With which partner (individual sessions)", choices={"": "—"}, validators=[Optional()]
    )
    attendance = SelectField("Attendance", choices=ATTENDANCE)
    model = SelectField("Model (note template)", choices=MODELS)
    form_token = OnceField()

    def __init__(self, *args, couple=None, **kwargs):
        super().__init__(*args, **kwargs)
        if couple is not None:
            self.individual_partner.choices = {"": "—", **{p.position: p.name for p in couple.partners}}

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.kind.data == "individual" and not self.individual_partner.data:
            self.individual_partner.errors = [
                *self.individual_partner.errors,
                "Choose the partner this individual session was with.",
            ]
            ok = False
        return ok


class SignForm(BaseForm):
    """Posted together with the note's fields (the Sign button submits the same form).

    Shape only: whether the box is ticked and the password right is decided by `services.sign_note`.
    """

    attest = BooleanField("I attest that this note is accurate and complete, and that I provided this service.")
    password = PasswordField(
        "Your password", validators=[Optional(), Length(max=256)], description="Re-enter it to sign."
    )


class AddendumForm(BaseForm):
    reason = StringField(
        "Reason",
        filters=TEXT,
        description="For example: correction, late entry, clarification.",
        validators=[DataRequired("Give the reason for this addendum."), Length(max=200)],
    )
    text = TextAreaField("Addendum", filters=TEXT, validators=[DataRequired("Write the addendum."), Length(max=10000)])
    form_token = OnceField()


class ProcessNoteForm(BaseForm):
    text = TextAreaField(
        "Process note",
        filters=TEXT,
        validators=[Optional(), Length(max=20000)],
        description="Private working notes: only you can read them. They are not part of the "
        "record, not shown to anyone else and not exported unless you include them.",
    )
    version = VersionField()


class CycleMapForm(BaseForm):
    """The couple's name for their cycle and, per partner, the five steps of the cycle map."""

    cycle_name = StringField(
        "The couple's name for their cycle",
        filters=TEXT,
        validators=[Optional(), Length(max=120)],
        description="In their words, e.g. “the storm and the shell”.",
    )
    based_on = IntegerField("", validators=[Optional()])

    def __init__(self, *args, couple=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.names = {p.position: p.name for p in couple.partners} if couple is not None else {}

    def words(self, position: str) -> dict:
        return {key: self[f"{position}_{key}"].data or "" for key in CYCLE_STEPS}


for _position in ("a", "b"):
    for _key, _label in CYCLE_STEPS.items():
        setattr(
            CycleMapForm,
            f"{_position}_{_key}",
            StringField(_label, filters=TEXT, validators=[Optional(), Length(max=300)]),
        )


class SessionDetailsForm(TherapySessionForm):
    """Correcting a recorded session's details while its note is a draft (the template stays)."""

    model = None  # the note's template is chosen once, when recording
    form_token = None  # type: ignore[assignment]


class EnteredInErrorForm(BaseForm):
    reason = StringField(
        "Why it was entered in error",
        id="error-reason",  # the addendum form on the same page has its own "reason"
        filters=TEXT,
        description="For example: recorded for the wrong couple, or twice.",
        validators=[DataRequired("Give the reason."), Length(max=300)],
    )
