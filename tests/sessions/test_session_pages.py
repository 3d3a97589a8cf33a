"""Recording sessions: numbering, the model default, validation, newest-first pagination, audit."""

from sqlalchemy import select

from clinic.audit.models import AuditEvent
from clinic.extensions import db
from clinic.sessions.models import TherapySession
from tests.sessions.helpers import new_session

FORM = {
    "starts_at": "2026-03-02T10:00",
    "minutes": "50",
    "format": "video",
    "kind": "conjoint",
    "attendance": "attended",
    "model": "cbct",
}


def test_record_session_numbers_it_and_opens_a_draft_note(client, world, login):
    login(client, world.therapist)
    page = client.get(f"/couples/{world.couple.id}/sessions")
    assert page.status_code == 200
    assert 'selected value="efct"' in page.text  # the note template defaults to the couple's model
    first = client.post(f"/couples/{world.couple.id}/sessions", data=FORM)
    second = client.post(f"/couples/{world.couple.id}/sessions", data={**FORM, "starts_at": "2026-03-09T10:00"})
    assert first.status_code == second.status_code == 302
    sessions = db.session.scalars(select(TherapySession).order_by(TherapySession.number)).all()
    assert [s.number for s in sessions] == [1, 2]
    assert sessions[0].model == "cbct" and sessions[0].format == "video"
    assert sessions[0].progress_note.template == "cbct" and not sessions[0].progress_note.is_signed
    assert first.headers["Location"].endswith(f"/sessions/{sessions[0].id}/note")
    # 10:00 in the practice's zone (America/New_York, EST in March before the switch) is 15:00 UTC
    assert sessions[0].starts_at.hour == 15


def test_double_submit_records_one_session(client, world, login):
    login(client, world.therapist)
    data = {**FORM, "form_token": "tok-abcdefghijklmnopqrstuv"}
    client.post(f"/couples/{world.couple.id}/sessions", data=data)
    again = client.post(f"/couples/{world.couple.id}/sessions", data=data)
    assert again.status_code == 302
    assert db.session.scalar(select(db.func.count()).select_from(TherapySession)) == 1


def test_invalid_session_form_is_refused_with_messages(client, world, login):
    login(client, world.therapist)
    bad = {**FORM, "minutes": "0", "kind": "individual", "format": "carrier-pigeon"}
    response = client.post(f"/couples/{world.couple.id}/sessions", data=bad)
    assert response.status_code == 422
    assert "Use a length from 5 to 480 minutes." in response.text
    assert "Choose the partner this individual session was with." in response.text
    assert "Not a valid choice" in response.text
    assert db.session.scalar(select(db.func.count()).select_from(TherapySession)) == 0


def test_individual_session_names_the_partner(client, world, login):
    login(client, world.therapist)
    client.post(f"/couples/{world.couple.id}/sessions", data={**FORM, "kind": "individual", "individual_partner": "b"})
    therapy_session = db.session.scalar(select(TherapySession))
    assert therapy_session.individual_partner_id == world.couple.partner("b").id
    page = client.get(f"/couples/{world.couple.id}/sessions")
    assert f"Individual with {world.couple.partner('b').name}" in page.text


def test_list_is_newest_first_and_paginated(make_app, world, login):
    app = make_app(PER_PAGE=2)
    for days in (30, 20, 10):
        new_session(world.couple, world.therapist, days_ago=days)
    db.session.commit()
    client = app.test_client()
    login(client, world.therapist)
    page1 = client.get(f"/couples/{world.couple.id}/sessions").text
    assert page1.index("Session 3") < page1.index("Session 2") and "Session 1<" not in page1
    assert "Page 1 of 2" in page1
    page2 = client.get(f"/couples/{world.couple.id}/sessions?page=2").text
    assert "Session 1" in page2


def test_viewing_a_session_is_audited_with_ids_only(client, world, login):
    therapy_session = new_session(world.couple, world.therapist, answers={"observations": "Secret words"})
    login(client, world.therapist)
    client.get(f"/sessions/{therapy_session.id}")
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "therapy_session.viewed" in actions and "progress_note.viewed" in actions
    rows = db.session.scalars(select(AuditEvent)).all()
    assert all("Secret" not in str(vars(row)) for row in rows)
