from wtforms import DateField, IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from clinic.forms import BaseForm


class TrailFilterForm(BaseForm):
    """GET filters for the audit page; every field optional."""

    class Meta:
        csrf = False

    user = SelectField("Person", validators=[Optional()], validate_choice=False)
    couple = IntegerField("Couple number", validators=[Optional(), NumberRange(1, 2**31 - 1)])
    action = SelectField("Action", validators=[Optional()], validate_choice=False)
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])
