"""Forms of the handouts domain (shape only; rules live in services)."""

from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from clinic.core.once import OnceField
from clinic.forms import BaseForm, VersionField, strip_filter
from clinic.handouts.markdown import MAX_MARKDOWN_CHARS

PAPER_CHOICES = {"": "Practice setting", "letter": "US Letter", "a4": "A4"}
MAX_NOTE = 2000


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class HandoutForm(BaseForm):
    title = StringField("Title", filters=[strip_filter], validators=[DataRequired(), Length(max=160)])
    summary = StringField(
        "One-line summary",
        filters=[strip_filter],
        validators=[Optional(), Length(max=300)],
        description="Shown in the library and under the title.",
    )
    body = TextAreaField(
        "Text (Markdown)",
        filters=[strip_filter],
        validators=[DataRequired(), Length(max=MAX_MARKDOWN_CHARS)],
        description="## for a heading, - for a list item, **bold**, *italic*. "
        "Images and embedded code are not allowed.",
    )
    version = VersionField()
    form_token = OnceField()
    preview = SubmitField("Preview")
    save = SubmitField("Save handout")


class GiveForm(BaseForm):
    source = SelectField("Handout", validators=[DataRequired(message="Choose a handout.")])
    for_partner = RadioField(
        "Who is it for",
        default="both",
        validators=[DataRequired(message="Choose who it is for.")],
        description="Given to one partner, it shows only in that partner's portal.",
    )
    note = TextAreaField(
        "Personal note (optional)",
        filters=[strip_filter],
        validators=[Optional(), Length(max=MAX_NOTE)],
        description="Printed in a box at the top and shown to whoever it is for.",
    )
    form_token = OnceField()


class PrintForm(BaseForm):
    """Sent as a POST with CSRF: its note is the therapist's text, which must never sit in a URL
    (access logs, proxy logs, browser history)."""

    source = SelectField("Handout", validators=[DataRequired(message="Choose a handout.")])
    for_partner = RadioField(
        "Who is it for", default="both", validators=[DataRequired(message="Choose who it is for.")]
    )
    note = TextAreaField(
        "Note for this print (optional)", filters=[strip_filter], validators=[Optional(), Length(max=MAX_NOTE)]
    )
    paper = SelectField("Paper", choices=PAPER_CHOICES, validators=[Optional()])


class PacketForm(BaseForm):
    """One partner's packet (never both partners' private items in one file), plus an optional couple part.
    Sent by POST: it starts a background job."""

    for_partner = RadioField("Packet for", validators=[DataRequired(message="Choose whose packet to print.")])
    handouts = MultiCheckboxField("Extra handouts for this partner", validators=[Optional()])
    given = BooleanField("Handouts given to this partner alone", default=True)
    worksheets = BooleanField("Their own current homework worksheets", default=True)
    forms = BooleanField("Their own questionnaires due, as paper forms", default=True)
    couple_part = BooleanField(
        "Add a part for both partners: handouts given to both, homework done together", default=False
    )
    paper = SelectField("Paper", choices=PAPER_CHOICES, validators=[Optional()])


class LibraryPrintForm(BaseForm):
    class Meta:
        csrf = False

    paper = SelectField("Paper", choices=PAPER_CHOICES, validators=[Optional()])
