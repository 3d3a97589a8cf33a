"""The exercise library: built-ins from data files, sync, filters, own exercises, copies, worksheets."""

import re
from pathlib import Path

from sqlalchemy import func, select

from clinic.extensions import db
from clinic.homework.library import CONTENT_DIR, builtin_content, exercise_as_worksheet, sync_builtin_exercises
from clinic.homework.models import Exercise

ARTICLE = Path(__file__).resolve().parents[3] / "shared" / "seed" / "abandonment-article.txt"
REQUIRED = {
    "speaker-listener",
    "problem-solving",
    "caring-days",
    "thought-log",
    "spotting-our-cycle",
    "attachment-trigger-journal",
    "reassurance-plan",
    "raw-spot-conversation",
    "gratitude-exchange",
    "mindful-check-in",
    "self-care-plan",
    "boundaries-worksheet",
    "forgiveness-reflection",
    "time-out-and-return",
}


def test_built_in_exercises_cover_the_list_and_every_format():
    content = builtin_content()
    assert len(content) >= 14
    assert REQUIRED <= {c["slug"] for c in content}
    assert {c["completion"] for c in content} == {"checklist", "log", "reflection", "rating"}
    assert {c["who"] for c in content} >= {"together", "each"}
    for c in content:
        assert c["purpose"] and c["steps"] and c["strategies"] and c["model_tags"]
    log = next(c for c in content if c["slug"] == "attachment-trigger-journal")
    assert [f["label"] for f in log["fields"]][:3] == [
        "The situation",
        "What I felt on the surface",
        "What I felt underneath",
    ]


def _words(text):
    return re.findall(r"[a-z']+", text.lower().replace("’", "'"))


def test_no_eight_word_run_is_copied_from_the_article():
    if not ARTICLE.exists():
        return
    article = _words(ARTICLE.read_text())
    runs = {tuple(article[i : i + 8]) for i in range(len(article) - 7)}
    for path in CONTENT_DIR.glob("*.md"):
        words = _words(path.read_text())
        copied = [" ".join(words[i : i + 8]) for i in range(len(words) - 7) if tuple(words[i : i + 8]) in runs]
        assert not copied, f"{path.name} copies: {copied[:3]}"


def test_sync_is_idempotent_and_fixes_changed_exercises(app):
    first = sync_builtin_exercises()
    assert first["added"] >= 14
    assert sync_builtin_exercises() == {"added": 0, "updated": 0, "retired": 0}
    exercise = db.session.scalar(select(Exercise).where(Exercise.slug == "caring-days"))
    exercise.title, exercise.content_hash = "Old wrong title", "stale"
    assert sync_builtin_exercises()["updated"] == 1
    assert exercise.title == "Caring days"
    count = db.session.scalar(select(func.count()).select_from(Exercise))
    assert count == len(builtin_content())


def test_sync_command_loads_the_exercises(app):
    result = app.test_cli_runner().invoke(args=["sync-exercises"])
    assert result.exit_code == 0 and "added" in result.output
    assert db.session.scalar(select(func.count()).select_from(Exercise)) >= 14


def test_library_filters_by_model_strategy_format_and_who(client, world, login):
    login(client, world.therapist)
    page = client.get("/exercises").get_data(as_text=True)
    assert "Speaker–listener practice" in page and "Spotting our cycle" in page
    page = client.get("/exercises?model=EFT&completion=log").get_data(as_text=True)
    assert "Spotting our cycle" in page
    assert "Attachment trigger journal" not in page  # tagged honestly (#17): not an EFT exercise
    assert "Speaker–listener practice" not in page and "Caring days" not in page
    page = client.get("/exercises?strategy=gratitude&who=each").get_data(as_text=True)
    assert "Daily appreciation exchange" in page and "Caring days" in page
    assert "Mindful 10-minute check-in" not in page
    page = client.get("/exercises?completion=rating").get_data(as_text=True)
    assert "Mindful 10-minute check-in" in page and "1 exercise match" in page


def test_library_shows_the_exercise_as_a_partner_sees_it(client, world, login):
    login(client, world.therapist)
    page = client.get("/exercises?model=CBCT&completion=log").get_data(as_text=True)
    assert "Thought log" in page and "How to do it" in page and "What you'll note down" in page
    assert "The thought that went through my mind" in page


def _form(**overrides):
    data = {
        "title": "Fictional sunset walk",
        "purpose": "Walk and notice three good things.",
        "steps": "Walk for twenty minutes\nName three good things",
        "model_tags": ["general"],
        "strategies": ["gratitude", "mindfulness"],
        "who": "together",
        "minutes": "20",
        "frequency_kind": "weekly",
        "times_per_week": "2",
        "completion": "reflection",
        "field_lines": "* What we noticed\nHow it felt",
        "form_token": "tok-abcdefghijklmnopqrstuv",
    }
    data.update(overrides)
    return data


