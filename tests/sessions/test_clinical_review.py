"""#17, the clinical review of the note templates: attachment injuries, Stage 2 per partner with overlap
allowed, a described enactment rating, CBCT speaker and listener ratings, a homework review per partner,
and old notes still readable."""

from datetime import timedelta

import pytest

from clinic.extensions import db
from clinic.homework.services import practice_today
from clinic.sessions.completeness import sign_problems
from clinic.sessions.course import compute_course
from clinic.sessions.models import ProgressNote
from clinic.sessions.note_forms import display_pairs
from clinic.sessions.note_legacy import upgrade_answers
from tests.homework import support
from tests.sessions.helpers import COMPLETE, PASSWORD, body, new_session

EFT = COMPLETE["efct"]


def _sign_post(client, therapy_session, answers):
    note = therapy_session.progress_note
    data = body(answers, note.version, attest="y", password=PASSWORD)
    return client.post(f"/sessions/{therapy_session.id}/note/sign", data=data)


@pytest.mark.parametrize(
    "roles",
    [("pursuer", "withdrawer"), ("pursuer", "pursuer"), ("withdrawer", "withdrawer")],
    ids=["pursue-withdraw", "pursue-pursue", "withdraw-withdraw"],
)
def test_softening_in_progress_before_reengagement_is_reached_can_be_signed(client, world, login, roles):
    """Overlapping change events, and couples where both partners hold the same position, sign cleanly."""
    login(client, world.therapist)
    therapy_session = new_session(world.couple, world.therapist, model="efct")
    db.session.commit()
    answers = {
        **EFT,
        "stage": "2",
        "steps": ["5", "6"],
        "stage2_role_a": roles[0],
        "stage2_role_b": roles[1],
        "stage2_a": "in_progress",
        "stage2_b": "in_progress",
        "stage2_steps_a": ["5"],
        "stage2_steps_b": ["5", "6"],
    }
    response = _sign_post(client, therapy_session, answers)
    assert response.status_code == 302
    note = db.session.get(ProgressNote, therapy_session.progress_note.id)
    assert note.is_signed and note.answers["stage2_steps_b"] == ["5", "6"]
    course = compute_course(world.couple)
    assert course.eft.roles == {"a": roles[0], "b": roles[1]}
    assert course.eft.partners["a"].status == "in_progress"


def test_attachment_injury_is_recorded_with_its_resolution_steps(client, world, login):
    login(client, world.therapist)
    therapy_session = new_session(world.couple, world.therapist, model="efct")
    db.session.commit()
    a = world.couple.partner("a")
    answers = {
        **EFT,
        "injury": "yes",
        "injured_partner": "a",
        "injury_description": "Left alone at the hospital the night of the fictional accident.",
        "injury_steps": ["1", "2", "3"],
    }
    assert _sign_post(client, therapy_session, answers).status_code == 302
    page = client.get(f"/sessions/{therapy_session.id}").text
    assert "Attachment injury" in page and "Who was injured" in page and a.name in page
    assert "Left alone at the hospital" in page
    assert "The injured partner stays with the hurt" in page


def test_enactment_is_rated_in_words_not_colours(client, world, login):
    login(client, world.therapist)
    therapy_session = new_session(world.couple, world.therapist, model="efct")
    db.session.commit()
    form = client.get(f"/sessions/{therapy_session.id}/note").text
    assert "Took it in and responded" in form and "Green" not in form and "Orange" not in form
    answers = {
        **EFT,
        "enactment": "yes",
        "enactment_speaker": "b",
        "enactment_received": "partly",
        "enactment_note": "Listened, then explained the calendar.",
    }
    assert _sign_post(client, therapy_session, answers).status_code == 302
    course = client.get(f"/couples/{world.couple.id}/course").text
    assert "Took some of it in, then moved away" in course


def test_old_eft_notes_stay_readable_and_old_drafts_are_mapped(app, world):
    a, b = world.couple.partner("a"), world.couple.partner("b")
    a.cycle_position, b.cycle_position = "pursuer", "withdrawer"
    old = {
        **EFT,
        "withdrawer_reengagement": "reached",
        "blamer_softening": "in_progress",
        "enactment_response": "green",
    }
    pairs = dict(display_pairs("efct", old, world.couple))
    legacy = dict(pairs["Recorded on an earlier version of this template"])
    assert legacy["Withdrawer re-engagement (couple-level, earlier template)"] == "Reached"
    assert legacy["Receiving partner's response (earlier template)"].startswith("Green")
    upgraded = upgrade_answers("efct", old, world.couple)
    assert upgraded["enactment_received"] == "took_in"
    assert (upgraded["stage2_role_a"], upgraded["stage2_a"]) == ("pursuer", "in_progress")
    assert (upgraded["stage2_role_b"], upgraded["stage2_b"]) == ("withdrawer", "reached")


