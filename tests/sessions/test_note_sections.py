"""Long note forms fold into parts with a jump list; a part with a problem is marked and never folded (#18)."""

import re

import pytest

from clinic.extensions import db
from tests.sessions.helpers import COMPLETE, PASSWORD, body, new_session


def _parts(page: str) -> dict[str, str]:
    """{part id: its opening <details …> tag} in page order."""
    return {m.group(1): m.group(0) for m in re.finditer(r'<details class="note-section" id="([^"]+)"[^>]*>', page)}


@pytest.mark.parametrize("model", ["efct", "cbct"])
def test_every_part_is_a_section_listed_in_the_jump_list(client, world, login, model):
    therapy_session = new_session(world.couple, world.therapist, model=model)
    db.session.commit()
    login(client, world.therapist)
    page = client.get(f"/sessions/{therapy_session.id}/note").text
    parts = _parts(page)
    assert len(parts) >= 5
    # some parts are sent open and some folded (a <details> opens by its summary, no JavaScript needed)
    assert any(" open" in tag for tag in parts.values()) and not all(" open" in tag for tag in parts.values())
    jump = page.split('<nav class="note-jump" aria-label="Parts of this note">', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'<a href="#([^"]+)">', jump) == list(parts)
    # every field is still inside the one form, each part a labelled group
    form = page.split('id="note-form"', 1)[1].split("</form>", 1)[0]
    assert form.count('<details class="note-section"') == len(parts)
    assert form.count('<legend class="visually-hidden">') == len(parts)
    assert 'name="plan"' in form and 'name="risk_a"' in form


def test_a_refused_signature_marks_the_parts_to_fix_and_keeps_the_text(client, world, login):
    therapy_session = new_session(world.couple, world.therapist, model="efct")
    db.session.commit()
    note = therapy_session.progress_note
    login(client, world.therapist)
    answers = {**COMPLETE["efct"], "stage": None, "risk_b": None, "observations": "Typed before signing"}
    response = client.post(
        f"/sessions/{therapy_session.id}/note/sign",
        data=body(answers, note.version, attest="y", password=PASSWORD),
    )
    assert response.status_code == 422
    page = response.text
    parts = _parts(page)
    flagged = [part for part, tag in parts.items() if "data-has-errors" in tag]
    assert len(flagged) == 2  # the stage and the risk check
    jump = page.split('<nav class="note-jump"', 1)[1].split("</nav>", 1)[0]
    assert jump.count("(to fix)") == 2
    for part in flagged:
        section = page.split(f'id="{part}"', 1)[1].split("</details>", 1)[0]
        assert 'class="field-error"' in section and "to fix</span>" in section
    summary = page.split('id="form-errors"', 1)[1].split("</div>", 1)[0]
    assert re.findall(r'<a href="#([^"]+)">', summary) == ["stage", "risk_b"]
    for field_id in ("stage", "risk_b"):  # each link's target is inside a part marked to fix
        owner = page[: page.index(f'id="{field_id}"')].rsplit('<details class="note-section"', 1)[1]
        assert "data-has-errors" in owner.split(">", 1)[0]
    assert "Typed before signing" in page
