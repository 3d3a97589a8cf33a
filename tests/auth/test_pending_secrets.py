"""A form sent after a timeout is kept for the user, but never the passwords or codes in it."""

import time

from clinic.auth.models import PendingSubmission
from clinic.extensions import db


def test_timed_out_form_is_kept_without_its_secrets(client, world, login):
    login(client, world.therapist)
    with client.session_transaction() as session:
        session["_seen_at"] = int(time.time()) - 3 * 3600
    response = client.post(
        "/account",
        data={
            "current_password": "secret-one",
            "new_password": "secret-two",
            "confirm_password": "secret-two",
            "note": "kept words",
        },
        headers={"Referer": "http://clinic.test/account"},
    )
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    kept = db.session.scalars(db.select(PendingSubmission)).all()
    assert len(kept) == 1 and kept[0].form_data == {"note": "kept words"}
