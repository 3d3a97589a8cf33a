"""Double-submit protection for create forms.

A create form carries a random `form_token` (OnceField). The first submit claims it and records
where its result lives; a repeated submit of the same form is sent to that result instead of
creating a second record.
"""

import re
import secrets

from flask import abort
from wtforms import HiddenField

from clinic.core.models import SubmissionToken
from clinic.extensions import db

USED_ELSEWHERE = "This form has already been sent from another account. Reload the page and fill it in again."
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class OnceField(HiddenField):
    """Hidden field holding a fresh token each time the form is first rendered."""

    def process(self, formdata, data=None, extra_filters=None):
        super().process(formdata, data, extra_filters)
        if not self.data:
            self.data = secrets.token_urlsafe(24)


def already_done(token: str | None, user) -> str | None:
    """Where the first submit of this form went, if this token was used before by this user.

    A token someone else already used is a 400 with a plain message (it can only come from a copied
    or forged form); nothing is saved.
    """
    if not token or not _TOKEN.match(token):
        return None
    claimed = db.session.get(SubmissionToken, token)
    if claimed is None:
        return None
    if claimed.user_id != user.id:
        abort(400, description=USED_ELSEWHERE)
    return claimed.result_url or "/"


def claim(token: str | None, user, result_url: str) -> None:
    """Mark this form token as used; call in the same transaction that creates the record."""
    if token and _TOKEN.match(token):
        db.session.add(SubmissionToken(token=token, user_id=user.id, result_url=result_url))
        db.session.flush()
