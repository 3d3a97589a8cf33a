"""Issue #15: the record PDF prints local times with the zone named, not UTC."""

from datetime import UTC, datetime

from clinic.templating import format_local_iso


def test_record_times_are_local_with_the_zone(app):
    with app.app_context():
        # 15:00 UTC on 2 March 2026 is 10:00 in New York (the practice default), EST.
        assert format_local_iso(datetime(2026, 3, 2, 15, 0, tzinfo=UTC).isoformat()) == (
            "2 Mar 2026, 10:00 EST (America/New_York)"
        )
        assert format_local_iso(None) == "—"
