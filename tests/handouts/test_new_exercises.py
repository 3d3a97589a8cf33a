"""#17: the new homework exercises — each with a completion form, a one-page worksheet carrying its
model tags and source line, an honest raises-conflict flag; the one-partner safety plan is private to that
partner and the therapist and never printed for the couple."""

import pytest
from sqlalchemy import select

from clinic.errors import DomainError
from clinic.extensions import db
from clinic.handouts.printing import worksheets_pdf
from clinic.homework.library import ensure_builtin_exercises
from clinic.homework.models import Entry, Exercise
from clinic.homework.services import practice_today
from clinic.homework.worksheets import couple_worksheets, exercise_worksheet, partner_worksheets
from tests.handouts import pdftools
from tests.handouts.packets import make_packet
from tests.homework import support

NEW = {
    "rocky-moment-conversation": (["EFT"], True),
    "injury-forgiveness-conversation": (["EFT"], True),
    "daily-temperature-reading": (["general"], True),
    "stress-reducing-conversation": (["general", "CBCT"], False),
    "rituals-of-connection": (["general"], False),
    "weekly-couple-meeting": (["general", "CBCT"], True),
    "weekly-best-and-hardest": (["IBCT"], False),
    "speaker-listener-card": (["CBCT"], False),
    "personal-safety-plan": (["general"], False),
}
PLAN = "personal-safety-plan"
PRIVATE_WORDS = "PLAN-PRIVATE-9c1e"


def _exercise(slug: str) -> Exercise:
    ensure_builtin_exercises()
    return db.session.scalar(select(Exercise).where(Exercise.slug == slug, Exercise.owner_id.is_(None)))


def test_the_library_lists_all_new_exercises_with_their_source(client, world, login):
    login(client, world.therapist)
    page = client.get("/exercises").text
    for slug in NEW:
        assert _exercise(slug).title in page.replace("&#39;", "'"), slug
    detail = client.get(f"/exercises/{_exercise('speaker-listener-card').id}").text
    assert "Source: Speaker and listener guidelines as taught in CBCT" in detail


@pytest.mark.parametrize("slug", sorted(NEW))
def test_each_new_exercise_is_complete_and_honestly_tagged(app, slug):
    exercise = _exercise(slug)
    tags, conflict = NEW[slug]
    assert exercise.model_tags == tags and exercise.raises_conflict is conflict
    assert exercise.fields and exercise.steps and exercise.source
    assert "Hold Me Tight" not in exercise.source and "Gottman Method" not in exercise.source


@pytest.mark.parametrize("slug", sorted(NEW))
def test_each_new_worksheet_prints_on_one_page_with_tags_and_source(app, world, named_couple, slug):
    exercise = _exercise(slug)
    with app.test_request_context():
        data = worksheets_pdf(
            [exercise_worksheet(exercise, for_name="Alex Rivera")], user=world.therapist, couple=named_couple
        ).data
    assert pdftools.qpdf_ok(data)
    assert pdftools.info(data)["Pages"] == "1"
    text = " ".join(pdftools.text(data).split())
    assert "Source:" in text and exercise.source.split()[0] in text
    assert "Approach:" in text


def test_the_old_speaker_listener_exercise_credits_prep_and_names_the_floor(app):
    exercise = _exercise("speaker-listener")
    assert "PREP" in exercise.source and "Markman, Stanley & Blumberg" in exercise.source
    assert any("the floor" in step for step in exercise.steps)
    for slug in ("attachment-trigger-journal", "mindful-check-in", "forgiveness-reflection"):
        assert "EFT" not in _exercise(slug).model_tags, slug


def _plan_for_a(world):
    a = world.couple.partner("a")
    assignment = support.assign(world, PLAN, who="one", partner=a, kind="once", days_ago=1)
    db.session.commit()
    return a, assignment


def test_the_safety_plan_can_only_be_given_to_one_partner(app, world):
    for who in ("each", "together"):
        with pytest.raises(DomainError, match="private to one partner"):
            support.assign(world, PLAN, who=who, kind="once")


def test_the_safety_plan_is_hidden_from_the_other_partner(app, world, login):
    _a, assignment = _plan_for_a(world)
    other = app.test_client()
    login(other, world.partner_b)
    assert other.get(f"/portal/homework/{assignment.id}").status_code == 404
    assert other.get(f"/portal/worksheets/{assignment.id}/pdf").status_code == 404
    listing = other.get("/portal/homework").text + other.get("/portal/").text
    assert "safety plan" not in listing.lower()
    own = app.test_client()
    login(own, world.partner_a)
    assert "My personal safety plan" in own.get("/portal/homework").text
    assert own.get(f"/portal/worksheets/{assignment.id}/pdf").status_code == 200


def test_a_safety_plan_entry_is_never_shared_even_when_asked(app, world, login):
    a, assignment = _plan_for_a(world)
    own = app.test_client()
    login(own, world.partner_a)
    page = own.get(f"/portal/homework/{assignment.id}").text
    assert "Share this entry with my partner" not in page
    response = own.post(
        f"/portal/homework/{assignment.id}",
        data={
            "done_on": practice_today().isoformat(),
            "a_warning_signs": f"{PRIVATE_WORDS} signs",
            "a_safe_place": f"{PRIVATE_WORDS} place",
            "is_shared": "y",
            "form_token": "tok-plan-aaaaaaaaaaaaaaaaaaa",
        },
    )
    assert response.status_code == 302
    entry = db.session.scalar(select(Entry).where(Entry.assignment_id == assignment.id))
    assert entry is not None and entry.is_shared is False
    other = app.test_client()
    login(other, world.partner_b)
    for url in ("/portal/", "/portal/homework"):
        assert PRIVATE_WORDS not in other.get(url).text


def test_the_safety_plan_is_never_printed_for_the_couple(app, world, named_couple, login):
    a, assignment = _plan_for_a(world)
    support.assign(world, "caring-days", who="each", days_ago=1)
    db.session.commit()
    titles = [s["title"] for s in couple_worksheets(named_couple)]
    assert "Caring days" in titles and "My personal safety plan" not in titles
    for partner in named_couple.partners:
        assert "My personal safety plan" not in [s["title"] for s in partner_worksheets(named_couple, partner)]
    client = app.test_client()
    login(client, world.therapist)
    for position in ("a", "b"):
        response = make_packet(
            client,
            named_couple.id,
            {"packet-worksheets": "y", "packet-paper": "a4", "packet-for_partner": position, "packet-couple_part": "y"},
        )
        text = pdftools.text(response.data).upper()
        assert "CARING DAYS" in text and "SAFETY PLAN" not in text


def test_the_next_notes_homework_review_leaves_the_private_plan_out(app, world):
    from clinic.homework.review import summarise_since
    from tests.sessions.helpers import new_session

    a, assignment = _plan_for_a(world)
    support.entry(assignment, a, days_ago=0, free_text=PRIVATE_WORDS)
    support.assign(world, "caring-days", who="each", days_ago=1)
    db.session.commit()
    answers = new_session(world.couple, world.therapist, model="cbct", days_ago=0).progress_note.answers
    review_a = answers["homework_review_a"]
    assert "Caring days" in review_a and "safety plan" not in review_a.lower() and PRIVATE_WORDS not in review_a
    whole = summarise_since(world.couple, None)
    assert "Caring days" in whole and "safety plan" not in whole.lower()
