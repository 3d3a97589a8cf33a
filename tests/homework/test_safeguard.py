"""The homework safeguard: confirmation with a written reason, the pause on a flagged screen, the review box."""

import html
import re

import pytest
from sqlalchemy import select

import clinic.measures.safety
from clinic.audit.models import AuditEvent
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.homework import services
from clinic.homework.models import SAFEGUARD_PAUSE
from clinic.homework.safeguard import ConfirmationNeeded
from clinic.measures.signals import safety_screen_flagged
from tests.homework import support

REASON = "Fictional: reviewed in the individual sessions; both asked to keep it."


@pytest.fixture
def safeguard(monkeypatch, world):
    """Couples whose safeguard holds: add a couple's id (the measures domain decides that; here it is patched)."""
    held = set()
    monkeypatch.setattr(clinic.measures.safety, "safeguard_active", lambda couple: couple.id in held)
    return held


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _fields(error: DomainError) -> set:
    return {p.field for p in getattr(error, "problems", [error])}


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


# ---- services ------------------------------------------------------------------------------------


def test_assigning_under_the_safeguard_needs_the_tick_and_a_reason(world, safeguard):
    safeguard.add(world.couple.id)
    with pytest.raises(ConfirmationNeeded) as missing:
        support.assign(world, "problem-solving")
    assert _fields(missing.value) == {"confirm_risk", "risk_reason"}
    with pytest.raises(ConfirmationNeeded) as no_reason:
        support.assign(world, "problem-solving", confirmed=True, reason="ok")
    assert _fields(no_reason.value) == {"risk_reason"}
    assignment = support.assign(world, "problem-solving", confirmed=True, reason=REASON)
    assert assignment.risk_reason == REASON and assignment.risk_confirmed_by_id == world.therapist.id
    assert assignment.risk_confirmed_at is not None
    assert "assignment.risk_confirmed_assign" in _actions()


def test_no_confirmation_without_the_safeguard_or_for_calm_exercises(world, safeguard):
    safeguard.add(world.couple.id)
    calm = support.assign(world, "gratitude-exchange")
    assert calm.risk_confirmed_at is None
    safeguard.clear()
    risky = support.assign(world, "speaker-listener")
    assert risky.risk_confirmed_at is None and risky.risk_reason == ""


def test_confirmation_problems_come_with_the_other_field_problems(world, safeguard):
    safeguard.add(world.couple.id)
    data = {
        "who": "one",
        "partner_id": None,
        "starts_on": services.practice_today(),
        "due_on": None,
        "frequency_kind": "weekly",
        "times_per_week": 9,
        "note": "",
        "therapy_session_id": None,
    }
    with pytest.raises(ConfirmationNeeded) as error:
        services.create_assignment(world.couple, world.therapist, support.builtin("raw-spot-conversation"), data)
    assert _fields(error.value) == {"confirm_risk", "risk_reason", "partner_id", "times_per_week"}


def test_flagged_screen_pauses_only_active_conflict_raising_work_of_that_couple(world, safeguard):
    risky = support.assign(world, "speaker-listener")
    calm = support.assign(world, "caring-days")
    already = support.assign(world, "problem-solving")
    services.change_assignment_status(already, "pause")
    ended = support.assign(world, "raw-spot-conversation", kind="once")
    services.change_assignment_status(ended, "end")
    elsewhere = support.assign(world, "speaker-listener", couple=world.other_couple)
    safety_screen_flagged.send(world.couple, screen=None, by=world.partner_a)
    assert (risky.status, calm.status, already.status, ended.status, elsewhere.status) == (
        "paused",
        "active",
        "paused",
        "ended",
        "active",
    )
    assert risky.pauses[-1] == [services.practice_today().isoformat(), None, SAFEGUARD_PAUSE]
    assert risky.is_safety_paused and not already.is_safety_paused
    safety_screen_flagged.send(world.couple, screen=None, by=world.partner_a)  # again: nothing changes
    assert len(risky.pauses) == 1
    assert _actions().count("assignment.safety_paused") == 1


def test_resuming_a_safety_paused_assignment_needs_a_reason_while_the_safeguard_holds(world, safeguard):
    risky = support.assign(world, "speaker-listener")
    safety_screen_flagged.send(world.couple, screen=None, by=world.partner_a)
    safeguard.add(world.couple.id)
    with pytest.raises(ConfirmationNeeded):
        services.change_assignment_status(risky, "resume", world.therapist)
    assert risky.status == "paused"
    services.change_assignment_status(risky, "resume", world.therapist, confirmed=True, reason=REASON)
    assert risky.status == "active" and risky.risk_reason == REASON and not risky.is_safety_paused
    assert risky.pauses[-1][1] == services.practice_today().isoformat() and risky.pauses[-1][2] == SAFEGUARD_PAUSE
    assert "assignment.risk_confirmed_resume" in _actions()


