from wtforms import DateField, EmailField, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from clinic.core.once import OnceField
from clinic.couples.models import (
    ATTACHMENT_STYLES,
    CYCLE_POSITIONS,
    GOAL_STATUSES,
    MODELS,
    POLICIES,
    STATUSES,
)
from clinic.forms import BaseForm, EmailAddress, VersionField, strip_filter

TEXT = [strip_filter]


class PartnerForm(BaseForm):
    """One partner's details; CoupleForm holds two of these (field names partner_a-name, …)."""

    class Meta:
        csrf = False  # the enclosing form carries the token

    name = StringField("Name", validators=[DataRequired("Enter a name."), Length(max=120)], filters=TEXT)
    pronouns = StringField(
        "Pronouns",
        validators=[Optional(), Length(max=40)],
        filters=TEXT,
        description="For example she/her, he/him, they/them.",
    )
    email = EmailField(
        "Email",
        filters=TEXT,
        description="Needed to invite them: it becomes their sign-in.",
        validators=[Optional(), Length(max=254), EmailAddress()],
    )
    attachment_style = SelectField("Attachment style (your impression)", choices=ATTACHMENT_STYLES)
    cycle_position = SelectField("Position in the cycle", choices=CYCLE_POSITIONS)


class CoupleForm(BaseForm):
    display_name = StringField(
        "Display name",
        validators=[DataRequired("Give the couple a name."), Length(max=120)],
        filters=TEXT,
        description="How the couple appears on your caseload, e.g. “Rivera & Chen”.",
    )
    model = SelectField("Primary model", choices=MODELS)
    status = SelectField("Status", choices={k: v for k, v in STATUSES.items() if k != "closed"})
    started_on = DateField(
        "Start date", validators=[DataRequired("Enter the date the couple started (day, month and year).")]
    )
    presenting_concerns = TextAreaField("Presenting concerns", validators=[Optional(), Length(max=5000)], filters=TEXT)
    goals = TextAreaField(
        "Treatment goals",
        validators=[Optional(), Length(max=3000)],
        filters=TEXT,
        description="One goal per line. You can track each goal's status on the couple page.",
    )
    confidentiality_policy = SelectField("Confidentiality policy", choices=POLICIES)
    policy_agreed_on = DateField("Date the policy was agreed", validators=[Optional()])
    version = VersionField()
    form_token = OnceField()

    partner_a = FormField(PartnerForm, "Partner A")
    partner_b = FormField(PartnerForm, "Partner B")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        email_a, email_b = self.partner_a.email.data, self.partner_b.email.data
        if email_a and email_b and email_a.lower() == email_b.lower():
            self.partner_b.email.errors = [*self.partner_b.email.errors, "Each partner needs their own email address."]
            ok = False
        return ok

    def validate_goals(self, field):
        if field.data and any(len(line) > 500 for line in field.data.splitlines()):
            raise ValidationError("Keep each goal under 500 characters.")


class EditCoupleForm(CoupleForm):
    """Editing does not add goals from a text box: goals have their own controls on the couple page."""

    goals = None


class StatusForm(BaseForm):
    status = SelectField("New status", choices=STATUSES)
    version = VersionField()


class GoalForm(BaseForm):
    text = StringField("New goal", validators=[DataRequired("Describe the goal."), Length(max=500)], filters=TEXT)


class GoalStatusForm(BaseForm):
    status = SelectField("Goal status", choices=GOAL_STATUSES)


class InviteForm(BaseForm):
    """Only a CSRF token: the partner is in the URL."""


class CaseloadFilterForm(BaseForm):
    class Meta:
        csrf = False

    status = SelectField(
        "Status", choices={"": "All open", **STATUSES, "all": "All, including closed"}, validators=[Optional()]
    )
