from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, ValidationError

from clinic.core.once import OnceField
from clinic.forms import BaseForm, EmailAddress, VersionField, ZoneSelectField, strip_filter
from clinic.settings import PAPER_SIZES


class StaffForm(BaseForm):
    name = StringField("Full name", validators=[DataRequired("Enter a name."), Length(max=120)], filters=[strip_filter])
    email = EmailField(
        "Email",
        validators=[DataRequired("Enter an email address."), Length(max=254), EmailAddress()],
        filters=[strip_filter],
    )
    is_admin = BooleanField("Also give admin rights (accounts, settings, audit trail)")
    form_token = OnceField()

    # Checked here as well as in the service, so every mistake shows after one submit.
    def validate_email(self, field) -> None:
        from clinic.auth.models import find_user_by_email

        if field.data and find_user_by_email(field.data.strip().lower()) is not None:
            raise ValidationError("An account with this email already exists.")

    def validate_password(self, field) -> None:
        from clinic.auth.passwords import password_problem

        problem = field.data and password_problem(field.data, email=self.email.data or "", name=self.name.data or "")
        if problem:
            raise ValidationError(problem)


class SettingsForm(BaseForm):
    practice_name = StringField("Practice name", validators=[DataRequired(), Length(max=120)], filters=[strip_filter])
    contact_line = StringField(
        "Contact line",
        validators=[Optional(), Length(max=200)],
        filters=[strip_filter],
        description="Printed on handouts, e.g. an address and phone number.",
    )
    time_zone = ZoneSelectField(
        "Time zone",
        description="Times for everyone who hasn't chosen their own zone (Account). Homework days always count here.",
        render_kw={"data-zone-search": ""},  # app.js adds a search box that filters the list
    )
    paper_size = SelectField("Paper size for PDFs", choices=PAPER_SIZES)
    idle_timeout_minutes = IntegerField(
        "Sign out after this many idle minutes",
        validators=[DataRequired("Enter a number of minutes."), NumberRange(5, 30, "Choose between 5 and 30 minutes.")],
    )
    crisis_resources = TextAreaField(
        "Local crisis resources",
        validators=[Optional(), Length(max=2000)],
        filters=[strip_filter],
        description="Shown to clients with the national hotline and printed on the safety handout.",
    )
    require_totp = BooleanField("Require a second factor (authenticator app) for therapists and admins")
    quick_exit_url = URLField(
        "Quick-exit destination",
        validators=[DataRequired(), URL(), Length(max=200)],
        description="A neutral website the quick-exit button opens on client pages.",
    )
    rescreen_days = IntegerField(
        "Re-screen for safety every this many days",
        validators=[Optional(), NumberRange(0, 3650, "Choose between 0 and 3650 days.")],
        description="A caseload alert appears when a partner's latest safety screen is older. 0 = off; "
        "left empty, the setting stays as it was.",
    )
    screen_before_conjoint = BooleanField("Screen each partner before the first conjoint session")
    mail_first_name = BooleanField(
        "Greet partners by first name in email",
        description='Off: messages begin "Hello,". On: "Hello Priya,". Nothing else about a person is ever in email.',
    )
    version = VersionField()

    def validate_quick_exit_url(self, field):
        if not field.data.startswith("https://"):
            raise ValidationError("Use an https:// address.")


class ActionForm(BaseForm):
    """A CSRF-protected button."""


class TrailFilterForm(BaseForm):
    """GET filters for the audit trail page; every field optional."""

    class Meta:
        csrf = False

    user = SelectField("Person", validators=[Optional()], validate_choice=False)
    couple = IntegerField("Couple number", validators=[Optional(), NumberRange(1, 2**31 - 1)])
    action = SelectField("Action", validators=[Optional()], validate_choice=False)
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])

    def trail_filters(self) -> dict:
        """The checked filters as keyword arguments for clinic.audit.services.trail_query."""
        user = self.user.data
        return {
            "actor_id": int(user) if user and user.isdigit() else None,
            "couple_id": self.couple.data,
            "action": self.action.data or None,
            "date_from": self.date_from.data,
            "date_to": self.date_to.data,
        }
