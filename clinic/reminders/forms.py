from wtforms import BooleanField, SelectField

from clinic.forms import BaseForm, ZoneSelectField

HOURS: dict[int | str, str] = {h: f"{h:02d}:00" for h in range(24)}
QUIET: dict[int | str, str] = {"": "No quiet hours", **HOURS}


def _hour_or_none(value):
    return int(value) if value not in (None, "") else None


class PreferenceForm(BaseForm):
    homework = BooleanField("Homework due today or overdue")
    questionnaires = BooleanField("A questionnaire waiting for you")
    appointments = BooleanField("A session coming up (later today or tomorrow)")
    send_hour = SelectField("Time of day", choices=HOURS, coerce=int, default=18)
    quiet_from = SelectField("Quiet from", choices=QUIET, coerce=_hour_or_none, validate_choice=False)
    quiet_until = SelectField("Quiet until", choices=QUIET, coerce=_hour_or_none, validate_choice=False)
    time_zone = ZoneSelectField("Your time zone", validate_choice=False, render_kw={"data-zone-search": ""})
