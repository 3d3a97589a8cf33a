from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from clinic.forms import BaseForm, VersionField, strip_filter
from clinic.plans.catalogue import MEASURES

TEXT = [strip_filter]


class DetailsForm(BaseForm):
    presenting_problems = TextAreaField("Presenting problems", validators=[Optional(), Length(max=5000)], filters=TEXT)
    formulation = TextAreaField(
        "Formulation (for you only: partners never see it)", validators=[Optional(), Length(max=10000)], filters=TEXT
    )
    diagnosis = StringField(
        "Diagnosis (optional, ICD-10-CM)",
        validators=[Optional(), Length(max=200)],
        filters=TEXT,
        description="Type part of a code or its words, e.g. Z63.0 or partner, and choose from the list.",
        render_kw={"list": "icd10"},
    )
    review_every_sessions = IntegerField(
        "Review the plan every … sessions",
        validators=[InputRequired("Give a number of sessions."), NumberRange(1, 52, "Review every 1 to 52 sessions.")],
        default=6,
    )
    version = VersionField()


class GoalForm(BaseForm):
    text = StringField(
        "Goal, in plain words the couple will read",
        validators=[DataRequired("Describe the goal."), Length(max=500)],
        filters=TEXT,
    )
    target_on = DateField("Target date", validators=[Optional()])


class ObjectiveForm(BaseForm):
    text = StringField(
        "Measurable objective, in plain words",
        validators=[DataRequired("Describe the objective."), Length(max=500)],
        filters=TEXT,
    )
    measure = SelectField("Tied to a measure", choices={"": "No measure", **MEASURES}, default="")
    threshold = IntegerField("Score to reach", validators=[Optional()])
    target_on = DateField("Target date", validators=[Optional()])


class InterventionForm(BaseForm):
    key = SelectField("Planned intervention", choices=[])
    note = StringField("Note (optional)", validators=[Optional(), Length(max=500)], filters=TEXT)


class ActionForm(BaseForm):
    """A button with only the CSRF token (sign, start a new version, remove, acknowledge)."""


class AcknowledgeForm(BaseForm):
    number = IntegerField(validators=[InputRequired()])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NoteGoalsForm(BaseForm):
    goal_ids = MultiCheckboxField("Goals this session addressed", coerce=int, choices=[], validators=[Optional()])
