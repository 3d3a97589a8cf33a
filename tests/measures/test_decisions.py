"""Signed decisions by tier, the safeguard truth table, the flag signal, the follow-up checklist and re-screening."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from clinic.audit.models import AuditEvent
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.measures import safety
from clinic.measures.caseload import provide
from clinic.measures.models import SafetyDecision
from clinic.measures.screen import FOLLOW_UP_INDICATORS
from clinic.measures.signals import safety_screen_flagged
from tests.factories import PASSWORD
from tests.measures.helpers import CONCERN, NEGATIVE, NONE, POSITIVE, SEVERE, screen_for


def decide(world, found, choice, **extra):
    data = {"decision": choice, "attest": True, "password": PASSWORD, **extra}
    return safety.record_decision(world.couple, found, data, world.therapist)


def test_the_one_statement_safety_flag_agrees_with_the_safeguard_at_every_step(world):
    """The registry's safety flag (the note's risk check opens on it, #18) is safeguard_active in one statement."""
    from clinic.registry import safety_flag
    from tests.support.queries import counted_queries as counted

    def same() -> bool:
        db.session.expire_all()
        assert world.couple.id  # reloaded outside the count
        with counted() as statements:
            flag = safety_flag(world.couple)
        assert len([s for s in statements if s.startswith("SELECT")]) == 1, statements
        assert flag == safety.safeguard_active(world.couple)
        return flag

    assert not same()
    calm_a = screen_for(world, "a", NONE)
    assert not same()
    concern_b = screen_for(world, "b", CONCERN)
    assert same()
    decide(world, concern_b, "conjoint_appropriate")
    assert not same()
    decide(world, calm_a, "conjoint_with_safety_plan")
    assert same()
    decide(world, calm_a, "conjoint_appropriate")
    assert not same()
    flagged = screen_for(world, "a", POSITIVE)
    assert same()
    decide(world, flagged, "conjoint_with_safety_plan")
    assert same()
    newer = screen_for(world, "a", NEGATIVE)
    assert same()
    decide(world, newer, "conjoint_appropriate")
    assert not same()


@pytest.mark.parametrize(
    ("answers", "conjoint_ok"), [(NONE, True), (CONCERN, True), (POSITIVE, False), (SEVERE, False)]
)
def test_conjoint_appropriate_is_only_for_none_or_concern(world, answers, conjoint_ok):
    found = screen_for(world, answers=answers)
    assert ("conjoint_appropriate" in safety.allowed_decisions(found.tier)) is conjoint_ok
    if conjoint_ok:
        assert decide(world, found, "conjoint_appropriate").tier == found.tier
    else:
        with pytest.raises(DomainError) as refused:
            decide(world, found, "conjoint_appropriate")
        assert refused.value.field == "decision"


def test_severe_refuses_conjoint_without_a_written_reason_and_audits_an_override(world):
    found = screen_for(world, answers=SEVERE)
    with pytest.raises(DomainError) as refused:
        decide(world, found, "conjoint_with_safety_plan", override_reason="   ")
    assert refused.value.field == "override_reason"
    made = decide(world, found, "conjoint_with_safety_plan", override_reason="Victim asked for it; plan in place.")
    assert made.override_reason.startswith("Victim asked")
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.record_id == made.id)))
    assert {"safety_decision.recorded", "safety_decision.severe_override"} <= set(actions)
    assert decide(world, found, "individual_sessions").override_reason == ""


def test_other_partners_higher_tier_limits_the_options(world):
    screen_for(world, "b", SEVERE)
    calm = screen_for(world, "a", NONE)
    with pytest.raises(DomainError):
        decide(world, calm, "conjoint_with_safety_plan")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"attest": False}, "attest"),
        ({"password": "nope"}, "password"),
        ({"password": ""}, "password"),
        ({"decision": "hug"}, "decision"),
    ],
)
def test_a_decision_must_be_attested_and_signed_with_the_password(world, changes, field):
    found = screen_for(world, answers=POSITIVE)
    with pytest.raises(DomainError) as refused:
        decide(world, found, "referral", **changes)
    assert refused.value.field == field


def test_history_is_kept_and_a_revision_is_a_new_entry(world):
    found = screen_for(world, answers=POSITIVE)
    decide(world, found, "referral", note="Referred to a programme.")
    decide(world, found, "individual_sessions")
    db.session.expire_all()
    assert [d.decision for d in found.decisions] == ["individual_sessions", "referral"]
    assert found.latest_decision.decision == "individual_sessions" and not found.needs_decision


def test_safeguard_truth_table(world):
    assert not safety.safeguard_active(world.couple)  # nothing answered
    calm_a = screen_for(world, "a", NONE)
    assert not safety.safeguard_active(world.couple)
    concern_b = screen_for(world, "b", CONCERN)
    assert safety.safeguard_active(world.couple)  # a concern awaits a decision
    decide(world, concern_b, "conjoint_appropriate")
    assert not safety.safeguard_active(world.couple)
    decide(world, calm_a, "conjoint_with_safety_plan")
    assert safety.safeguard_active(world.couple)  # the latest decision is not "appropriate"
    decide(world, calm_a, "conjoint_appropriate")
    assert not safety.safeguard_active(world.couple)
    flagged = screen_for(world, "a", POSITIVE)
    assert safety.safeguard_active(world.couple)
    decide(world, flagged, "conjoint_with_safety_plan")
    assert safety.safeguard_active(world.couple)  # latest answered is positive, whatever was decided
    newer = screen_for(world, "a", NEGATIVE)
    assert safety.has_open_safety_alert(world.couple)  # latest decision still "with a safety plan"
    decide(world, newer, "conjoint_appropriate")
    assert not safety.safeguard_active(world.couple)


