"""viewer_zone(): the signed-in person's own zone, else the practice's; once per request, no query (#15)."""

from datetime import UTC, datetime

from flask import g, render_template_string
from flask_login import login_user
from sqlalchemy import event

from clinic.extensions import db
from clinic.settings import edit_practice_settings, viewer_zone
from clinic.templating import format_date, format_datetime, format_local_iso, printed_at
from tests.factories import make_user

SUMMER = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)  # 23:30 in London, 15:30 in Los Angeles, 18:30 in New York


def _statements(app):
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    return seen, lambda: event.remove(db.engine, "before_cursor_execute", count)


def test_anonymous_visitors_read_the_practice_zone(app):
    edit_practice_settings().time_zone = "America/New_York"
    db.session.commit()
    with app.app_context(), app.test_request_context("/"):
        assert viewer_zone().key == "America/New_York"
        assert format_datetime(SUMMER) == "1 Jul 2026, 18:30"


def test_the_filters_follow_the_signed_in_persons_zone(app):
    london = make_user(name="Dr. London")
    london.time_zone = "Europe/London"
    angeles = make_user("client", name="Partner LA")
    angeles.time_zone = "America/Los_Angeles"
    practice = make_user(name="Dr. Practice Zone")  # no zone of their own
    db.session.commit()
    expected = {london: "1 Jul 2026, 23:30", angeles: "1 Jul 2026, 15:30", practice: "1 Jul 2026, 18:30"}
    for user, text in expected.items():
        with app.app_context(), app.test_request_context("/"):
            login_user(db.session.get(type(user), user.id))
            assert format_datetime(SUMMER) == text
            assert render_template_string("{{ t|datetime }} · {{ viewer_zone_name() }}", t=SUMMER) == (
                f"{text} · {viewer_zone().key}"
            )
    with app.app_context(), app.test_request_context("/"):
        login_user(db.session.get(type(london), london.id))
        assert format_date(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == "Thu 2 Jul 2026"  # already the 2nd there
        assert format_local_iso(SUMMER.isoformat()) == "1 Jul 2026, 23:30 BST (Europe/London)"
        assert printed_at(SUMMER) == "Printed 1 Jul 2026, 23:30 BST (Europe/London)"


def test_worked_out_once_per_request_with_no_query(app):
    user = make_user()
    user.time_zone = "Asia/Kolkata"
    db.session.commit()
    with app.app_context(), app.test_request_context("/"):
        login_user(db.session.get(type(user), user.id))
        user_row = db.session.get(type(user), user.id)
        _ = user_row.time_zone  # the row as Flask-Login loaded it
        seen, stop = _statements(app)
        try:
            first = viewer_zone()
            for _ in range(5):
                format_datetime(SUMMER)
            assert viewer_zone() is first and g.viewer_zone is first
        finally:
            stop()
        assert first.key == "Asia/Kolkata"
        assert seen == []


def test_an_unknown_stored_zone_falls_back_to_the_practice(app):
    user = make_user()
    user.time_zone = "Mars/Olympus_Mons"  # e.g. a zone name later removed from the tz database
    edit_practice_settings().time_zone = "Europe/Paris"
    db.session.commit()
    with app.app_context(), app.test_request_context("/"):
        login_user(db.session.get(type(user), user.id))
        assert viewer_zone().key == "Europe/Paris"


def test_a_page_shows_the_caseload_next_session_in_the_viewers_zone(app, world, login):
    from clinic.appointments.models import Appointment

    db.session.add(
        Appointment(
            couple_id=world.couple.id,
            therapist_id=world.therapist.id,
            starts_at=datetime(2030, 7, 1, 22, 30, tzinfo=UTC),
            minutes=50,
            created_by_id=world.therapist.id,
        )
    )
    world.therapist.time_zone = "Europe/London"
    db.session.commit()
    client = app.test_client()
    login(client, world.therapist)
    page = client.get("/caseload").get_data(as_text=True)
    assert "1 Jul 2030, 23:30" in page and "18:30" not in page
