"""Shape validation for questionnaires, requests, the safety screen and decisions."""

from functools import cache

from wtforms import BooleanField, DateField, Field, HiddenField, IntegerField, PasswordField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from clinic.forms import BaseForm, VersionField, strip_filter
from clinic.measures import screen
from clinic.measures.library import MEASURE_CHOICES, MEASURES
from clinic.measures.models import DECISIONS, INDICATOR_ANSWERS, SCHEDULES


class ChoiceAnswerField(Field):
    """One questionnaire item: exactly one of the listed values. Rendered by the template as radios.

    Refuses a missing answer, a value outside the scale and the same question sent twice.
    """

    def __init__(self, label=None, options: dict | None = None, **kwargs):
        super().__init__(label, **kwargs)
        self.options = {str(k): v for k, v in (options or {}).items()}
        self.raw_values: list[str] = []

    def process_formdata(self, valuelist):
        self.raw_values = list(valuelist)
        self.data = valuelist[0] if len(valuelist) == 1 else None

    def pre_validate(self, form):
        if len(self.raw_values) > 1:
            self.data = None
            raise ValidationError("This question was answered more than once. Choose one answer.")
        if self.data in (None, ""):
            raise ValidationError("Please answer this question.")
        if self.data not in self.options:
            self.data = None
            raise ValidationError("Choose one of the listed answers.")

    def _value(self):
        return self.data or ""


class AnswerFormBase(BaseForm):
    sequence = HiddenField()

    def item_fields(self) -> list[ChoiceAnswerField]:
        return [f for f in self if isinstance(f, ChoiceAnswerField)]

    def answers(self) -> dict[int, int]:
        return {int(f.name.split("_")[1]): int(f.data) for f in self.item_fields()}

    def sequence_number(self) -> int | None:
        """The sequence the partner's page was built on, as posted; None when it wasn't (the field's
        default is the server's own next number, which must never stand in for a missing one)."""
        value = str(self.sequence.raw_data[0]).strip() if self.sequence.raw_data else ""
        return int(value) if value.isdigit() else None


class PaperFormMixin:
    answered_on = DateField(
        "Date the paper form was filled in",
        validators=[DataRequired("Enter the date as YYYY-MM-DD.")],
        description="As written on the form, or the session date.",
    )


@cache
def answer_form_class(measure_key: str, paper: bool = False) -> type[AnswerFormBase]:
    """A form class with one field per item of the measure (item_1, item_2, …)."""
    measure = MEASURES[measure_key]
    fields = {f"item_{item.number}": ChoiceAnswerField(item.text, options=item.options) for item in measure.items}
    bases = (PaperFormMixin, AnswerFormBase) if paper else (AnswerFormBase,)
    return type(f"{measure_key.title()}{'Paper' if paper else ''}Form", bases, fields)


class ScreenForm(BaseForm):
    """The partner's safety screen (current version): every question required, grouped by section."""

    def item_fields(self) -> list[ChoiceAnswerField]:
        return [f for f in self if isinstance(f, ChoiceAnswerField)]

    def sections(self) -> list[tuple[str, list[ChoiceAnswerField]]]:
        fields = self.item_fields()
        return [
            (title, [f for f, item in zip(fields, screen.ITEMS, strict=True) if item.section == key])
            for key, title in screen.SECTIONS.items()
        ]

    def answers(self) -> dict[str, str]:
        return {f.name: f.data for f in self.item_fields()}


for _item in screen.ITEMS:
    setattr(ScreenForm, _item.key, ChoiceAnswerField(_item.text, options=_item.options))


class FollowUpForm(BaseForm):
    """The clinician's lethality checklist (each indicator yes / no / unknown) and own notes."""

    notes = TextAreaField(
        "Your notes",
        filters=[strip_filter],
        validators=[Optional(), Length(max=10000)],
        description="Clinician only. Never shown to either partner.",
    )
    version = VersionField()

    def item_fields(self) -> list[ChoiceAnswerField]:
        return [f for f in self if isinstance(f, ChoiceAnswerField)]

    def answers(self) -> dict[str, str]:
        return {f.name: f.data for f in self.item_fields()}


for _key, _text in screen.FOLLOW_UP_INDICATORS.items():
    setattr(FollowUpForm, _key, ChoiceAnswerField(_text, options=INDICATOR_ANSWERS))


class RequestForm(BaseForm):
    measure_key = SelectField("Questionnaire", choices=MEASURE_CHOICES)
    who = SelectField("Who answers", choices={"both": "Both partners", "a": "Partner A", "b": "Partner B"})
    schedule = SelectField("How often", choices=SCHEDULES)
    interval_days = IntegerField(
        "Every how many days",
        validators=[Optional(), NumberRange(min=1, max=365, message="Enter a number of days from 1 to 365.")],
        description="Only for “Every N days”.",
    )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.schedule.data == "every_n_days" and not self.interval_days.data and not self.interval_days.errors:
            self.interval_days.errors = [*self.interval_days.errors, "Enter how many days apart (1 to 365)."]
            ok = False
        return ok


class SendScreenForm(BaseForm):
    partner = SelectField("Partner", choices={"a": "Partner A", "b": "Partner B"})


class DecisionForm(BaseForm):
    decision = SelectField(
        "Decision",
        choices={"": "Choose how you will proceed…", **DECISIONS},
        validators=[InputRequired("Choose how you will proceed.")],
    )
    note = TextAreaField(
        "Note (optional)",
        filters=[strip_filter],
        validators=[Optional(), Length(max=2000)],
        description="For example the referral made or the safety plan agreed. Clinician only.",
    )
    override_reason = TextAreaField(
        "Reason for conjoint work after a severe screen",
        filters=[strip_filter],
        validators=[Optional(), Length(max=2000)],
        description="Needed only to choose a conjoint option after a severe screen. Audited.",
    )
    attest = BooleanField("I have assessed the risk with each partner privately, and I sign this decision.")
    password = PasswordField("Your password", validators=[Length(max=256)], description="Signs the decision.")


class OfficeStartForm(BaseForm):
    partner = SelectField("Partner", choices={"a": "Partner A", "b": "Partner B"})


class UnlockForm(BaseForm):
    password = PasswordField("Therapist's password", validators=[Length(max=256)])


class StopForm(BaseForm):
    pass
