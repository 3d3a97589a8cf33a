"""Every mistake on the assign form shows after one submit, next to its field and in a summary (#18)."""

import html
import re
from datetime import timedelta

from clinic.homework.services import practice_today
from tests.homework import support


def test_three_mistakes_three_messages_one_submit(client, world, login):
    login(client, world.therapist)
    today = practice_today()
    response = client.post(
        f"/couples/{world.couple.id}/homework/assign",
        data={
            "exercise_id": "",  # no exercise
            "who": "one",  # ... and no partner chosen
            "starts_on": today.isoformat(),
            "due_on": (today - timedelta(days=2)).isoformat(),  # due before start
            "frequency_kind": "weekly",  # ... with no times a week
            "form_token": "tok-assign-errors-aaaaaaaaaa",
        },
    )
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    for message in (
        "Choose an exercise.",
        "Choose which partner this is for.",
        "The due date can't be before the start date.",
        "Choose between 1 and 7 times a week.",
    ):
        assert message in page, message
    summary = page[page.index('id="form-errors"') : page.index("</ul>", page.index('id="form-errors"'))]
    assert "There are 4 things to fix" in summary
    for target in ("exercise_id", "partner_id", "due_on", "times_per_week"):
        assert f'href="#{target}"' in summary and f'id="{target}"' in page, target


def test_a_good_form_after_the_mistakes_assigns(client, world, login):
    login(client, world.therapist)
    today = practice_today()
    response = client.post(
        f"/couples/{world.couple.id}/homework/assign",
        data={
            "exercise_id": str(support.builtin("speaker-listener").id),
            "who": "together",
            "starts_on": today.isoformat(),
            "frequency_kind": "weekly",
            "times_per_week": "2",
            "form_token": "tok-assign-errors-bbbbbbbbbb",
        },
    )
    assert response.status_code == 302


def test_an_over_long_note_is_kept_and_explained_never_cut(client, world, login):
    login(client, world.therapist)
    today = practice_today()
    note = ("Fictional note. " * 130).strip()  # 2,079 characters, over the 2,000 limit
    response = client.post(
        f"/couples/{world.couple.id}/homework/assign",
        data={
            "exercise_id": str(support.builtin("speaker-listener").id),
            "who": "together",
            "starts_on": today.isoformat(),
            "frequency_kind": "daily",
            "note": note,
            "form_token": "tok-assign-errors-cccccccccc",
        },
    )
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "This is 2,079 characters; keep it to 2,000 or fewer." in page
    assert note in page  # every character kept in the field
    assert not re.search(r'<textarea[^>]*name="note"[^>]*maxlength', page)
    assert 'data-maxlength="2000"' in page and "2079 of 2000 characters" in page
