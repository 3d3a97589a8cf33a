"""Issue #15: session records that can be corrected. Details editable until the note is signed; "entered in
error" keeps the session (struck through) but leaves it out of the caseload and the course; a note can't be
signed before its session has started; "Last session" never shows a future date."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from clinic.audit.models import AuditEvent
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.registry import caseload_info
from clinic.sessions import services
from clinic.sessions.course import compute_course
from clinic.sessions.models import NoteLocked
from tests.conftest import login_as
from tests.factories import PASSWORD
from tests.sessions.helpers import COMPLETE, new_session


def _details(**more):
    return {
        "starts_at": datetime(2026, 3, 2, 15, 0, tzinfo=UTC),
        "minutes": 45,
        "format": "phone",
        "kind": "individual",
        "individual_partner": "b",
        "attendance": "attended",
        **more,
    }


def test_details_editable_until_the_note_is_signed(world):
    ts = new_session(world.couple, world.therapist, answers=COMPLETE["efct"])
    services.edit_details(ts, _details(), world.therapist)
    assert (ts.minutes, ts.format, ts.kind, ts.individual_partner.position) == (45, "phone", "individual", "b")
    services.sign_note(ts.progress_note, world.therapist, PASSWORD, True)
    with pytest.raises(NoteLocked):
        services.edit_details(ts, _details(minutes=30), world.therapist)


def test_a_note_cannot_be_signed_before_its_session_starts(world):
    ts = new_session(world.couple, world.therapist, days_ago=-6, answers=COMPLETE["efct"])
    with pytest.raises(DomainError) as raised:
        services.sign_note(ts.progress_note, world.therapist, PASSWORD, True)
    assert "hasn't started" in raised.value.problems["session"]
    assert not ts.progress_note.is_signed


def test_last_session_never_shows_a_future_date(world):
    new_session(world.couple, world.therapist, days_ago=3)
    new_session(world.couple, world.therapist, days_ago=-6)
    db.session.commit()
    last = caseload_info([world.couple])[world.couple.id].facts["Last session"]
    assert "(#1)" in last


def test_entered_in_error_is_kept_audited_and_left_out(app, world):
    kept = new_session(world.couple, world.therapist, days_ago=5, answers=COMPLETE["efct"], sign=True)
    wrong = new_session(world.couple, world.therapist, days_ago=2, answers=COMPLETE["efct"], sign=True)
    with pytest.raises(DomainError):
        services.mark_entered_in_error(wrong, "  ", world.therapist)
    services.mark_entered_in_error(wrong, "Recorded for the wrong couple", world.therapist)
    db.session.commit()
    assert "(#1)" in caseload_info([world.couple])[world.couple.id].facts["Last session"]
    course = compute_course(world.couple)
    assert [s.id for s in course.sessions] == [kept.id]
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.record_id == wrong.id)).all()
    assert "therapy_session.entered_in_error" in actions
    client = app.test_client()
    login_as(client, world.therapist)
    listing = client.get(f"/couples/{world.couple.id}/sessions").get_data(as_text=True)
    assert f"<s>Session {wrong.number}</s>" in listing and "entered in error" in listing
    page = client.get(f"/sessions/{wrong.id}").get_data(as_text=True)
    assert "Recorded for the wrong couple" in page
    assert kept.entered_in_error_at is None


def test_details_form_through_the_app(app, world):
    ts = new_session(world.couple, world.therapist)
    db.session.commit()
    client = app.test_client()
    login_as(client, world.therapist)
    bad = client.post(
        f"/sessions/{ts.id}/details",
        data={"starts_at": "", "minutes": "0", "format": "phone", "kind": "conjoint", "attendance": "attended"},
    )
    assert bad.status_code == 422 and 'id="starts_at-error"' in bad.get_data(as_text=True)
    ok = client.post(
        f"/sessions/{ts.id}/details",
        data={
            "starts_at": "2026-03-02T10:00",
            "minutes": "40",
            "format": "phone",
            "kind": "conjoint",
            "attendance": "attended",
        },
    )
    assert ok.status_code == 302
    db.session.expire_all()
    assert services.get_session_for(world.therapist, ts.id).minutes == 40
