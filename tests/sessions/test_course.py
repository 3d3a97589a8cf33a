"""The couple's course computed from signed notes; the cycle map with history; caseload facts and alerts;
the export's plain data."""

from sqlalchemy import event, select

from clinic.extensions import db
from clinic.registry import caseload_info
from clinic.sessions.caseload import sessions_caseload
from clinic.sessions.course import compute_course
from clinic.sessions.cycle import current_cycle_words
from clinic.sessions.export import couple_sessions_record
from clinic.sessions.models import CycleMap
from tests.factories import make_couple
from tests.sessions.helpers import COMPLETE, STAGE2, new_session

EFT = COMPLETE["efct"]


def _eft_course(world):
    notes = [
        {**EFT, "stage": "1", "steps": ["1", "2"]},
        {**EFT, "stage": "1", "steps": ["3", "4"]},
        {**EFT, **STAGE2, "stage": "2", "steps": ["5"], "withdrawer_reengagement": "in_progress"},
        {**EFT, **STAGE2, "stage": "2", "steps": ["5", "6"], "withdrawer_reengagement": "reached"},
        {
            **EFT,
            **STAGE2,
            "stage": "2",
            "steps": ["7"],
            "withdrawer_reengagement": "reached",
            "blamer_softening": "in_progress",
        },
    ]
    sessions = [
        new_session(world.couple, world.therapist, days_ago=50 - 7 * i, answers=a, sign=True)
        for i, a in enumerate(notes)
    ]
    draft = new_session(
        world.couple,
        world.therapist,
        days_ago=1,
        answers={**EFT, "stage": "3", "steps": ["8"], "blamer_softening": "reached"},
    )
    db.session.commit()
    return sessions, draft


def test_eft_progress_is_computed_from_signed_notes(app, world):
    """Notes written on the earlier couple-level template (withdrawer_reengagement, blamer_softening)
    still count in the course."""
    sessions, _ = _eft_course(world)
    course = compute_course(world.couple)
    assert course.eft.stage_reached == "2"  # the stage-3 draft does not count
    assert course.eft.withdrawer.status == "reached" and course.eft.withdrawer.reached_in.id == sessions[3].id
    assert course.eft.softening.status == "in_progress" and course.eft.softening.reached_in is None
    steps = {key: [s.number for s in found] for key, _, found in course.eft.step_rows()}
    assert steps["5"] == [3, 4] and steps["7"] == [5] and steps["8"] == []
    assert len(course.sessions) == 6


def test_course_page_shows_progress_timeline_and_states(client, world, login):
    sessions, draft = _eft_course(world)
    login(client, world.therapist)
    page = client.get(f"/couples/{world.couple.id}/course").text
    assert "EFT progress" in page and "Stage 2 · Restructuring interactional positions" in page
    assert f"in session {sessions[3].number}" in page
    assert "Session 6" in page and "Draft" in page and "Signed" in page


def test_cbct_modules_covered_and_when(client, world, login):
    couple = make_couple(world.therapist, model="cbct")
    cbct = COMPLETE["cbct"]
    new_session(couple, world.therapist, days_ago=20, answers={**cbct, "modules": ["communication_sharing"]}, sign=True)
    new_session(
        couple,
        world.therapist,
        days_ago=10,
        sign=True,
        answers={
            **cbct,
            "modules": ["communication_sharing", "cognitive_restructuring"],
            "cognition_types": ["standards"],
        },
    )
    new_session(couple, world.therapist, days_ago=2, answers={**cbct, "modules": ["emotion_regulation"]})
    db.session.commit()
    course = compute_course(couple)
    covered = {key: [s.number for s in found] for key, _, found in course.module_rows()}
    assert covered["communication_sharing"] == [1, 2] and covered["cognitive_restructuring"] == [2]
    assert covered["emotion_regulation"] == []  # only in a draft
    login(client, world.therapist)
    page = client.get(f"/couples/{couple.id}/course").text
    assert "CBCT modules covered" in page and "Cognitive restructuring" in page


def test_cycle_map_edits_keep_history_and_refuse_stale_saves(client, world, login):
    login(client, world.therapist)
    url = f"/couples/{world.couple.id}/cycle-map"
    first = {
        "cycle_name": "the chase",
        "a_trigger": "A late text",
        "a_action_tendency": "Pursue",
        "b_action_tendency": "Withdraw",
        "b_primary_emotion": "Shame",
    }
    assert client.post(url, data=first).status_code == 302
    assert client.post(url, data={**first, "cycle_name": "the dance", "based_on": "1"}).status_code == 302
    stale = client.post(url, data={**first, "cycle_name": "the tug of war", "based_on": "1"})
    assert stale.status_code == 409 and "the tug of war" in stale.text
    versions = db.session.scalars(select(CycleMap).order_by(CycleMap.number)).all()
    assert [v.cycle_name for v in versions] == ["the chase", "the dance"]
    page = client.get(url).text
    assert "Version 1" in page and "Version 2" in page
    words = current_cycle_words(world.couple)
    assert words["cycle_name"] == "the dance" and words["version"] == 2
    assert words["partners"]["a"]["trigger"] == "A late text"
    assert words["partners"]["b"]["name"] == world.couple.partner("b").name
    assert words["partners"]["b"]["attachment_need"] == ""