def test_an_old_draft_keeps_its_old_answers_when_saved_on_the_new_template(client, world, login):
    therapy_session = new_session(world.couple, world.therapist, model="efct", answers={"blamer_softening": "reached"})
    db.session.commit()
    login(client, world.therapist)
    note = therapy_session.progress_note
    assert client.post(f"/sessions/{therapy_session.id}/note", data=body(EFT, note.version)).status_code == 302
    stored = db.session.get(ProgressNote, note.id).answers
    assert stored["blamer_softening"] == "reached" and stored["stage"] == "1"


def test_cbct_rates_speaker_and_listener_skills_separately(client, world, login):
    login(client, world.therapist)
    therapy_session = new_session(world.couple, world.therapist, model="cbct")
    db.session.commit()
    form = client.get(f"/sessions/{therapy_session.id}/note").text
    a = world.couple.partner("a")
    assert (
        f"Speaker (expresser) skills — {a.name}" in form and f"Listener (empathic listening) skills — {a.name}" in form
    )
    answers = {**COMPLETE["cbct"], "speaker_skill_a": "5", "listener_skill_a": "1"}
    assert _sign_post(client, therapy_session, answers).status_code == 302
    page = client.get(f"/sessions/{therapy_session.id}").text
    assert "5 · used the skills unprompted" in page and "1 · needed full coaching" in page
    problems = sign_problems("cbct", {**COMPLETE["cbct"], "listener_skill_b": ""})
    assert set(problems) == {"listener_skill_b"}


def test_old_cbct_notes_show_their_single_skill_level(app, world):
    old = {**COMPLETE["cbct"], "skill_level_a": "3", "homework_review": "Both did it."}
    legacy = dict(display_pairs("cbct", old, world.couple))["Recorded on an earlier version of this template"]
    labels = [label for label, _ in legacy]
    assert any(world.couple.partner("a").name in label and "earlier" in label for label in labels)
    assert ("Homework reviewed, both partners (earlier template)", "Both did it.") in legacy


def _homework_week(world):
    a, b = world.couple.partner("a"), world.couple.partner("b")
    assignment = support.assign(world, "speaker-listener", who="each", kind="daily", days_ago=4)
    support.entry(assignment, a, days_ago=3, shared=True, free_text="PRIVATE-WORDS-SHARED")
    support.entry(assignment, a, days_ago=2, free_text="PRIVATE-WORDS-A")
    support.entry(assignment, b, days_ago=1, answers={"topic_chosen": True, "both_spoke": False, "summaries": True})
    db.session.commit()
    return a, b


def test_cbct_homework_review_is_one_field_per_partner_from_their_own_entries(app, world):
    a, b = _homework_week(world)
    therapy_session = new_session(world.couple, world.therapist, model="cbct", days_ago=0)
    answers = therapy_session.progress_note.answers
    assert "homework_review" not in answers
    review_a, review_b = answers["homework_review_a"], answers["homework_review_b"]
    assert f"{a.name}:" in review_a and f"{b.name}:" not in review_a
    assert f"{b.name}:" in review_b and f"{a.name}:" not in review_b
    assert "2 of " in review_a and "1 of " in review_b
    assert "PRIVATE-WORDS" not in review_a + review_b


def test_the_next_note_shows_done_skipped_and_shared_per_partner_never_text(app, world):
    a, b = _homework_week(world)
    review = new_session(world.couple, world.therapist, model="efct", days_ago=0).progress_note.answers[
        "homework_review"
    ]
    a_part, b_part = review.split(f"{b.name}:")
    day3 = f"{practice_today() - timedelta(days=3):%a %-d %b}"
    day1 = f"{practice_today() - timedelta(days=1):%a %-d %b}"
    assert f"done: {day3}" in a_part and f"shared with their partner: {day3}; kept private: 1" in a_part
    assert "skipped:" in a_part and "skipped:" in b_part
    assert f"done: {day1}" in b_part and "shared with their partner: none" in b_part
    assert "Each of us had a turn as speaker (0 of 1)" in b_part
    assert "PRIVATE-WORDS" not in review