def test_own_exercise_is_private_to_its_author(client, world, login):
    login(client, world.therapist)
    response = client.post("/exercises/new", data=_form())
    assert response.status_code == 302
    own = db.session.scalar(select(Exercise).where(Exercise.title == "Fictional sunset walk"))
    assert own.owner_id == world.therapist.id and own.times_per_week == 2
    assert own.fields == [
        {"key": "what_we_noticed", "label": "What we noticed", "required": True},
        {"key": "how_it_felt", "label": "How it felt", "required": False},
    ]
    assert "Fictional sunset walk" in client.get("/exercises").get_data(as_text=True)
    login(client, world.other_therapist)
    assert "Fictional sunset walk" not in client.get("/exercises").get_data(as_text=True)
    assert client.get(f"/exercises/{own.id}").status_code == 404
    assert client.get(f"/exercises/{own.id}/edit").status_code == 404


def test_double_submit_creates_one_exercise_and_bad_input_is_explained(client, world, login):
    login(client, world.therapist)
    client.post("/exercises/new", data=_form())
    client.post("/exercises/new", data=_form())
    assert (
        db.session.scalar(select(func.count()).select_from(Exercise).where(Exercise.title == "Fictional sunset walk"))
        == 1
    )
    response = client.post(
        "/exercises/new", data=_form(title="", field_lines="", form_token="tok-zzzzzzzzzzzzzzzzzzzzzz")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Give the exercise a title." in page
    response = client.post("/exercises/new", data=_form(field_lines="", form_token="tok-yyyyyyyyyyyyyyyyyyyyyy"))
    assert response.status_code == 422
    assert "needs at least one field or question" in response.get_data(as_text=True)


def test_customising_a_built_in_makes_an_editable_private_copy(client, world, login):
    login(client, world.therapist)
    client.get("/exercises")
    source = db.session.scalar(select(Exercise).where(Exercise.slug == "caring-days", Exercise.owner_id.is_(None)))
    response = client.post(f"/exercises/{source.id}/copy")
    copy = db.session.scalar(select(Exercise).where(Exercise.based_on_id == source.id))
    assert response.headers["Location"].endswith(f"/exercises/{copy.id}/edit")
    form = client.get(f"/exercises/{copy.id}/edit").get_data(as_text=True)
    assert "The caring thing I did today" in form
    response = client.post(
        f"/exercises/{copy.id}/edit", data=_form(title="Caring days, our way", version=str(copy.version))
    )
    assert response.status_code == 302
    db.session.refresh(source)
    assert source.title == "Caring days"  # the built-in is untouched
    stale = client.post(f"/exercises/{copy.id}/edit", data=_form(title="Stale edit", version="1"))
    assert stale.status_code == 409 and "Stale edit" in stale.get_data(as_text=True)
    assert client.get(f"/exercises/{source.id}/edit").status_code == 404  # built-ins are not edited in place


def test_worksheet_is_plain_data(app):
    sync_builtin_exercises()
    exercise = db.session.scalar(select(Exercise).where(Exercise.slug == "thought-log"))
    sheet = exercise_as_worksheet(exercise)
    assert sheet["title"].startswith("Thought log") and sheet["completion"] == "log"
    assert sheet["steps"] and all(isinstance(s, str) for s in sheet["steps"])
    assert {"key", "label", "required"} <= set(sheet["fields"][0])
    rating = exercise_as_worksheet(db.session.scalar(select(Exercise).where(Exercise.slug == "mindful-check-in")))
    assert rating["rating_scale"] == [1, 2, 3, 4, 5]


def test_opening_the_library_loads_new_and_fixed_exercises(client, world, login):
    login(client, world.therapist)
    client.get("/exercises")
    exercise = db.session.scalar(select(Exercise).where(Exercise.slug == "caring-days"))
    exercise.title, exercise.content_hash = "An old release's title", "old"
    db.session.commit()
    page = client.get("/exercises").get_data(as_text=True)
    assert "Caring days" in page and "An old release's title" not in page


def test_a_therapists_exercise_keeps_its_source_and_private_needs_one_partner(client, world, login):
    """#17: the source line and the private-to-one-partner flag are editable on one's own exercises."""
    login(client, world.therapist)
    response = client.post(
        "/exercises/new",
        data=_form(source="Fictional Author (2020), a made-up book", is_private_to_partner="y", who="each"),
    )
    assert response.status_code == 422
    assert "An exercise private to one partner is done by one partner" in response.get_data(as_text=True)
    assert "Fictional Author (2020), a made-up book" in response.get_data(as_text=True)  # typed text kept
    response = client.post(
        "/exercises/new",
        data=_form(
            source="Fictional Author (2020), a made-up book",
            is_private_to_partner="y",
            who="one",
            form_token="tok-private-aaaaaaaaaaaaaaa",
        ),
    )
    assert response.status_code == 302
    own = db.session.scalar(select(Exercise).where(Exercise.title == "Fictional sunset walk"))
    assert own.source == "Fictional Author (2020), a made-up book" and own.is_private_to_partner
    page = client.get(f"/exercises/{own.id}").get_data(as_text=True)
    assert "Source: Fictional Author (2020), a made-up book" in page and "Private to one partner" in page
