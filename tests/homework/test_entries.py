"""Partners log entries: validation against the exercise, dates, ended work, double submit, 7-day edits."""

import html
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from clinic.extensions import db
from clinic.homework import services
from clinic.homework.models import Entry, EntryRevision
from clinic.homework.services import practice_today
from clinic.settings import edit_practice_settings
from tests.homework import support


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _log(**overrides):
    data = {
        "done_on": practice_today().isoformat(),
        "a_situation": "Fictional: a reply that took all afternoon",
        "a_surface": "Restless",
        "a_underneath": "Worried I don't matter",
        "free_text": "",
        "form_token": "tok-entry-aaaaaaaaaaaaaaaaaa",
    }
    data.update(overrides)
    return data


def _count(model=Entry):
    return db.session.scalar(select(func.count()).select_from(model))


def test_partner_logs_a_structured_entry_once_despite_double_submit(client, world, login):
    assignment = support.assign(world, "attachment-trigger-journal", days_ago=2)
    db.session.commit()
    login(client, world.partner_a)
    url = f"/portal/homework/{assignment.id}"
    page = text(client.get(url))
    assert "What I felt underneath" in page and "Share this entry with my partner" in page
    first = client.post(url, data=_log())
    second = client.post(url, data=_log())
    assert first.status_code == 302 and second.headers["Location"] == first.headers["Location"]
    assert _count() == 1
    entry = db.session.scalar(select(Entry))
    assert entry.answers["underneath"] == "Worried I don't matter" and entry.is_shared is False
    assert "1 of 7 this week" in text(client.get(url)) or "this week" in text(client.get(url))


def test_entries_are_checked_against_the_exercises_fields(client, world, login):
    journal = support.assign(world, "attachment-trigger-journal", days_ago=2)
    checkin = support.assign(world, "mindful-check-in", who="together", days_ago=2)
    db.session.commit()
    login(client, world.partner_a)
    response = client.post(f"/portal/homework/{journal.id}", data=_log(a_situation="", a_surface=""))
    page = text(response)
    # each message next to its field and again in the summary at the top
    assert response.status_code == 422 and page.count("Please fill this in.") == 4
    assert "Worried I don't matter" in page  # what was typed is kept
    response = client.post(f"/portal/homework/{checkin.id}", data={"done_on": practice_today().isoformat()})
    assert response.status_code == 422 and "Choose a rating from 1 to 5." in text(response)
    response = client.post(
        f"/portal/homework/{checkin.id}", data={"done_on": practice_today().isoformat(), "rating": "9"}
    )
    assert response.status_code == 422 and "Choose a rating from 1 to 5." in text(response)
    response = client.post(
        f"/portal/homework/{checkin.id}",
        data={"done_on": practice_today().isoformat(), "rating": "4", "a_unknown": "sneaky"},
    )
    assert response.status_code == 302
    entry = db.session.scalar(select(Entry))
    assert entry.rating == 4 and entry.answers == {}


def test_service_ignores_fields_the_exercise_does_not_have(app, world):
    assignment = support.assign(world, "caring-days", days_ago=1)
    entry = support.entry(assignment, world.couple.partner("a"), answers={"caring_act": "Made tea", "is_admin": "yes"})
    assert entry.answers == {"caring_act": "Made tea", "noticed": "", "feeling": ""}


def test_future_dates_and_dates_before_the_start_are_refused(client, world, login):
    assignment = support.assign(world, "caring-days", days_ago=2)
    db.session.commit()
    login(client, world.partner_a)
    url = f"/portal/homework/{assignment.id}"
    tomorrow = (practice_today() + timedelta(days=1)).isoformat()
    response = client.post(url, data={"done_on": tomorrow, "a_caring_act": "Fictional kindness"})
    assert response.status_code == 422 and "That date is in the future" in text(response)
    before = (practice_today() - timedelta(days=5)).isoformat()
    response = client.post(url, data={"done_on": before, "a_caring_act": "Fictional kindness"})
    assert response.status_code == 422 and "This homework starts on" in text(response)
    assert _count() == 0


def test_ended_and_paused_assignments_take_no_entries(client, world, login):
    assignment = support.assign(world, "caring-days", days_ago=2)
    services.change_assignment_status(assignment, "pause")
    db.session.commit()
    login(client, world.partner_a)
    url = f"/portal/homework/{assignment.id}"
    data = {"done_on": practice_today().isoformat(), "a_caring_act": "Fictional kindness"}
    response = client.post(url, data=data)
    assert response.status_code == 422 and "paused" in text(response)
    services.change_assignment_status(db.session.get(type(assignment), assignment.id), "end")
    db.session.commit()
    response = client.post(url, data=data)
    assert response.status_code == 422 and "has ended" in text(response)
    assert _count() == 0


def test_entry_dates_follow_the_practice_time_zone(app, world, monkeypatch):
    # 03:30 UTC on 10 March is still 9 March in Los Angeles: "today" for the practice is the 9th.
    settings = edit_practice_settings()
    settings.time_zone = "America/Los_Angeles"
    import clinic.homework.calendar

    monkeypatch.setattr(clinic.homework.calendar, "utcnow", lambda: datetime(2026, 3, 10, 3, 30, tzinfo=UTC))
    assert services.practice_today().isoformat() == "2026-03-09"
    settings.time_zone = "Asia/Tokyo"
    assert services.practice_today().isoformat() == "2026-03-10"


