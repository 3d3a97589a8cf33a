"""Every homework exercise prints as a worksheet with room to write; the packet gathers it all."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from clinic.db import today_utc
from clinic.extensions import db
from clinic.handouts.printing import worksheets_pdf
from clinic.homework.library import builtin_content
from clinic.homework.models import Exercise
from clinic.homework.worksheets import exercise_worksheet, normalise_worksheet
from tests.handouts import pdftools
from tests.handouts.packets import make_packet

SLUGS = [data["slug"] for data in builtin_content()]


def _exercise(slug: str) -> Exercise:
    from clinic.homework.library import ensure_builtin_exercises

    ensure_builtin_exercises()
    return db.session.scalar(select(Exercise).where(Exercise.slug == slug, Exercise.owner_id.is_(None)))


@pytest.mark.parametrize("slug", SLUGS)
def test_every_builtin_exercise_prints_as_a_sound_worksheet(app, world, named_couple, slug):
    exercise = _exercise(slug)
    with app.test_request_context():
        data = worksheets_pdf(
            [exercise_worksheet(exercise, for_name="Alex Rivera")], user=world.therapist, couple=named_couple
        ).data
    assert pdftools.qpdf_ok(data)
    assert all(f["embedded"] for f in pdftools.fonts(data))
    info = pdftools.info(data)
    assert info["Tagged"] == "yes" and info["Title"] == exercise.title
    assert 1 <= int(info["Pages"]) <= 2
    text = pdftools.text(data)
    assert exercise.title in text and "for Alex Rivera".upper() in text.upper()
    assert " ".join(exercise.steps[0].split())[:40] in text
    if exercise.frequency_kind == "weekly" and exercise.times_per_week == 1:
        assert "Week 1" in text and "Week 4" in text and "Monday" not in text  # four weeks, not seven days
    elif exercise.frequency_kind == "daily" or exercise.times_per_week == 7:
        assert "Monday" in text and "Sunday" in text  # the week grid
    elif exercise.frequency_kind == "weekly":
        assert "1st time" in text and "Sunday" not in text  # a row per time, not per day
    cells = pdftools.text(data, layout=False)
    for field in exercise.fields[:4]:
        assert " ".join(field["label"].split())[:25] in cells


def test_worksheet_shapes_give_room_to_write():
    base = {
        "title": "T",
        "steps": ["Do it"],
        "completion": "log",
        "fields": [{"label": "What happened"}, {"label": "What I felt"}],
    }
    daily = normalise_worksheet(base, frequency_kind="daily")
    assert daily["week"]["rows"][0] == "Monday" and daily["week"]["columns"] == ["What happened", "What I felt"]
    once = normalise_worksheet(base, frequency_kind="once")
    assert once["week"] is None and [f["kind"] for f in once["fields"]] == ["lines", "lines"]
    reflection = normalise_worksheet({**base, "completion": "reflection"})
    assert {f["kind"] for f in reflection["fields"]} == {"box"}
    rating = normalise_worksheet({**base, "completion": "rating", "fields": [{"label": "Closeness"}]})
    assert rating["fields"][0]["kind"] == "scale"
    checklist = normalise_worksheet({**base, "completion": "checklist"})
    assert checklist["fields"][0]["items"] == ["What happened", "What I felt"]


def _assign(world, couple, slug, who="each"):
    from clinic.homework.services import create_assignment

    return create_assignment(
        couple,
        world.therapist,
        _exercise(slug),
        {
            "who": who,
            "starts_on": today_utc(),
            "due_on": today_utc() + timedelta(days=7),
            "frequency_kind": "daily",
            "times_per_week": None,
            "note": "Fill one row each evening",
            "therapy_session_id": None,
        },
        confirmed=True,
    )


def test_assignment_worksheet_per_partner_and_portal_copy(app, world, named_couple, login):
    assignment = _assign(world, named_couple, "attachment-trigger-journal")
    db.session.commit()
    client = app.test_client()
    login(client, world.therapist)
    response = client.get(f"/couples/{named_couple.id}/worksheets/{assignment.id}/pdf")
    text = pdftools.text(response.data)
    assert response.status_code == 200 and "Fill one row each evening" in text
    assert "ALEX RIVERA" in text.upper() and "JORDAN CHEN" in text.upper()  # one sheet each
    partner = app.test_client()
    login(partner, world.partner_b)
    own = pdftools.text(partner.get(f"/portal/worksheets/{assignment.id}/pdf").data).upper()
    assert "WORKSHEET · FOR JORDAN CHEN" in own and "WORKSHEET · FOR ALEX RIVERA" not in own


def test_session_packet_has_handouts_worksheets_and_paper_forms(app, world, named_couple, login):
    from clinic.measures.services import request_measure

    _assign(world, named_couple, "gratitude-exchange", who="together")
    request_measure(named_couple, list(named_couple.partners), "csi4", "once", None, world.therapist)
    db.session.commit()
    client = app.test_client()
    login(client, world.therapist)
    response = make_packet(
        client,
        named_couple.id,
        {
            "packet-handouts": "b:supporting-a-partner",
            "packet-worksheets": "y",
            "packet-forms": "y",
            "packet-paper": "a4",
            "packet-for_partner": "a",
            "packet-couple_part": "y",
        },
    )
    assert pdftools.qpdf_ok(response.data)
    text = pdftools.text(response.data)
    assert "Supporting a partner who fears abandonment" in text
    assert "Daily appreciation exchange" in text or _exercise("gratitude-exchange").title in text
    assert "QUESTIONNAIRE" in text.upper() and "CSI" in text
    assert "595.276 x 841.89" in pdftools.info(response.data)["Page size"]


def test_exercise_worksheets_from_the_library(app, world, login):
    exercise = _exercise("caring-days")
    client = app.test_client()
    login(client, world.therapist)
    assert "Worksheets" in client.get("/handouts/").get_data(as_text=True)
    response = client.get(f"/handouts/worksheets/{exercise.id}/pdf")
    assert response.status_code == 200 and exercise.title in pdftools.text(response.data)
