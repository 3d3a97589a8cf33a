"""The account page's Time zone: a grouped select (likely zones first), empty = the practice's zone,
an unknown zone refused next to the field with a 422, every change audited (#15, #18)."""

import html
import re

from sqlalchemy import func, select

from clinic.audit.models import AuditEvent
from clinic.auth.models import User
from clinic.auth.services import likely_zones
from clinic.extensions import db
from clinic.settings import edit_practice_settings, time_zone_choices
from clinic.supervision.trail import PHRASES
from tests.factories import make_user


def _select(page: str) -> str:
    return re.search(r'<select [^>]*id="time_zone"[^>]*>(.*?)</select>', page, re.S).group(1)


def _group(select_html: str, label: str) -> list[str]:
    body = select_html.split(f'<optgroup label="{label}">', 1)[1].split("</optgroup>", 1)[0]
    return re.findall(r'value="([^"]+)"', body)


def _events(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


def _zone_of(user) -> str | None:
    db.session.expire_all()
    return db.session.get(User, user.id).time_zone


def test_the_account_page_offers_the_practice_zone_first_then_likely_then_regions(client, world, login):
    edit_practice_settings().time_zone = "America/Chicago"
    for name, zone in (("one", "Europe/London"), ("two", "Europe/London"), ("three", "Asia/Tokyo")):
        make_user(name=f"Dr. {name}").time_zone = zone
    gone = make_user(name="Dr. Gone")
    gone.time_zone, gone.is_active_account = "Asia/Tokyo", False  # inactive people don't count
    db.session.commit()
    login(client, world.therapist)
    page = client.get("/account").get_data(as_text=True)
    assert '<h2 id="time-zone-heading">Time zone</h2>' in page
    assert "data-zone-search" in page
    select_html = _select(page)
    first = re.search(r"<option ([^>]*)>([^<]*)</option>", select_html)
    assert html.unescape(first.group(2)) == "Practice's time zone (America/Chicago)"
    assert 'value=""' in first.group(1) and "selected" in first.group(1)  # no zone of their own yet
    assert select_html.index("<option") < select_html.index("<optgroup")  # outside every group, on top
    groups = re.findall(r'<optgroup label="([^"]+)">', select_html)
    assert groups[0] == "Likely for this practice" and groups[1:4] == ["Africa", "America", "Antarctica"]
    assert _group(select_html, "Likely for this practice") == ["America/Chicago", "Europe/London"]  # Tokyo: 1 active
    assert select_html.count("<option") == 1 + 2 + len(time_zone_choices())
    assert select_html.count("selected") == 1


def test_likely_zones_is_one_group_by_query(app):
    for zone in ("Europe/Berlin", "Europe/Berlin", "Europe/Berlin", "Asia/Tokyo", "Asia/Tokyo", "Africa/Lagos"):
        make_user().time_zone = zone
    db.session.commit()
    assert likely_zones() == ["Europe/Berlin", "Asia/Tokyo"]  # most used first; one user is not "likely"


def test_choosing_a_zone_saves_it_audits_it_and_shows_times_in_it(client, world, login):
    login(client, world.therapist)
    response = client.post("/account/time-zone", data={"time_zone": "Europe/London"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/account")
    assert _zone_of(world.therapist) == "Europe/London"
    assert _events("auth.time_zone_changed") == 1
    page = client.get("/account").get_data(as_text=True)
    assert "Times are now shown in Europe/London." in page
    assert "Times are shown in <strong>Europe/London</strong>" in page
    assert re.search(r'<option selected value="Europe/London">London', _select(page))
    # saving the same zone again changes nothing and is not audited again
    client.post("/account/time-zone", data={"time_zone": "Europe/London"})
    assert _events("auth.time_zone_changed") == 1


def test_the_empty_choice_means_the_practice_zone(client, world, login):
    world.partner_a.time_zone = "Asia/Tokyo"
    db.session.commit()
    login(client, world.partner_a)
    response = client.post("/account/time-zone", data={"time_zone": ""})
    assert response.status_code == 302
    assert _zone_of(world.partner_a) is None
    page = client.get("/account").get_data(as_text=True)
    assert "Times are shown in <strong>America/New_York</strong>, the practice's time zone." in page
    edit_practice_settings().time_zone = "Australia/Perth"
    db.session.commit()
    from clinic.settings import clear_settings_cache

    clear_settings_cache()
    page = client.get("/account").get_data(as_text=True)
    assert "Times are shown in <strong>Australia/Perth</strong>" in page  # null follows the practice


def test_an_unknown_zone_is_refused_next_to_the_field(client, world, login):
    login(client, world.therapist)
    response = client.post("/account/time-zone", data={"time_zone": "Mars/Olympus_Mons"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(r'id="time_zone-error" class="field-error" role="alert">Choose a time zone from the list.', page)
    assert 'aria-invalid="true"' in _select_tag(page)
    assert _zone_of(world.therapist) is None
    assert _events("auth.time_zone_changed") == 0


def _select_tag(page: str) -> str:
    return re.search(r'<select [^>]*id="time_zone"[^>]*>', page).group(0)


def test_the_change_reads_in_words_in_the_audit_trail():
    assert PHRASES["auth.time_zone_changed"] == "changed their time zone"


def test_signed_out_visitors_cannot_change_a_zone(client):
    response = client.post("/account/time-zone", data={"time_zone": "Europe/London"})
    assert response.status_code in (302, 401)
    assert "/login" in response.headers.get("Location", "/login")


def test_security_notices_give_the_time_in_the_recipients_zone(app, world):
    from clinic.auth.notices import when_for

    world.partner_a.time_zone = "Asia/Tokyo"
    db.session.commit()
    assert when_for(world.partner_a).endswith("JST (Asia/Tokyo)")
    assert re.search(r" E[SD]T \(America/New_York\)$", when_for(world.therapist))  # no zone: the practice's