def test_own_entry_can_be_edited_for_seven_days_with_history(client, world, login):
    assignment = support.assign(world, "caring-days", days_ago=3)
    entry = support.entry(assignment, world.couple.partner("a"), days_ago=1, free_text="First version")
    db.session.commit()
    login(client, world.partner_a)
    url = f"/portal/homework/entries/{entry.id}/edit"
    assert "First version" in text(client.get(url))
    data = {
        "done_on": entry.done_on.isoformat(),
        "a_caring_act": "Fictional: cooked dinner",
        "free_text": "Second version",
        "is_shared": "y",
        "version": str(entry.version),
    }
    assert client.post(url, data=data).status_code == 302
    entry = db.session.get(Entry, entry.id)
    assert entry.free_text == "Second version" and entry.is_shared
    assert [r.free_text for r in entry.revisions] == ["First version"]
    stale = client.post(url, data={**data, "free_text": "Stale third version"})
    assert stale.status_code == 409 and "Stale third version" in text(stale)
    # Eight days later the entry is kept as it is.
    entry.created_at = datetime.now(UTC) - timedelta(days=8)
    db.session.commit()
    response = client.post(url, data={**data, "free_text": "Too late", "version": str(entry.version)})
    assert response.status_code == 422 and "for 7 days" in text(response)
    assert _count(EntryRevision) == 1
    page = text(client.get(f"/portal/homework/{assignment.id}"))
    assert f"/portal/homework/entries/{entry.id}/edit" not in page


def test_nobody_else_can_edit_an_entry(client, world, login):
    assignment = support.assign(world, "caring-days", who="together", days_ago=3)
    entry = support.entry(assignment, world.couple.partner("a"), days_ago=1, shared=True)
    db.session.commit()
    for user in (world.partner_b, world.outsider):
        login(client, user)
        assert client.get(f"/portal/homework/entries/{entry.id}/edit").status_code == 404


def test_therapist_sees_private_entries_marked_and_the_edit_history(client, world, login):
    assignment = support.assign(world, "caring-days", days_ago=3)
    entry = support.entry(assignment, world.couple.partner("a"), days_ago=1, free_text="Fictional before")
    support.entry(assignment, world.couple.partner("b"), days_ago=1, shared=True, free_text="Fictional shared")
    services.edit_entry(
        entry,
        world.partner_a,
        entry.version,
        {"done_on": entry.done_on, "answers": {"caring_act": "Tea"}, "free_text": "Fictional after"},
    )
    db.session.commit()
    login(client, world.therapist)
    page = text(client.get(f"/couples/{world.couple.id}/homework/{assignment.id}"))
    assert "Private" in page and "Shared with partner" in page
    assert "Fictional after" in page and "Fictional before" in page and "Earlier versions" in page


def test_today_page_shows_what_is_due_and_what_the_partner_shared(client, world, login):
    assignment = support.assign(world, "caring-days", days_ago=2)
    support.entry(assignment, world.couple.partner("b"), days_ago=1, shared=True)
    db.session.commit()
    login(client, world.partner_a)
    page = text(client.get("/portal/"))
    assert "Homework" in page and "Caring days" in page and "Due today" in page
    assert f"Shared by {world.couple.partner('b').name}" in page


def test_long_entry_histories_are_paged(client, world, login):
    assignment = support.assign(world, "caring-days", days_ago=30)
    for ago in range(25):
        support.entry(assignment, world.couple.partner("a"), days_ago=ago, free_text=f"Fictional day {ago}")
    db.session.commit()
    login(client, world.partner_a)
    first = text(client.get(f"/portal/homework/{assignment.id}"))
    assert "Fictional day 0" in first and "Fictional day 24" not in first and "Page 1 of 2" in first
    second = text(client.get(f"/portal/homework/{assignment.id}?page=2"))
    assert "Fictional day 24" in second and "Fictional day 0\n" not in second
    login(client, world.therapist)
    page = text(client.get(f"/couples/{world.couple.id}/homework/{assignment.id}?page=2"))
    assert "Entries (25)" in page and "Fictional day 24" in page


def test_assign_link_from_the_exercise_page_preselects_it(client, world, login):
    exercise = support.builtin("thought-log")
    db.session.commit()
    login(client, world.therapist)
    page = text(client.get(f"/exercises/{exercise.id}"))
    link = f"/couples/{world.couple.id}/homework/assign?exercise_id={exercise.id}"
    assert link in page
    form = text(client.get(link))
    assert f'<option selected value="{exercise.id}">' in form or f'value="{exercise.id}" selected' in form


def test_a_wrong_date_is_explained_together_with_missing_fields(client, world, login):
    assignment = support.assign(world, "attachment-trigger-journal", days_ago=2)
    db.session.commit()
    login(client, world.partner_a)
    tomorrow = (practice_today() + timedelta(days=1)).isoformat()
    response = client.post(f"/portal/homework/{assignment.id}", data=_log(done_on=tomorrow, a_situation=""))
    page = text(response)
    assert response.status_code == 422 and "Please fill this in." in page and "That date is in the future" in page