@pytest.mark.parametrize(
    ("answers", "sent"), [(NONE, False), (NEGATIVE, False), (CONCERN, False), (POSITIVE, True), (SEVERE, True)]
)
def test_flag_signal_is_sent_exactly_on_positive_or_severe(world, answers, sent):
    received = []

    def receiver(couple, **kwargs):
        received.append((couple, kwargs))

    safety_screen_flagged.connect(receiver)
    try:
        found = screen_for(world, answers=answers)
    finally:
        safety_screen_flagged.disconnect(receiver)
    assert bool(received) is sent
    if sent:
        ((couple, kwargs),) = received
        assert couple.id == world.couple.id and kwargs["screen"] is found and kwargs["by"] is world.partner_a
        assert found.answers  # flushed before the signal


def test_follow_up_saves_and_a_stale_version_is_a_conflict(world):
    found = screen_for(world, answers=POSITIVE)
    answers = dict.fromkeys(FOLLOW_UP_INDICATORS, "unknown")
    saved = safety.save_follow_up(found, None, answers, "First talk.", world.therapist)
    assert saved.version == 1
    safety.save_follow_up(found, 1, {**answers, "gun_access": "yes"}, "Second.", world.therapist)
    with pytest.raises(DomainError):
        safety.save_follow_up(found, 1, answers, "Stale.", world.therapist)
    negative = screen_for(world, "b", NEGATIVE)
    with pytest.raises(DomainError):
        safety.save_follow_up(negative, None, answers, "", world.therapist)


def test_stale_follow_up_save_is_a_409_that_keeps_the_text(client, world, login):
    found = screen_for(world, answers=POSITIVE)
    safety.save_follow_up(found, None, dict.fromkeys(FOLLOW_UP_INDICATORS, "no"), "Mine.", world.therapist)
    login(client, world.therapist)
    url = f"/couples/{world.couple.id}/safety/{found.id}/follow-up"
    form = {**dict.fromkeys(FOLLOW_UP_INDICATORS, "yes"), "notes": "Typed while someone else saved.", "version": "0"}
    page = client.post(url, data=form)
    html = page.get_data(as_text=True)
    assert page.status_code == 409 and "Typed while someone else saved." in html and "Nothing was overwritten" in html
    assert client.post(url, data={**form, "version": "1"}).status_code == 302
    missing = client.post(url, data={"notes": "x", "version": "2"})
    assert missing.status_code == 422 and 'id="gun_access-error"' in missing.get_data(as_text=True)


def test_decision_errors_show_next_to_their_field(client, world, login):
    found = screen_for(world, answers=SEVERE)
    login(client, world.therapist)
    url = f"/couples/{world.couple.id}/safety/{found.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Severe" in page and "Strangulation or choking (received)" in page and "Received (partner" in page
    refused = client.post(
        url + "/decision", data={"decision": "conjoint_with_safety_plan", "attest": "y", "password": PASSWORD}
    )
    assert refused.status_code == 422 and 'id="override_reason-error"' in refused.get_data(as_text=True)
    wrong = client.post(url + "/decision", data={"decision": "individual_sessions", "attest": "y", "password": "x"})
    assert wrong.status_code == 422 and 'id="password-error"' in wrong.get_data(as_text=True)
    done = client.post(
        url + "/decision",
        data={"decision": "individual_sessions", "attest": "y", "password": PASSWORD},
        follow_redirects=True,
    )
    assert "Saved." in done.get_data(as_text=True)
    assert db.session.scalar(select(SafetyDecision.decision)) == "individual_sessions"


def _alerts(world):
    return provide([world.couple])[world.couple.id].alerts


def test_rescreen_alert_when_due(world, app):
    from clinic.db import utcnow
    from clinic.sessions.models import TherapySession
    from clinic.settings import edit_practice_settings

    name_a = world.couple.partner("a").name
    assert f"Safety screen due for {name_a}." not in _alerts(world)
    db.session.add(
        TherapySession(
            couple_id=world.couple.id,
            number=1,
            starts_at=utcnow(),
            kind="conjoint",
            model="efct",
            recorded_by_id=world.therapist.id,
        )
    )
    db.session.flush()
    assert f"Safety screen due for {name_a}." in _alerts(world)  # never answered, conjoint work recorded
    edit_practice_settings().screen_before_conjoint = False
    assert f"Safety screen due for {name_a}." not in _alerts(world)
    found = screen_for(world, "a", NONE)
    found.answered_at = utcnow() - timedelta(days=91)
    db.session.flush()
    assert f"Safety screen due for {name_a}." in _alerts(world)
    edit_practice_settings().rescreen_days = 0
    assert f"Safety screen due for {name_a}." not in _alerts(world)
    edit_practice_settings().rescreen_days = 120
    assert f"Safety screen due for {name_a}." not in _alerts(world)


def test_rescreen_settings_on_the_admin_page(client, world, login):
    from clinic.settings import edit_practice_settings

    login(client, world.admin)
    data = {
        "practice_name": "Fictional Practice",
        "time_zone": "Europe/Berlin",
        "paper_size": "a4",
        "idle_timeout_minutes": "20",
        "quick_exit_url": "https://www.weather.gov/",
        "version": "1",
    }
    assert "Re-screen for safety every" in client.get("/admin/settings").get_data(as_text=True)
    assert client.post("/admin/settings", data={**data, "rescreen_days": "-1"}).status_code == 422
    assert (
        client.post("/admin/settings", data={**data, "rescreen_days": "30", "screen_before_conjoint": "y"}).status_code
        == 302
    )
    settings = edit_practice_settings()
    db.session.refresh(settings)
    assert settings.rescreen_days == 30 and settings.screen_before_conjoint
