"""A practice setting lets email greet partners by first name (#14); off by default, never more."""

from clinic.extensions import db
from clinic.settings import edit_practice_settings
from tests.factories import make_couple
from tests.mail.conftest import html_of, text_of


def _invite(smtp_app, world, login):
    couple = make_couple(world.therapist, join=False)
    partner = couple.partner("a")
    partner.name = "Marisol Quennell"  # fictional
    therapist = smtp_app.test_client()
    login(therapist, world.therapist)
    response = therapist.post(f"/couples/{couple.id}/partners/{partner.id}/invite", data={"delivery": "email"})
    assert response.status_code == 302
    return partner


def test_by_default_a_partner_is_greeted_without_a_name(smtp_app, smtp_server, world, login):
    _invite(smtp_app, world, login)
    [message] = smtp_server.messages
    assert "Hello," in text_of(message) and "<p>Hello,</p>" in html_of(message)
    for word in ("Marisol", "Quennell"):
        assert word not in text_of(message) and word not in html_of(message)


def test_when_the_practice_allows_it_only_the_first_name_is_used(smtp_app, smtp_server, world, login):
    edit_practice_settings().mail_first_name = True
    db.session.commit()
    partner = _invite(smtp_app, world, login)
    [message] = smtp_server.messages
    assert partner.name == "Marisol Quennell"
    assert "Hello Marisol," in text_of(message) and "<p>Hello Marisol,</p>" in html_of(message)
    assert "Quennell" not in text_of(message) and "Quennell" not in html_of(message)  # never the surname
    assert "Marisol" not in message["Subject"]


def test_an_administrator_turns_the_greeting_on_in_settings(client, world, login):
    login(client, world.admin)
    page = client.get("/admin/settings").text
    assert "Greet partners by first name in email" in page
    assert not edit_practice_settings().mail_first_name
    data = {
        "practice_name": "Fictional Practice",
        "time_zone": "Europe/Berlin",
        "paper_size": "a4",
        "idle_timeout_minutes": "20",
        "quick_exit_url": "https://www.weather.gov/",
        "rescreen_days": "90",
        "mail_first_name": "y",
        "version": "1",
    }
    response = client.post("/admin/settings", data=data)
    assert response.status_code == 302, response.text
    db.session.expire_all()
    assert edit_practice_settings().mail_first_name