def test_eft_notes_reference_the_cycle_map(client, world, login):
    login(client, world.therapist)
    client.post(f"/couples/{world.couple.id}/cycle-map", data={"cycle_name": "the chase", "a_trigger": "Silence"})
    therapy_session = new_session(world.couple, world.therapist)
    db.session.commit()
    assert therapy_session.progress_note.cycle_map.cycle_name == "the chase"
    page = client.get(f"/sessions/{therapy_session.id}/note").text
    assert "the chase" in page and "Silence" in page


def test_no_cycle_map_means_none(app, world):
    assert current_cycle_words(world.couple) is None


def test_caseload_gets_last_session_and_overdue_alerts_in_fixed_queries(app, client, world, login):
    assert app.config["UNSIGNED_NOTE_ALERT_DAYS"] == 3
    new_session(world.couple, world.therapist, days_ago=10, answers=EFT, sign=True)
    new_session(world.couple, world.therapist, days_ago=5)  # unsigned, overdue
    new_session(world.couple, world.therapist, days_ago=1)  # unsigned, recent: no alert yet
    more = [make_couple(world.therapist) for _ in range(3)]
    db.session.commit()
    info = sessions_caseload([world.couple])
    assert info[world.couple.id].facts["Last session"].endswith("(#3)")
    assert info[world.couple.id].alerts == [
        "1 note is unsigned more than 3 days after the session (oldest: session 2)."
    ]
    counts = []
    for couples in ([world.couple], [world.couple, *more]):
        statements: list[str] = []
        listener = lambda *args, seen=statements: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        sessions_caseload(couples)
        event.remove(db.engine, "before_cursor_execute", listener)
        counts.append(len([s for s in statements if "therapy_session" in s]))
    assert counts[0] == counts[1] == 2  # session summary (last, overdue notes, conjoint), raised risk for both
    login(client, world.therapist)
    assert "unsigned more than 3 days" in client.get("/caseload").text
    assert caseload_info([world.couple])[world.couple.id].facts["Last session"]


def test_alert_days_are_configurable(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "UNSIGNED_NOTE_ALERT_DAYS", 7)
    new_session(world.couple, world.therapist, days_ago=5)
    db.session.commit()
    assert (
        world.couple.id not in sessions_caseload([world.couple])
        or sessions_caseload([world.couple])[world.couple.id].alerts == []
    )


def test_export_gives_plain_data_with_signed_notes_and_addenda(app, world):
    from clinic.sessions import services

    signed = new_session(
        world.couple, world.therapist, days_ago=9, answers={**EFT, "observations": "Calmer"}, sign=True
    )
    services.add_addendum(signed.progress_note, world.therapist, "Late entry", "Phoned afterwards")
    new_session(world.couple, world.therapist, days_ago=1, answers={"observations": "Unfinished draft"})
    db.session.commit()
    record = couple_sessions_record(world.couple, include_process_notes=False)
    assert [r["number"] for r in record] == [1, 2]
    first, second = record
    assert first["note_state"] == "signed" and first["note"]["hash_ok"] is True
    fields = {f["label"]: f["value"] for s in first["note"]["sections"] for f in s["fields"]}
    assert fields["Stage worked in"] == "Stage 1 · Cycle de-escalation"
    assert fields["Observations"] == "Calmer"
    assert fields[f"Risk — {world.couple.partner('a').name}"] == "None"
    assert first["note"]["addenda"][0]["text"] == "Phoned afterwards"
    assert second["note"] is None and "Unfinished draft" not in repr(record)
    import json

    json.dumps(record)  # plain data only


def test_course_timeline_is_paginated_latest_first_with_older_sessions_on_the_next_page(
    app, client, world, login, monkeypatch
):
    monkeypatch.setitem(app.config, "PER_PAGE", 3)
    for i in range(5):
        new_session(world.couple, world.therapist, days_ago=40 - 7 * i, answers={**EFT, "stage": "1"}, sign=True)
    db.session.commit()
    login(client, world.therapist)
    first = client.get(f"/couples/{world.couple.id}/course").text
    timeline = first[first.index('id="timeline-heading"') :]
    assert all(f"Session {n}</a>" in timeline for n in (5, 4, 3))
    assert "Session 2</a>" not in timeline and "Session 1</a>" not in timeline
    assert timeline.index("Session 5</a>") < timeline.index("Session 3</a>")  # latest first
    assert f"/couples/{world.couple.id}/course?page=2" in timeline and "Older" in timeline
    older = client.get(f"/couples/{world.couple.id}/course?page=2").text
    older = older[older.index('id="timeline-heading"') :]
    assert "Session 2</a>" in older and "Session 1</a>" in older and "Session 5</a>" not in older
    assert ">S1</abbr>" in first and ">S5</abbr>" in first  # the summary counts every signed note
