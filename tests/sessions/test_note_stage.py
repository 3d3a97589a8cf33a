"""The note edit page opens at the couple's current stage (#18): the stage's parts open, the rest folded,
parts with content or problems open and marked in the jump list, the risk check open when it matters,
and at most one SQL statement more than before."""

import re

from clinic.extensions import db
from tests.measures.helpers import POSITIVE, screen_for
from tests.sessions.helpers import COMPLETE, PASSWORD, STAGE2, body, new_session
from tests.support.queries import counted_queries as counted

INJURY = "Attachment injury"
STAGE2_PART = "Stage 2, per partner (steps 5–7 run once for each partner)"
# The note edit page ran 11 statements before #18 (settings, user, session with note, partners, addenda,
# kept text, cycle map, co-signature, and the audit insert with its BEGINs). #18 reads the earlier signed
# notes (+1) and the safety flag when needed (+1), and no longer reads the draft's addenda (-1).
BEFORE_18 = 11


def _parts(page: str) -> dict[str, str]:
    """{part heading: its opening <details …> tag}."""
    found = re.finditer(
        r'(<details class="note-section" id="[^"]+"[^>]*>)\s*<summary><span class="note-section-title">([^<]+)<', page
    )
    return {m.group(2).replace("&amp;", "&"): m.group(1) for m in found}


def _jump(page: str) -> str:
    return page.split('<nav class="note-jump" aria-label="Parts of this note">', 1)[1].split("</nav>", 1)[0]


def _link(page: str, heading: str) -> str:
    """The jump list's link for one part, with its marks."""
    return next(li for li in re.findall(r"<li>(.*?)</li>", _jump(page), re.S) if f">{heading}" in li)


def _stage2_signed(world, **extra):
    answers = {**COMPLETE["efct"], **STAGE2, "stage": "2", "steps": ["5", "6"], **extra}
    return new_session(world.couple, world.therapist, model="efct", days_ago=10, answers=answers, sign=True)


def _open_note(client, world, login, therapy_session) -> str:
    db.session.commit()
    login(client, world.therapist)
    response = client.get(f"/sessions/{therapy_session.id}/note")
    assert response.status_code == 200
    return response.text


def test_the_page_opens_at_the_stage_of_the_last_signed_note(client, world, login):
    _stage2_signed(world)
    new_session(world.couple, world.therapist, model="efct", days_ago=5, answers={"stage": "3"})  # draft: ignored
    therapy_session = new_session(world.couple, world.therapist, model="efct")
    page = _open_note(client, world, login, therapy_session)
    assert "Current stage: Stage 2 · Restructuring interactional positions" in page
    assert "session 1’s signed note; steps 5, 6" in page
    parts = _parts(page)
    assert " open" in parts[STAGE2_PART] and " open" in parts["Enactment"]  # the current stage
    assert " open" in parts["Stage and steps"] and " open" in parts["Plan for next session"]
    assert " open" not in parts["The cycle this session"]  # Stage 1's part folds now
    assert " open" not in parts["Attachment injury"] and " open" not in parts["Risk check"]
    assert "current stage" in _link(page, STAGE2_PART) and "current stage" in _link(page, "Enactment")
    assert "current stage" not in _link(page, "Stage and steps") and "current stage" not in _link(page, INJURY)
    assert _jump(page).index("Current stage:") < _jump(page).index("<ol>")  # the stage first, then the parts
    assert page.index('class="note-jump"') < page.index('id="note-form"')  # right after the note's header
    form = page.split('id="note-form"', 1)[1].split("</form>", 1)[0]
    assert 'name="injury_description"' in form  # a folded part's fields are still in the form, and sent


def test_a_couple_without_signed_notes_starts_at_stage_1(client, world, login):
    therapy_session = new_session(world.couple, world.therapist, model="efct")
    page = _open_note(client, world, login, therapy_session)
    assert "Current stage: Stage 1 · Cycle de-escalation" in page and "no signed note yet" in page
    parts = _parts(page)
    assert " open" in parts["The cycle this session"] and " open" not in parts[STAGE2_PART]


