"""Shape validation for booking, moving and cancelling appointments and for the calendar feed.

Whether a time exists, overlaps, or a series is too long is decided by the services."""

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    widgets,
)
from wtforms.validators import Length, Optional

from clinic.appointments.models import CANCELLED_BY, FREQUENCIES, WEEKDAYS
from clinic.appointments.services import Booking
from clinic.core.once import OnceField
from clinic.forms import BaseForm, VersionField, strip_filter
from clinic.sessions.models import FORMATS

TEXT = [strip_filter]


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class _When(BaseForm):
    starts_on = DateField("Date", validators=[Optional()])
    start_time = TimeField("Start time", validators=[Optional()], description="In your time zone.")
    minutes = IntegerField("Length (minutes)", default=50, validators=[Optional()])
    format = SelectField("Format", choices=FORMATS)
    location = StringField("Location (in person)", filters=TEXT, validators=[Length(max=200)])
    video_link = StringField("Video link", filters=TEXT, validators=[Length(max=300)])
    note_for_partners = TextAreaField(
        "Note for the partners",
        filters=TEXT,
        validators=[Length(max=1000)],
        description="Practical only (e.g. “use the side entrance”). Partners see it.",
    )
    confirm_overlap = BooleanField("Book anyway, even though it overlaps another appointment")

    def booking(self, **more) -> Booking:
        return Booking(
            starts_on=self.starts_on.data,
            start_time=self.start_time.data,
            minutes=self.minutes.data,
            format=self.format.data,
            location=self.location.data or "",
            video_link=self.video_link.data or "",
            note_for_partners=self.note_for_partners.data or "",
            confirm_overlap=bool(self.confirm_overlap.data),
            **more,
        )


class BookingForm(_When):
    attendees = SelectField("Who attends", choices={"both": "Both partners"})
    repeat = SelectField("Repeats", choices={"none": "Does not repeat", **FREQUENCIES})
    weekdays = MultiCheckboxField("Weekdays (for chosen weekdays)", choices=WEEKDAYS)
    until_on = DateField("Series ends on", validators=[Optional()])
    count = IntegerField("…or after this many appointments", validators=[Optional()])
    form_token = OnceField()

    def __init__(self, *args, couple=None, **kwargs):
        super().__init__(*args, **kwargs)
        if couple is not None:
            self.attendees.choices = {
                "both": "Both partners",
                **{p.position: f"{p.name} alone (individual)" for p in couple.partners},
            }

    def data_for_booking(self) -> Booking:
        return self.booking(
            attendees=self.attendees.data,
            repeat=self.repeat.data,
            weekdays=tuple(int(d) for d in self.weekdays.data or ()),
            until_on=self.until_on.data,
            count=self.count.data,
        )


class MoveForm(_When):
    scope = RadioField(
        "Change",
        choices={"this": "This appointment only", "following": "This and the following ones in the series"},
        default="this",
    )
    version = VersionField()


class CancelForm(BaseForm):
    by_whom = SelectField("Cancelled by", choices=CANCELLED_BY)
    reason = StringField("Reason (optional)", filters=TEXT, validators=[Length(max=300)])
    late = BooleanField("Late cancellation (less than 24 hours' notice)")


class FeedForm(BaseForm):
    show_initials = BooleanField("Show the couple's initials in my calendar")
