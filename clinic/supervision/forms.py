"""Supervision forms: shape only; the rules are in services."""

from wtforms import BooleanField, PasswordField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from clinic.forms import BaseForm, strip_filter

TEXT = [strip_filter]


class LinkForm(BaseForm):
    associate = SelectField("Associate therapist", validators=[DataRequired("Choose the associate.")])
    supervisor = SelectField("Supervisor", validators=[DataRequired("Choose the supervisor.")])


class CosignForm(BaseForm):
    attest = BooleanField("I have reviewed this note and co-sign it as the supervising clinician.")
    password = PasswordField(
        "Your password", validators=[Optional(), Length(max=256)], description="Re-enter it to co-sign."
    )


class ChangesForm(BaseForm):
    comments = TextAreaField(
        "What should change",
        filters=TEXT,
        description="The associate sees these comments with the note.",
        validators=[DataRequired("Say what should change, so the associate can revise the note."), Length(max=4000)],
    )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TransferForm(BaseForm):
    couples = MultiCheckboxField("Couples to transfer", coerce=int, validate_choice=False)
    to_therapist = SelectField("Transfer to", validators=[DataRequired("Choose the therapist who takes over.")])
    confirmed = BooleanField("I confirm this transfer.")


class SearchForm(BaseForm):
    q = StringField("Find a couple", filters=TEXT, validators=[Optional(), Length(max=120)])


class BreakGlassForm(BaseForm):
    reason = StringField(
        "Reason for seeing client names",
        filters=TEXT,
        description="Recorded in the audit trail, for example a records request or a complaint you are handling.",
        validators=[
            DataRequired("Give the reason for seeing client names."),
            Length(min=10, max=300, message="Give a reason of 10 to 300 characters."),
        ],
    )
