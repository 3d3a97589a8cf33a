"""The time-zone fields: ~500 zones grouped by region with readable labels; validation unchanged (#18)."""

import re
from datetime import UTC, datetime

from clinic.extensions import db
from clinic.settings import PracticeSettings, get_practice_settings, time_zone_choices, time_zone_groups, zone_label

DATA = {
    "practice_name": "Fictional Practice",
    "contact_line": "1 Test St",
    "paper_size": "a4",
    "idle_timeout_minutes": "20",
    "crisis_resources": "",
    "quick_exit_url": "https://www.weather.gov/",
    "version": "1",
}


def _saved_zone():
    db.session.expire_all()
    return db.session.scalar(db.select(PracticeSettings.time_zone))


def test_labels_read_as_places_with_the_offset_from_utc():
    winter = datetime(2026, 1, 15, 12, tzinfo=UTC)
    summer = datetime(2026, 7, 15, 12, tzinfo=UTC)
    assert zone_label("America/Argentina/Buenos_Aires", winter) == "Buenos Aires, Argentina (UTC-03:00)"
    assert zone_label("America/New_York", winter) == "New York (UTC-05:00)"
    assert zone_label("America/New_York", summer) == "New York (UTC-04:00)"
    assert zone_label("Asia/Kolkata", winter) == "Kolkata (UTC+05:30)"
    assert zone_label("Europe/London", winter) == "London (UTC+00:00)"


def test_groups_hold_every_choice_once_under_its_region():
    groups = time_zone_groups()
    assert {"Africa", "America", "Asia", "Europe", "Pacific"} <= set(groups)
    values = [value for zones in groups.values() for value, _ in zones]
    assert sorted(values) == time_zone_choices()
    assert all(value.split("/")[0] == region for region, zones in groups.items() for value, _ in zones)


def test_settings_page_shows_the_zones_grouped_with_the_current_one_chosen(client, world, login):
    login(client, world.admin)
    page = client.get("/admin/settings").get_data(as_text=True)
    select = re.search(r'<select [^>]*data-zone-search="" id="time_zone"[^>]*>(.*?)</select>', page, re.S).group(1)
    regions = re.findall(r'<optgroup label="([^"]+)">', select)
    assert regions[:4] == ["Likely for this practice", "Africa", "America", "Antarctica"] and "Europe" in regions
    europe = select.split('<optgroup label="Europe">', 1)[1].split("</optgroup>", 1)[0]
    assert re.search(r'<option value="Europe/Paris">Paris \(UTC\+0[12]:00\)</option>', europe)
    current = get_practice_settings().time_zone
    likely = select.split('<optgroup label="Likely for this practice">', 1)[1].split("</optgroup>", 1)[0]
    assert re.search(rf'<option selected value="{current}">', likely)  # selected once, where first listed
    assert select.count("selected") == 1
    assert select.count("<option") == len(time_zone_choices()) + 1


def test_a_valid_zone_saves_and_an_invalid_one_gets_the_field_error(client, world, login):
    login(client, world.admin)
    response = client.post("/admin/settings", data={**DATA, "time_zone": "Mars/Olympus_Mons"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(r'id="time_zone-error" class="field-error" role="alert">Not a valid choice', page)
    assert "Fictional Practice" in page  # typed values kept
    assert _saved_zone() != "Mars/Olympus_Mons"

    response = client.post("/admin/settings", data={**DATA, "time_zone": "America/Argentina/Buenos_Aires"})
    assert response.status_code == 302
    assert _saved_zone() == "America/Argentina/Buenos_Aires"
