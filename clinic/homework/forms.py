"""Homework forms: shape only. Rules (dates, who, risk confirmation, answers) live in the services."""

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from clinic.core.once import OnceField
from clinic.forms import BaseForm, VersionField, strip_filter
from clinic.homework.models import COMPLETION_TYPES, FREQUENCY_KINDS, MODEL_TAGS, STRATEGIES, WHO

TEXT = [strip_filter]
ANY = {"": "Any"}
RATING_CHOICES = {"1": "1 · not at all", "2": "2", "3": "3 · somewhat", "4": "4", "5": "5 · very much"}


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class LibraryFilterForm(BaseForm):
    class Meta:
        csrf = False

    model = SelectField("Model", choices={**ANY, **MODEL_TAGS}, validators=[Optional()])
    strategy = SelectField("Strategy", choices={**ANY, **STRATEGIES}, validators=[Optional()])
    completion = SelectField("Format", choices={**ANY, **COMPLETION_TYPES}, validators=[Optional()])
    who = SelectField("Who does it", choices={**ANY, **WHO}, validators=[Optional()])


class ExerciseForm(BaseForm):
    title = StringField("Title", validators=[DataRequired("Give the exercise a title."), Length(max=200)], filters=TEXT)
    purpose = TextAreaField(
        "Purpose",
        validators=[DataRequired("Say in a sentence or two what it is for."), Length(max=1000)],
        filters=TEXT,
        description="One or two sentences a client understands.",
    )
    steps = TextAreaField(
        "Steps",
        validators=[DataRequired("Add at least one step."), Length(max=6000)],
        filters=TEXT,
        description="One step per line.",
    )
    notes = TextAreaField("Closing note", validators=[Optional(), Length(max=2000)], filters=TEXT)
    model_tags = MultiCheckboxField("Models", choices=MODEL_TAGS, validators=[DataRequired("Tick at least one model.")])
    strategies = MultiCheckboxField(
        "Strategies it practises", choices=STRATEGIES, validators=[DataRequired("Tick at least one strategy.")]
    )
    who = SelectField("Who does it", choices=WHO)
    minutes = IntegerField(
        "Minutes it takes",
        default=15,
        validators=[InputRequired("Enter the minutes."), NumberRange(1, 240, "Between 1 and 240 minutes.")],
    )
    frequency_kind = SelectField("Default frequency", choices=FREQUENCY_KINDS)
    times_per_week = IntegerField("Times a week", validators=[Optional(), NumberRange(1, 7, "Between 1 and 7.")])
    completion = SelectField("How it is completed", choices=COMPLETION_TYPES)
    field_lines = TextAreaField(
        "Fields or questions",
        validators=[Optional(), Length(max=4000)],
        filters=TEXT,
        description="One per line: checklist items, log fields or reflection questions. "
        "Start a line with * to make it required. For a rating, the question.",
    )
    raises_conflict = BooleanField("This exercise may stir up conflict (needs confirmation when safety is a concern)")
    source = StringField(
        "Source",
        validators=[Optional(), Length(max=500)],
        filters=TEXT,
        description="Where the exercise comes from: authors, book or article (shown on its page and worksheet).",
    )
    is_private_to_partner = BooleanField(
        "Private to one partner and you (the other partner never sees it; never printed for the couple)"
    )
    version = VersionField()
    form_token = OnceField()


