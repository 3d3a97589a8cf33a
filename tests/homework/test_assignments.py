"""Assigning homework: who, dates, frequency, sessions, the safety confirmation, edit, pause and end."""

import html
from datetime import timedelta

from sqlalchemy import func, select

from clinic.audit.models import AuditEvent
from clinic.extensions import db
from clinic.homework.models import Assignment
from clinic.homework.services import practice_today
from tests.homework import support


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _form(world, slug="speaker-listener", **overrides):
    today = practice_today()
    data = {
        "exercise_id": str(support.builtin(slug).id),
        "who": "together",
        "starts_on": today.isoformat(),
        "due_on": (today + timedelta(days=13)).isoformat(),
        "frequency_kind": "daily",
        "note": "Fictional: start with something light.",
        "form_token": "tok-assign-aaaaaaaaaaaaaaaa",
    }
    data.update(overrides)
    return data


def test_therapist_assigns_speaker_listener_to_both_daily(client, world, login):
    login(client, world.therapist)
    response = client.post(f"/couples/{world.couple.id}/homework/assign", data=_form(world))
    assert response.status_code == 302
    again = client.post(f"/couples/{world.couple.id}/homework/assign", data=_form(world))
    assert again.headers["Location"] == response.headers["Location"]  # double submit: one assignment
    assignment = db.session.scalar(select(Assignment))
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 1
    assert (assignment.who, assignment.frequency_kind, assignment.exercise.slug) == (
        "together",
        "daily",
        "speaker-listener",
    )
    page = client.get(f"/couples/{world.couple.id}/homework").get_data(as_text=True)
    assert "Speaker–listener practice" in page and "Both, together" in page
    assert (
        db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "assignment.created"))
        == 1
    )
    for user in (world.partner_a, world.partner_b):
        login(client, user)
        page = client.get("/portal/homework").get_data(as_text=True)
        assert "Speaker–listener practice" in page and "Due today" in page


def test_one_partner_assignment_is_only_seen_by_that_partner(client, world, login):
    a = world.couple.partner("a")
    login(client, world.therapist)
    missing = client.post(
        f"/couples/{world.couple.id}/homework/assign",
        data=_form(world, "self-care-plan", who="one", frequency_kind="once"),
    )
    assert missing.status_code == 422 and "Choose which partner" in text(missing)
    ok = client.post(
        f"/couples/{world.couple.id}/homework/assign",
        data=_form(
            world,
            "self-care-plan",
            who="one",
            partner_id=str(a.id),
            frequency_kind="once",
            form_token="tok-assign-bbbbbbbbbbbbbbbb",
        ),
    )
    assert ok.status_code == 302
    assignment = db.session.scalar(select(Assignment))
    login(client, world.partner_a)
    assert "My self-care plan" in client.get("/portal/homework").get_data(as_text=True)
    login(client, world.partner_b)
    assert "My self-care plan" not in client.get("/portal/homework").get_data(as_text=True)
    assert client.get(f"/portal/homework/{assignment.id}").status_code == 404


def test_bad_dates_and_frequency_are_refused_with_messages(client, world, login):
    login(client, world.therapist)
    today = practice_today()
    response = client.post(
        f"/couples/{world.couple.id}/homework/assign", data=_form(world, due_on=(today - timedelta(days=1)).isoformat())
    )
    assert response.status_code == 422 and "can't be before the start date" in text(response)
    response = client.post(
        f"/couples/{world.couple.id}/homework/assign", data=_form(world, frequency_kind="weekly", times_per_week="9")
    )
    assert response.status_code == 422 and "Between 1 and 7" in text(response)
    response = client.post(f"/couples/{world.couple.id}/homework/assign", data=_form(world, exercise_id=""))
    assert response.status_code == 422 and "Choose an exercise." in text(response)
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 0


def test_another_therapists_exercise_cannot_be_assigned(client, world, login):
    from clinic.homework.library import copy_exercise

    foreign = copy_exercise(world.other_therapist, support.builtin("caring-days"))
    db.session.commit()
    login(client, world.therapist)
    response = client.post(
        f"/couples/{world.couple.id}/homework/assign", data=_form(world, exercise_id=str(foreign.id))
    )
    assert response.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 0