def test_cbct_opens_at_the_modules_last_worked_on(client, world, login):
    answers = {**COMPLETE["cbct"], "modules": ["cognitive_restructuring"], "cognition_types": ["attributions"]}
    new_session(world.couple, world.therapist, model="cbct", days_ago=10, answers=answers, sign=True)
    therapy_session = new_session(world.couple, world.therapist, model="cbct")
    page = _open_note(client, world, login, therapy_session)
    assert "Current stage: Cognitive restructuring" in page
    parts = _parts(page)
    assert " open" in parts["Cognitions identified"] and " open" not in parts["Skill practice"]


def test_parts_with_text_or_answers_are_open_and_marked_in_the_jump_list(client, world, login):
    _stage2_signed(world)
    answers = {"observations": "They stayed with it.", "injury": "no"}
    therapy_session = new_session(world.couple, world.therapist, model="efct", answers=answers)
    page = _open_note(client, world, login, therapy_session)
    parts = _parts(page)
    assert " open" in parts["Change events and observations"] and " open" in parts["Attachment injury"]
    assert "has text" in _link(page, "Change events and observations")
    assert "answered" in _link(page, "Attachment injury")
    assert "has text" not in _link(page, "The cycle this session") and "answered" not in _link(page, "Enactment")
    assert " open" not in parts["Narrative (optional, Data / Assessment / Plan)"]


def test_parts_with_problems_are_open_and_marked_to_fix(client, world, login):
    _stage2_signed(world)
    therapy_session = new_session(world.couple, world.therapist, model="efct")
    note = therapy_session.progress_note
    db.session.commit()
    login(client, world.therapist)
    answers = {**COMPLETE["efct"], "stage": "2", "steps": ["5"], "injury": "yes"}  # no role, no injury words
    response = client.post(
        f"/sessions/{therapy_session.id}/note/sign", data=body(answers, note.version, attest="y", password=PASSWORD)
    )
    assert response.status_code == 422
    page, parts = response.text, _parts(response.text)
    assert " open" in parts["Attachment injury"] and "data-has-errors" in parts["Attachment injury"]
    assert "(to fix)" in _link(page, "Attachment injury") and "(to fix)" in _link(page, STAGE2_PART)
    assert "(to fix)" not in _link(page, "Enactment")

    invalid = client.post(f"/sessions/{therapy_session.id}/note", data=body({"plan": "x" * 2001}, note.version + 1))
    assert invalid.status_code == 422  # a shape error on save: its part opens and is marked too
    assert "(to fix)" in _link(invalid.text, "Plan for next session")


def test_the_risk_check_opens_while_the_safety_safeguard_holds(client, world, login):
    therapy_session = new_session(world.couple, world.therapist, model="efct")
    page = _open_note(client, world, login, therapy_session)
    assert " open" not in _parts(page)["Risk check"]
    screen_for(world, "a", POSITIVE)
    page = _open_note(client, world, login, therapy_session)
    assert " open" in _parts(page)["Risk check"]
    assert "safety safeguard holds" in page.split('id="note-part-', 1)[1]
    assert "Alex" not in page.split("safety safeguard holds", 1)[0][-200:]  # says why, names no one


def test_the_risk_check_opens_after_a_moderate_or_high_risk_on_the_last_signed_note(client, world, login):
    _stage2_signed(world, risk_a="high", risk_note_a="Asked about safety at home; plan agreed.")
    therapy_session = new_session(world.couple, world.therapist, model="efct")
    page = _open_note(client, world, login, therapy_session)
    assert " open" in _parts(page)["Risk check"]
    assert "The last signed note recorded a moderate or high risk." in page


def _count(client, path) -> int:
    client.get(path)  # warm caches (settings, templates)
    with counted() as statements:
        response = client.get(path)
    assert response.status_code == 200
    return len(statements)


def test_the_edit_page_runs_at_most_one_statement_more_than_before(client, world, login):
    therapy_session = new_session(world.couple, world.therapist, model="efct")
    db.session.commit()
    login(client, world.therapist)
    path = f"/sessions/{therapy_session.id}/note"
    first = _count(client, path)
    for days in (30, 20, 15):
        new_session(world.couple, world.therapist, days_ago=days, answers=COMPLETE["efct"], sign=True)
    _stage2_signed(world)
    screen_for(world, "b", POSITIVE)
    db.session.commit()
    later = new_session(world.couple, world.therapist, model="efct")
    db.session.commit()
    path = f"/sessions/{later.id}/note"
    flagged = _count(client, path)
    assert first <= BEFORE_18 + 1 and flagged <= BEFORE_18 + 1, (first, flagged)
    assert flagged == first  # the same with more history behind it