class AssignForm(BaseForm):
    exercise_id = SelectField(
        "Exercise", choices={}, validate_choice=False, validators=[DataRequired("Choose an exercise.")]
    )
    who = RadioField(
        "Who does it",
        choices={"together": "Both partners, together", "each": "Each partner, separately", "one": "One partner"},
        default="each",
    )
    partner_id = SelectField("Which partner (for “one partner”)", choices={}, validate_choice=False)
    starts_on = DateField("Start date", validators=[DataRequired("Enter the start date.")])
    due_on = DateField(
        "Due date",
        validators=[Optional()],
        description="The last day it is asked for. Leave empty for open-ended daily or weekly work.",
    )
    frequency_kind = SelectField("Frequency", choices=FREQUENCY_KINDS)
    times_per_week = IntegerField("Times a week", validators=[Optional(), NumberRange(1, 7, "Between 1 and 7.")])
    note = TextAreaField("A personal note to the couple", validators=[Optional(), Length(max=2000)], filters=TEXT)
    therapy_session_id = SelectField("Given in session", choices={}, validate_choice=False)
    confirm_risk = BooleanField("I have reviewed the safety concerns and still want this to go ahead")
    risk_reason = TextAreaField(
        "Why it can go ahead now",
        validators=[Optional(), Length(max=2000)],
        filters=TEXT,
        description="Kept on the assignment with your name and the time. Only clinicians see it, never the partners.",
    )
    form_token = OnceField()

    def confirmation(self) -> dict:
        return {"confirmed": bool(self.confirm_risk.data), "reason": self.risk_reason.data or ""}

    # Cross-field shape checks, so they show together with every other mistake (the service checks again).
    def validate_due_on(self, field) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("The due date can't be before the start date.")

    def validate_partner_id(self, field) -> None:
        if self.who.data == "one" and not field.data:
            raise ValidationError("Choose which partner this is for.")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # An empty optional field skips its own validators, so this cross-field check sits here.
        if self.frequency_kind.data == "weekly" and self.times_per_week.data is None and not self.times_per_week.errors:
            self.times_per_week.errors = [*self.times_per_week.errors, "Choose between 1 and 7 times a week."]
            ok = False
        return ok

    def assignment_data(self) -> dict:
        data = {
            k: getattr(self, k).data for k in ("who", "starts_on", "due_on", "frequency_kind", "times_per_week", "note")
        }
        data["partner_id"] = _int_or_none(self.partner_id.data)
        data["therapy_session_id"] = _int_or_none(self.therapy_session_id.data)
        return data


class EditAssignmentForm(AssignForm):
    exercise_id = None
    who = None
    partner_id = None
    form_token = None  # type: ignore[assignment]  # WTForms: None in a subclass removes the field
    version = VersionField()

    def assignment_data(self) -> dict:
        data = {k: getattr(self, k).data for k in ("starts_on", "due_on", "frequency_kind", "times_per_week", "note")}
        data["therapy_session_id"] = _int_or_none(self.therapy_session_id.data)
        return data


class AssignmentStatusForm(BaseForm):
    action = SelectField("Change", choices={"pause": "Pause", "resume": "Resume", "end": "End"})
    next = StringField(validators=[Optional(), Length(max=500)])


class ResumeForm(BaseForm):
    confirm_risk = AssignForm.confirm_risk
    risk_reason = AssignForm.risk_reason
    confirmation = AssignForm.confirmation


def _int_or_none(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


class EntryBaseForm(BaseForm):
    done_on = DateField("Date you did it", validators=[InputRequired("Enter the date you did it.")])
    free_text = TextAreaField(
        "Anything else you'd like to note", validators=[Optional(), Length(max=4000)], filters=TEXT
    )
    is_shared = BooleanField(
        "Share this entry with my partner", description="Unticked, only you and your therapist can read it."
    )
    form_token = OnceField()
    version = VersionField()


def entry_form(exercise, **kwargs) -> EntryBaseForm:
    """A form for this exercise's own fields: `a_<key>` per checklist item, log field or question."""

    class EntryForm(EntryBaseForm):
        pass

    for f in exercise.fields or []:
        name = f"a_{f['key']}"
        if exercise.completion == "checklist":
            setattr(EntryForm, name, BooleanField(f["label"]))
        elif exercise.completion in ("log", "reflection"):
            checks = [InputRequired("Please fill this in.")] if f.get("required") else [Optional()]
            setattr(EntryForm, name, TextAreaField(f["label"], validators=[*checks, Length(max=4000)], filters=TEXT))
    if exercise.completion == "rating":
        label = exercise.fields[0]["label"] if exercise.fields else "How did it go? (1–5)"
        EntryForm.rating = RadioField(
            label,
            choices=RATING_CHOICES,
            validate_choice=False,
            validators=[InputRequired("Choose a rating from 1 to 5.")],
        )
    form = EntryForm(**kwargs)
    names = [f"a_{f['key']}" for f in exercise.fields or []]
    form.answer_fields = [form[name] for name in names if name in form]
    return form


def entry_data(form) -> dict:
    answers = {field.name[2:]: field.data for field in form.answer_fields}
    rating = form.rating.data if hasattr(form, "rating") else None
    return {
        "done_on": form.done_on.data,
        "answers": answers,
        "rating": rating,
        "free_text": form.free_text.data,
        "is_shared": form.is_shared.data,
    }


def entry_initial(entry) -> dict:
    data = {f"a_{k}": v for k, v in (entry.answers or {}).items()}
    data.update(done_on=entry.done_on, free_text=entry.free_text, is_shared=entry.is_shared, version=entry.version)
    if entry.rating:
        data["rating"] = str(entry.rating)
    return data
