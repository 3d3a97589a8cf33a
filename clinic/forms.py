"""The form base every domain uses: text fields refuse control characters and undecodable bytes."""

import re
from collections.abc import Mapping

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import ValidationError

# Tab, newline and carriage return are fine in text; every other C0/C1 control and NUL is not.
# U+FFFD is what undecodable (non-UTF-8) bytes become when the request is parsed.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")


def clean_text(value: str | None) -> str | None:
    """Strip surrounding whitespace and normalise line endings; None stays None."""
    if value is None:
        return None
    return value.replace("\r\n", "\n").strip()


def has_forbidden_characters(value: str) -> bool:
    return bool(_FORBIDDEN.search(value))


class BaseForm(FlaskForm):
    """FlaskForm plus a check, on every text field, for characters no person types."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The CSRF input needs no id, and with several forms on a page the same id would repeat.
        token = getattr(self, "csrf_token", None)
        if token is not None and hasattr(token, "render_kw"):
            token.render_kw = {**(token.render_kw or {}), "id": False}

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for field in self:
            if isinstance(field, StringField | TextAreaField) and isinstance(field.data, str):
                if has_forbidden_characters(field.data):
                    field.errors = [*field.errors, "Remove the invisible control characters from this text."]
                    ok = False
                limit = getattr(field.flags, "maxlength", None)
                if limit and len(field.data) > limit:
                    # Never cut: the text stays in the field and the message says how much to shorten.
                    message = f"This is {len(field.data):,} characters; keep it to {limit:,} or fewer."
                    field.errors = [e for e in field.errors if "longer than" not in str(e)] + [message]
        return ok


class ZoneSelectField(SelectField):
    """A time-zone select whose zones may be listed twice (under "Likely for this practice" and under
    their region): only the first option with the chosen value is marked selected, as HTML requires."""

    def iter_groups(self):
        seen = False
        for group, choices in super().iter_groups():
            kept = []
            for choice in choices:
                kept.append(choice._replace(selected=choice.selected and not seen))
                seen = seen or choice.selected
            yield group, kept

    def iter_choices(self):
        seen, kept = False, []
        for choice in super().iter_choices():
            kept.append(choice._replace(selected=choice.selected and not seen))
            seen = seen or choice.selected
        return kept


class VersionField(HiddenField):
    """Round-trips a record's version so a stale save is caught as an edit conflict."""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip().isdigit():
            self.data = int(valuelist[0])

    def _value(self):
        return str(self.data) if self.data is not None else ""


def attach_error(form, error) -> None:
    """Put a service's DomainError next to its field (answers are `a_<key>`), or at the top of the form.

    An error carrying several `problems` puts each one next to its own field, so every mistake shows at
    once: either a mapping field name -> message or a list of DomainErrors. A field inside a subform is
    named as WTForms prefixes it, e.g. "partner_a-risk" for `form.partner_a.risk`.
    """
    problems = getattr(error, "problems", None)
    if isinstance(problems, Mapping) and problems:
        for name, message in problems.items():
            _attach(form, name, message)
    elif problems:
        for problem in problems:
            attach_error(form, problem)
    else:
        _attach(form, error.field, error.message)


def _attach(form, name: str | None, message: str) -> None:
    for candidate in (name, f"a_{name}") if name else ():
        if (field := _find_field(form, candidate)) is not None:
            field.errors = [*field.errors, message]
            return
    form.form_message = " ".join(filter(None, (getattr(form, "form_message", None), message)))


def _find_field(form, name: str):
    """The field called `name` in `form`, looking inside subforms ("partner_a-risk"); None if absent."""
    if name in form:
        return form[name]
    prefix, _, rest = name.partition("-")
    if rest and prefix in form and hasattr(form[prefix], "form"):
        return _find_field(form[prefix].form, rest)
    return None


def strip_filter(value):
    return clean_text(value) if isinstance(value, str) else value


class EmailAddress:
    """Email syntax check with no DNS lookup (works offline); reserved test domains are allowed
    because the app sends no mail: the address is only a sign-in name."""

    def __init__(self, message: str = "Enter an email address like name@example.org."):
        self.message = message

    def __call__(self, form, field):
        from email_validator import EmailNotValidError, validate_email

        if not field.data:
            return
        try:
            validate_email(field.data, check_deliverability=False, test_environment=True)
        except EmailNotValidError:
            raise ValidationError(self.message) from None
