"""In-office mode: the therapist's browser is locked to the neutral screen until the therapist's password."""

from sqlalchemy import select

from clinic.audit.models import AuditEvent
from clinic.extensions import db
from clinic.measures.models import SafetyScreen
from clinic.measures.screen import NEUTRAL_TITLE
from clinic.measures.signals import safety_screen_flagged
from tests.factories import PASSWORD
from tests.measures.helpers import SEVERE


def start(client, world, position="b"):
    response = client.post(f"/couples/{world.couple.id}/safety/office", data={"partner": position})
    assert response.status_code == 302 and response.headers["Location"].endswith("/safety/office")


def test_office_mode_locks_every_other_route_until_the_password(client, world, login):
    login(client, world.therapist)
    start(client, world)
    page = client.get("/safety/office").get_data(as_text=True)
    assert NEUTRAL_TITLE in page and "Caseload" not in page and world.couple.partner("b").name not in page
    for url in ("/caseload", f"/couples/{world.couple.id}", f"/couples/{world.couple.id}/measures", "/auth/account"):
        locked = client.get(url)
        assert locked.status_code == 423 and NEUTRAL_TITLE in locked.get_data(as_text=True), url
    # A POST elsewhere changes nothing either.
    assert client.post(f"/couples/{world.couple.id}/safety", data={"partner": "a"}).status_code == 423
    assert db.session.scalar(select(db.func.count()).select_from(SafetyScreen)) == 1

    half = client.post("/safety/office", data={"tension": "some"})
    assert half.status_code == 422 and 'name="tension" value="some" checked' in half.get_data(as_text=True)

    flagged = []

    def receiver(couple, **kw):
        flagged.append(kw["by"].id)

    safety_screen_flagged.connect(receiver)
    try:
        assert client.post("/safety/office", data=SEVERE).status_code == 302
    finally:
        safety_screen_flagged.disconnect(receiver)
    assert flagged == [world.therapist.id]
    done = client.get("/safety/office").get_data(as_text=True)
    assert "Thank you, please hand the device back" in done
    assert "Severe" not in done and "Strangulation" not in done and "7233" not in done
    assert client.get("/caseload").status_code == 423

    wrong = client.post("/safety/office/unlock", data={"password": "not it"})
    assert wrong.status_code == 422 and 'id="password-error"' in wrong.get_data(as_text=True)
    assert client.get("/caseload").status_code == 423
    unlocked = client.post("/safety/office/unlock", data={"password": PASSWORD})
    assert unlocked.status_code == 302 and "/safety/" in unlocked.headers["Location"]
    assert client.get("/caseload").status_code == 200

    found = db.session.scalar(select(SafetyScreen))
    assert found.method == "office" and found.tier == "severe" and found.partner.position == "b"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "safety_screen.answered_in_office"))
    assert event.actor_id == world.therapist.id and event.record_id == found.id
    assert "Severe safety screen" in client.get("/caseload").get_data(as_text=True)


def test_partner_sees_nothing_of_an_office_screen(client, world, login):
    login(client, world.therapist)
    start(client, world, "a")
    client.post("/safety/office", data=SEVERE)
    client.post("/safety/office/unlock", data={"password": PASSWORD})
    for partner in (world.partner_a, world.partner_b):
        login(client, partner)
        today = client.get("/portal/").get_data(as_text=True)
        assert NEUTRAL_TITLE not in today and "/portal/check-in/" not in today


def test_office_mode_answers_a_screen_already_waiting(client, world, login):
    login(client, world.therapist)
    client.post(f"/couples/{world.couple.id}/safety", data={"partner": "a"})
    start(client, world, "a")
    assert db.session.scalar(select(db.func.count()).select_from(SafetyScreen)) == 1


def test_therapist_can_end_office_mode_before_an_answer_with_the_password(client, world, login):
    login(client, world.therapist)
    start(client, world)
    assert "end without answers" in client.get("/safety/office").get_data(as_text=True)
    assert client.post("/safety/office/unlock", data={"password": ""}).status_code == 422
    assert client.get("/caseload").status_code == 423
    assert client.post("/safety/office/unlock", data={"password": PASSWORD}).status_code == 302
    assert client.get("/caseload").status_code == 200
    assert db.session.scalar(select(SafetyScreen)).answered_at is None
