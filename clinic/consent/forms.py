from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from clinic.forms import BaseForm, VersionField, strip_filter

TEXT = [strip_filter]


class SignForm(BaseForm):
    typed_name = StringField(
        "Type your full name to sign",
        validators=[DataRequired("Type your full name to sign."), Length(max=120)],
        filters=TEXT,
    )
    confirmed = BooleanField("I have read this document and I agree to it.")
    content_hash = HiddenField()


class ActivateForm(BaseForm):
    reason = TextAreaField(
        "Reason to start before every document is signed",
        validators=[Optional(), Length(max=2000)],
        filters=TEXT,
        description="Needed only when a signature is missing. It is kept in the record and the audit trail.",
    )
    version = VersionField()


class DocumentForm(BaseForm):
    title = StringField("Title", validators=[DataRequired("Give the document a title."), Length(max=160)], filters=TEXT)
    body = TextAreaField(
        "Text (Markdown)",
        validators=[DataRequired("Write the document's text."), Length(max=40_000)],
        filters=TEXT,
        description="Headings with ##, lists with -, bold with **two stars**. Saving a changed text asks every "
        "partner to sign again.",
    )
