from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from clinic.forms import BaseForm, ZoneSelectField, strip_filter


class LoginForm(BaseForm):
    email = EmailField(
        "Email", validators=[DataRequired("Enter your email address."), Length(max=254)], filters=[strip_filter]
    )
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=256)])


class NewPasswordMixin:
    new_password = PasswordField(
        "New password",
        validators=[DataRequired("Choose a password."), Length(max=256)],
        description="At least 12 characters. A few unrelated words make a strong passphrase.",
    )
    confirm_password = PasswordField(
        "Repeat the new password",
        validators=[DataRequired("Repeat the password."), EqualTo("new_password", "The two passwords differ.")],
    )


class ChangePasswordForm(NewPasswordMixin, BaseForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password."), Length(max=256)]
    )
    code = StringField(
        "Code from your authenticator app",
        validators=[Length(max=40)],
        filters=[strip_filter],
        description="Needed because your account uses a second factor.",
    )


class AcceptInvitationForm(NewPasswordMixin, BaseForm):
    agree = BooleanField(
        "I understand that my therapist can read what I enter here, and that I choose what my partner sees.",
        validators=[DataRequired("Please confirm you have read this.")],
    )


class CodeForm(BaseForm):
    code = StringField(
        "Code",
        validators=[DataRequired("Enter the code."), Length(max=40)],
        filters=[strip_filter],
        description="The 6-digit code from your authenticator app, or one of your recovery codes.",
    )


class EnrolForm(BaseForm):
    code = StringField(
        "Code shown in the app",
        validators=[DataRequired("Enter the 6-digit code."), Length(max=10)],
        filters=[strip_filter],
    )


class ReauthForm(BaseForm):
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=256)])
    code = StringField("Code from your authenticator app", validators=[Length(max=40)], filters=[strip_filter])


class ButtonForm(BaseForm):
    """A CSRF-protected button."""


class ForgotPasswordForm(BaseForm):
    email = EmailField(
        "Email", validators=[DataRequired("Enter your email address."), Length(max=254)], filters=[strip_filter]
    )


class SetPasswordForm(NewPasswordMixin, BaseForm):
    pass


class EmailChangeForm(BaseForm):
    new_email = EmailField(
        "New email address",
        validators=[DataRequired("Enter the new address."), Email("Enter a whole email address."), Length(max=254)],
        filters=[strip_filter],
    )


class TimeZoneForm(BaseForm):
    """The zone this person reads and types times in; "" is the practice's (choices set by the view)."""

    time_zone = ZoneSelectField(
        "Time zone",
        validate_choice=False,  # the service refuses an unknown zone with its own message
        description="Times on every page, and the times you type, are in this zone.",
        render_kw={"data-zone-search": ""},  # app.js adds a search box that filters the list
    )