def test_resume_without_the_safeguard_and_end_need_no_reason(world, safeguard):
    first = support.assign(world, "speaker-listener")
    second = support.assign(world, "problem-solving")
    safety_screen_flagged.send(world.couple, screen=None, by=world.partner_a)
    safeguard.add(world.couple.id)
    services.change_assignment_status(second, "end", world.therapist)
    assert second.status == "ended" and not second.is_safety_paused
    safeguard.clear()  # e.g. the therapist decided conjoint work is appropriate
    services.change_assignment_status(first, "resume", world.therapist)
    assert first.status == "active"


def test_editing_keeps_running_only_with_a_confirmation(world, safeguard):
    running = support.assign(world, "speaker-listener", days_ago=20, due_in=-2)  # its due date has passed
    safeguard.add(world.couple.id)
    data = {
        "starts_on": running.starts_on,
        "due_on": services.practice_today(),
        "frequency_kind": "daily",
        "times_per_week": None,
        "note": "",
        "therapy_session_id": None,
    }
    with pytest.raises(ConfirmationNeeded):
        services.update_assignment(running, running.version, dict(data), world.therapist)
    services.update_assignment(running, running.version, dict(data), world.therapist, confirmed=True, reason=REASON)
    assert running.risk_reason == REASON and "assignment.risk_confirmed_edit" in _actions()
    # confirmed and still running: a change of note needs no second confirmation
    services.update_assignment(running, running.version, {**data, "note": "Fictional"}, world.therapist)


def test_signal_with_a_real_screen_object_is_fine_too(world, safeguard):
    risky = support.assign(world, "reassurance-plan", kind="once")
    safety_screen_flagged.send(world.couple, screen=object(), by=world.partner_b)
    assert risky.is_safety_paused


# ---- views ---------------------------------------------------------------------------------------


def _assign_form(exercise_slug, **extra):
    today = services.practice_today()
    return {
        "exercise_id": str(support.builtin(exercise_slug).id),
        "who": "together",
        "starts_on": today.isoformat(),
        "frequency_kind": "daily",
        "note": "Fictional note kept",
        "form_token": "tok-safe-aaaaaaaaaaaaaaaa",
        **extra,
    }


def test_assign_page_shows_every_missing_part_next_to_its_field_and_keeps_the_input(client, world, login, safeguard):
    safeguard.add(world.couple.id)
    login(client, world.therapist)
    url = f"/couples/{world.couple.id}/homework/assign"
    response = client.post(url, data=_assign_form("problem-solving", starts_on=""))
    page = text(response)
    assert response.status_code == 422
    assert 'id="confirm_risk-error"' in page and 'id="risk_reason-error"' in page and 'id="starts_on-error"' in page
    assert "Fictional note kept" in page
    partial = client.post(url, data=_assign_form("problem-solving", confirm_risk="y"))
    assert partial.status_code == 422 and 'id="risk_reason-error"' in text(partial)
    box = re.search(r'<input[^>]*id="confirm_risk"[^>]*>', text(partial)).group(0)
    assert "checked" in box  # the tick is kept
    done = client.post(url, data=_assign_form("problem-solving", confirm_risk="y", risk_reason=REASON))
    assert done.status_code == 302
    assert "Problem-solving" not in text(client.get(done.headers["Location"])).split("<main")[0]


def test_review_box_resume_with_reason_and_end(client, world, login, safeguard):
    risky = support.assign(world, "speaker-listener")
    other = support.assign(world, "raw-spot-conversation", kind="once")
    safety_screen_flagged.send(world.couple, screen=None, by=world.partner_a)
    safeguard.add(world.couple.id)
    db.session.commit()
    login(client, world.therapist)
    page = text(client.get(f"/couples/{world.couple.id}/homework"))
    assert "Paused for safety review" in page and "Resume (with reason)" in page
    base = f"/couples/{world.couple.id}/homework/{risky.id}"
    plain = client.post(base + "/status", data={"action": "resume"})
    assert plain.status_code == 302 and plain.headers["Location"].endswith(base + "/resume")
    refused = client.post(base + "/resume", data={"risk_reason": ""})
    assert refused.status_code == 422
    assert 'id="confirm_risk-error"' in text(refused) and 'id="risk_reason-error"' in text(refused)
    ok = client.post(base + "/resume", data={"confirm_risk": "y", "risk_reason": REASON})
    assert ok.status_code == 302
    db.session.refresh(risky)
    assert risky.status == "active"
    detail = text(client.get(base))
    assert REASON in detail and world.therapist.name in detail
    ended = client.post(
        f"/couples/{world.couple.id}/homework/{other.id}/status",
        data={"action": "end", "next": f"/couples/{world.couple.id}/homework"},
    )
    assert ended.headers["Location"].endswith(f"/couples/{world.couple.id}/homework")
    assert "Paused for safety review" not in text(client.get(f"/couples/{world.couple.id}/homework"))
    login(client, world.partner_a)
    assert REASON not in text(client.get(f"/portal/homework/{risky.id}"))
    assert REASON not in text(client.get("/portal/homework"))


def test_no_review_box_without_safety_pauses(client, world, login):
    assignment = support.assign(world, "speaker-listener")
    services.change_assignment_status(assignment, "pause")
    db.session.commit()
    login(client, world.therapist)
    assert "Paused for safety review" not in text(client.get(f"/couples/{world.couple.id}/homework"))
