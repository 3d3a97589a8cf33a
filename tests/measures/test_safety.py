"""The safety screen: positive rules, the partner's private flow, the clinician's alert and decision."""

import pytest
from sqlalchemy import select

from clinic.audit.models import AuditEvent
from clinic.extensions import db
from clinic.measures import safety
from clinic.measures.models import SafetyScreen
from clinic.measures.screen import NEUTRAL_TITLE, tier_v1
from tests.factories import PASSWORD
from tests.measures.helpers import NEGATIVE, POSITIVE, screen_for

NEVER = dict.fromkeys(("down", "hitting", "frightened", "abuse_physical", "abuse_emotional", "abuse_sexual"), "never")


@pytest.mark.parametrize(
    ("changes", "tier"),
    [
        ({"tension": "a_lot", "arguments": "great"}, "concern"),  # the short form alone is a concern now
        ({"tension": "a_lot", "arguments": "some"}, "none"),
        ({"tension": "some", "arguments": "great"}, "none"),
        ({"tension": "none", "arguments": "none", "hitting": "sometimes"}, "positive"),
        ({"tension": "none", "arguments": "none", "frightened": "often"}, "positive"),
        ({"tension": "none", "arguments": "none", "abuse_emotional": "sometimes"}, "positive"),
        ({"tension": "none", "arguments": "none", "abuse_sexual": "often"}, "positive"),
        ({"tension": "none", "arguments": "none", "down": "often"}, "none"),  # feeling down alone is not positive
        ({"tension": "some", "arguments": "some"}, "none"),
    ],
)
def test_wast_v1_answers_still_classify(changes, tier):
    assert tier_v1({**NEVER, **changes}).tier == tier


def test_incomplete_screen_cannot_be_scored():
    with pytest.raises(ValueError):
        tier_v1({"tension": "a_lot"})


def test_therapist_sends_to_one_partner_who_answers_under_a_neutral_title(client, world, login):
    login(client, world.therapist)
    assert client.post(f"/couples/{world.couple.id}/safety", data={"partner": "a"}).status_code == 302
    again = client.post(f"/couples/{world.couple.id}/safety", data={"partner": "a"}, follow_redirects=True)
    assert "already waiting" in again.get_data(as_text=True)
    (sent,) = db.session.scalars(select(SafetyScreen)).all()
    login(client, world.partner_a)
    today = client.get("/portal/").get_data(as_text=True)
    assert NEUTRAL_TITLE in today and f"/portal/check-in/{sent.id}" in today
    form = client.get(f"/portal/check-in/{sent.id}").get_data(as_text=True)
    assert NEUTRAL_TITLE in form and "safety" not in form.lower().replace("quick exit", "")


def test_half_filled_screen_is_refused_and_keeps_answers(client, world, login):
    sent = screen_for(world)
    login(client, world.partner_a)
    page = client.post(f"/portal/check-in/{sent.id}", data={"tension": "some", "hitting": "never"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert 'id="arguments-error"' in html and 'name="tension" value="some" checked' in html
    assert client.post(f"/portal/check-in/{sent.id}", data={**NEGATIVE, "hitting": "always"}).status_code == 422
    db.session.refresh(sent)
    assert sent.answered_at is None


def test_positive_screen_shows_resources_alerts_clinician_and_needs_a_decision(client, world, login, app):
    from clinic.settings import edit_practice_settings

    edit_practice_settings().crisis_resources = "Harbour Women's Shelter (fictional), 555-0199"
    sent = screen_for(world)
    login(client, world.partner_a)
    assert client.post(f"/portal/check-in/{sent.id}", data=POSITIVE).status_code == 302
    done = client.get(f"/portal/check-in/{sent.id}").get_data(as_text=True)
    assert "1-800-799-SAFE (7233)" in done and "555-0199" in done
    # A second submit changes nothing.
    client.post(f"/portal/check-in/{sent.id}", data=NEGATIVE)
    db.session.refresh(sent)
    assert sent.is_positive and sent.answers["tension"] == "a_lot"
    assert safety.has_open_safety_alert(world.couple)

    login(client, world.therapist)
    caseload = client.get("/caseload").get_data(as_text=True)
    assert "Positive safety screen" in caseload
    assert "Positive safety screen" in client.get(f"/couples/{world.couple.id}").get_data(as_text=True)
    url = f"/couples/{world.couple.id}/safety/{sent.id}"
    assert "A lot of tension" in client.get(url).get_data(as_text=True)
    assert client.post(url + "/decision", data={"decision": "hug"}).status_code == 422
    assert (
        client.post(
            url + "/decision",
            data={"decision": "individual_sessions", "note": "Seen alone.", "attest": "y", "password": PASSWORD},
        ).status_code
        == 302
    )
    assert safety.has_open_safety_alert(world.couple)  # the safeguard holds while the latest screen is positive
    assert "Positive safety screen" not in client.get("/caseload").get_data(as_text=True)
    assert client.post(url + "/decision", data={"decision": "referral"}).status_code == 422  # unsigned
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {
        "safety_screen.sent",
        "safety_screen.answered",
        "safety_screen.viewed",
        "safety_decision.recorded",
    } <= actions


def test_negative_screen_shows_no_alert_and_no_decision_needed(client, world, login):
    sent = screen_for(world, answers=NEGATIVE)
    assert not sent.is_positive and not safety.has_open_safety_alert(world.couple)
    login(client, world.partner_a)
    done = client.get(f"/portal/check-in/{sent.id}").get_data(as_text=True)
    assert "Thank you" in done and "7233" not in done
    login(client, world.therapist)
    url = f"/couples/{world.couple.id}/safety/{sent.id}/decision"
    assert client.post(url, data={"decision": "referral"}).status_code == 422  # unsigned


def test_reminder_until_both_partners_were_sent_a_screen(client, world, login):
    login(client, world.therapist)
    assert "Safety screen not yet sent to both partners." in client.get("/caseload").get_data(as_text=True)
    screen_for(world, "a")
    assert "not yet sent to both" in client.get("/caseload").get_data(as_text=True)
    screen_for(world, "b")
    assert "not yet sent to both" not in client.get("/caseload").get_data(as_text=True)


def test_other_partner_and_outsider_cannot_open_the_screen(client, world, login):
    sent = screen_for(world)
    for user in (world.partner_b, world.outsider):
        login(client, user)
        assert client.get(f"/portal/check-in/{sent.id}").status_code == 404
        assert client.post(f"/portal/check-in/{sent.id}", data=POSITIVE).status_code == 404
    db.session.refresh(sent)
    assert sent.answered_at is None