def test_closed_couple_needs_confirmation_for_conflict_raising_exercises(client, world, login):
    world.couple.status = "closed"
    db.session.commit()
    login(client, world.therapist)
    url = f"/couples/{world.couple.id}/homework/assign"
    refused = client.post(url, data=_form(world, "problem-solving"))
    page = text(refused)
    assert refused.status_code == 422 and "this couple is closed" in page and "Tick the confirmation" in page
    calm = client.post(url, data=_form(world, "gratitude-exchange", form_token="tok-assign-cccccccccccccccc"))
    assert calm.status_code == 302  # not conflict-raising: no confirmation needed
    no_reason = client.post(
        url, data=_form(world, "problem-solving", confirm_risk="y", form_token="tok-assign-dddddddddddddddd")
    )
    assert no_reason.status_code == 422 and "Write why it can go ahead" in text(no_reason)
    confirmed = client.post(
        url,
        data=_form(
            world,
            "problem-solving",
            confirm_risk="y",
            risk_reason="Fictional: agreed in session, they asked for it.",
            form_token="tok-assign-dddddddddddddddd",
        ),
    )
    assert confirmed.status_code == 302
    risky = db.session.scalar(
        select(Assignment).join(Assignment.exercise).where(Assignment.risk_confirmed_at.is_not(None))
    )
    assert risky.exercise.slug == "problem-solving"


def test_safeguard_needs_confirmation(client, world, login, monkeypatch):
    import clinic.measures.safety

    flagged = world.couple.id
    monkeypatch.setattr(clinic.measures.safety, "safeguard_active", lambda couple: couple.id == flagged)
    login(client, world.therapist)
    refused = client.post(
        f"/couples/{world.couple.id}/homework/assign", data=_form(world, "raw-spot-conversation", frequency_kind="once")
    )
    assert refused.status_code == 422 and "safety safeguard is in place" in text(refused)
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 0


def test_edit_pause_resume_and_end(client, world, login):
    assignment = support.assign(world, "caring-days", kind="daily", days_ago=4)
    db.session.commit()
    base = f"/couples/{world.couple.id}/homework/{assignment.id}"
    login(client, world.therapist)
    edit = {
        "starts_on": assignment.starts_on.isoformat(),
        "frequency_kind": "weekly",
        "times_per_week": "3",
        "note": "Fictional: three times is plenty.",
        "version": str(assignment.version),
    }
    assert client.post(base + "/edit", data=edit).status_code == 302
    stale = client.post(base + "/edit", data={**edit, "note": "My stale note"})
    assert stale.status_code == 409 and "My stale note" in text(stale)
    db.session.refresh(assignment)
    assert assignment.times_per_week == 3 and assignment.note == "Fictional: three times is plenty."
    client.post(base + "/status", data={"action": "pause"})
    db.session.refresh(assignment)
    assert assignment.status == "paused" and assignment.pauses[-1][1] is None
    login(client, world.partner_a)
    assert "Paused by your therapist" in client.get("/portal/homework").get_data(as_text=True)
    login(client, world.therapist)
    client.post(base + "/status", data={"action": "resume"})
    client.post(base + "/status", data={"action": "end"})
    db.session.refresh(assignment)
    assert assignment.status == "ended" and assignment.ended_on == practice_today()
    response = client.post(base + "/status", data={"action": "resume"}, follow_redirects=True)
    assert "has ended" in text(response)


def test_start_date_cannot_move_past_the_first_entry(client, world, login):
    assignment = support.assign(world, "caring-days", days_ago=5)
    support.entry(assignment, world.couple.partner("a"), days_ago=4)
    db.session.commit()
    login(client, world.therapist)
    response = client.post(
        f"/couples/{world.couple.id}/homework/{assignment.id}/edit",
        data={"starts_on": practice_today().isoformat(), "frequency_kind": "daily", "version": str(assignment.version)},
    )
    assert response.status_code == 422 and "start can't be later" in text(response)
