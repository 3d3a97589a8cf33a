"""The audit trail in words (#16) and client names hidden from a non-clinical administrator (#19 item 10)."""

import csv
import io

from sqlalchemy import select

from clinic.audit.services import record
from clinic.extensions import db
from clinic.supervision.models import NameAccess
from tests.sessions.helpers import COMPLETE, new_session


def _viewed_note(world):
    ts = new_session(world.couple, world.therapist, answers=COMPLETE["efct"], sign=True)
    for _ in range(3):
        ts = new_session(world.couple, world.therapist)
    record("progress_note.viewed", ts.progress_note, actor=world.therapist)
    record("auth.login", record_type="user", record_id=world.partner_a.id, actor=world.partner_a)
    db.session.commit()
    return ts


def test_admin_reads_events_in_words_with_couples_by_reference(client, world, login):
    _viewed_note(world)
    login(client, world.admin)
    page = client.get("/admin/audit/").text
    ref = f"#R-{world.couple.id}"
    assert f"Dr. Test Owner viewed the progress note of session 4 for couple {ref}, " in page
    assert f"Partner A of couple {ref} signed in" in page
    for name in ("Owner Couple", world.partner_a.name, world.partner_b.name):
        assert name not in page  # neither in the rows nor in the person filter
    filtered = client.get(
        f"/admin/audit/?couple={world.couple.id}&action=progress_note.viewed&user={world.therapist.id}"
    )
    assert filtered.status_code == 200 and "1 entry." in filtered.text


def test_break_glass_needs_a_reason_is_audited_and_shows_names(client, world, login):
    _viewed_note(world)
    login(client, world.admin)
    refused = client.post("/admin/audit/names", data={"reason": "short"})
    assert refused.status_code == 422 and "Give a reason of 10 to 300 characters." in refused.text
    assert 'value="short"' in refused.text  # typed text kept
    assert db.session.scalars(select(NameAccess)).first() is None
    assert client.post("/admin/audit/names", data={"reason": "Handling a complaint (fictional)."}).status_code == 302
    page = client.get("/admin/audit/").text
    assert f"Owner Couple (#R-{world.couple.id})" in page and world.partner_a.name in page
    assert "Admin Test showed client names in the audit trail" in page
    assert db.session.scalars(select(NameAccess)).one().reason == "Handling a complaint (fictional)."
    client.post("/admin/audit/names/end")
    assert "Owner Couple" not in client.get("/admin/audit/").text


def test_a_therapist_with_admin_rights_sees_names(client, world, login):
    _viewed_note(world)
    world.therapist.is_admin = True
    db.session.commit()
    login(client, world.therapist)
    assert "Owner Couple" in client.get("/admin/audit/").text


def test_csv_export_follows_filters_and_hides_names(client, world, login):
    _viewed_note(world)
    world.partner_a.name = "=HYPERLINK(1)"
    db.session.commit()
    login(client, world.admin)
    response = client.get(f"/admin/audit/export.csv?couple={world.couple.id}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:4] == ["When", "Who", "Role", "What happened"]
    assert any("viewed the progress note of session 4" in r[3] for r in rows[1:])
    assert "Owner Couple" not in response.text and "HYPERLINK" not in response.text
    client.post("/admin/audit/names", data={"reason": "Records request (fictional)."})
    named = client.get("/admin/audit/export.csv").text
    assert "'=HYPERLINK(1)" in named  # never a formula in a spreadsheet


def test_account_changes_read_as_sentences(client, world, login):
    """Email changes, resets and second-factor events have their own words, not the generic fallback."""
    record("user.email_changed", record_type="user", record_id=world.therapist.id, actor=world.therapist)
    record("auth.password_reset_requested", record_type="user", record_id=world.therapist.id, actor=world.therapist)
    db.session.commit()
    login(client, world.admin)
    page = client.get("/admin/audit/").text
    assert "Dr. Test Owner confirmed a new sign-in email for Dr. Test Owner" in page
    assert "Dr. Test Owner asked for a password reset email" in page
    assert "email changed the user" not in page
