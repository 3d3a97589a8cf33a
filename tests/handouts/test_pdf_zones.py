"""PDFs print times in the reader's zone with the zone named (#15): the record export's and the session
packet's footer "Printed 6 Dec 2026, 14:05 GMT (Europe/London)", rendered in a background job that is
handed the zone of the person who asked for it."""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from clinic import jobs
from clinic.extensions import db
from clinic.settings import viewer_zone
from tests.handouts.packets import make_packet
from tests.handouts.pdftools import text
from tests.records.client import export

seen_zones: list[str] = []


@jobs.job("test.zone")
def note_the_zone(job):
    seen_zones.append(viewer_zone().key)


def _printed(zone: str) -> re.Pattern:
    abbreviation = datetime.now(UTC).astimezone(ZoneInfo(zone)).tzname()
    return re.compile(rf"Printed \d{{1,2}} \w{{3}} \d{{4}}, \d{{2}}:\d{{2}} {abbreviation} \({re.escape(zone)}\)")


def test_the_record_export_prints_its_times_in_the_therapists_zone(app, world, login):
    world.therapist.time_zone = "Europe/London"
    db.session.commit()
    client = app.test_client()
    login(client, world.therapist)
    response = export(client, world.couple.id, format="pdf")
    assert response.data.startswith(b"%PDF")
    words = text(response.data)
    assert _printed("Europe/London").search(words), words[-400:]
    assert re.search(r"Exported \d{1,2} \w{3} \d{4}, \d{2}:\d{2} (GMT|BST) \(Europe/London\)", words)
    assert "America/New_York" not in words  # the practice's zone is not the reader's


def test_the_record_export_follows_the_practice_zone_for_someone_without_one(app, world, login):
    client = app.test_client()
    login(client, world.therapist)
    words = text(export(client, world.couple.id, format="pdf").data)
    assert _printed("America/New_York").search(words)


def test_the_session_packet_names_the_zone_of_whoever_asked(app, world, login):
    world.therapist.time_zone = "Asia/Tokyo"
    db.session.commit()
    client = app.test_client()
    login(client, world.therapist)
    download = make_packet(client, world.couple.id, {"packet-for_partner": "a"})
    words = text(download.data)
    assert _printed("Asia/Tokyo").search(words), words[-400:]


def test_a_job_is_handed_the_zone_by_name_and_renders_in_it(app, world, monkeypatch):
    handed: list[dict] = []
    queue = app.extensions["jobs"]
    run = queue.run_job
    monkeypatch.setattr(
        queue, "run_job", lambda job_id, arguments: (handed.append(dict(arguments)), run(job_id, arguments))
    )
    jobs.start("test.zone", world.therapist.id, "zone.txt", time_zone="Pacific/Auckland")
    jobs.start("test.zone", world.therapist.id, "zone.txt")  # outside a request: the practice's zone
    assert [a[jobs.TIME_ZONE_ARGUMENT] for a in handed] == ["Pacific/Auckland", "America/New_York"]
    assert seen_zones[-2:] == ["Pacific/Auckland", "America/New_York"]
