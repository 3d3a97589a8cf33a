"""A moderate or high risk rating raises a clinician-only caseload alert until it is addressed."""

from sqlalchemy import event

from clinic.audit.models import AuditEvent
from clinic.extensions import db
from clinic.registry import caseload_info
from clinic.sessions.caseload import sessions_caseload
from clinic.sessions.models import NoteRiskReview
from tests.factories import make_couple
from tests.sessions.helpers import COMPLETE, new_session

HIGH_A = {**COMPLETE["efct"], "risk_a": "high", "risk_note_a": "Fictional: frightened at home."}


def _alerts(couple):
    return caseload_info([couple])[couple.id].alerts


def _risk_alerts(couple):
    return [a for a in _alerts(couple) if a.startswith("Risk rated")]


def test_high_risk_in_a_signed_note_raises_an_alert(app, world):
    ts = new_session(world.couple, world.therapist, days_ago=2, answers=HIGH_A, sign=True)
    name = world.couple.partner("a").name
    assert _risk_alerts(world.couple) == [
        f"Risk rated high for {name} in session {ts.number}: record how it was addressed."
    ]


def test_moderate_risk_in_a_draft_raises_an_alert_too(app, world):
    new_session(world.couple, world.therapist, answers={"risk_b": "moderate"})
    [alert] = _risk_alerts(world.couple)
    assert f"Risk rated moderate for {world.couple.partner('b').name} in session 1" in alert


def test_none_and_low_raise_nothing(app, world):
    new_session(world.couple, world.therapist, answers={"risk_a": "low", "risk_b": "none"}, sign=False)
    assert _risk_alerts(world.couple) == []


def test_recording_how_it_was_addressed_ends_the_alert(app, client, world, login):
    ts = new_session(world.couple, world.therapist, days_ago=2, answers=HIGH_A, sign=True)
    db.session.commit()
    login(client, world.therapist)
    page = client.get(f"/sessions/{ts.id}").get_data(as_text=True)
    assert "Risk follow-up" in page and "Record how it was addressed" in page
    refused = client.post(f"/sessions/{ts.id}/risk-reviews", data={"position": "a", "text": "  "})
    assert refused.status_code == 422 and "Write what was done about the risk." in refused.get_data(as_text=True)
    wrong = client.post(f"/sessions/{ts.id}/risk-reviews", data={"position": "b", "text": "Something"})
    assert wrong.status_code == 422
    response = client.post(
        f"/sessions/{ts.id}/risk-reviews", data={"position": "a", "text": "Safety plan reviewed; crisis line given."}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("#risk")
    [review] = db.session.scalars(db.select(NoteRiskReview)).all()
    assert (review.position, review.by_id, review.progress_note_id) == ("a", world.therapist.id, ts.progress_note.id)
    assert _risk_alerts(world.couple) == []
    event_ = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "note_risk_review.added"))
    assert (event_.record_type, event_.record_id, event_.couple_id) == ("note_risk_review", review.id, world.couple.id)
    assert "Safety plan reviewed" in client.get(f"/sessions/{ts.id}").get_data(as_text=True)


def test_a_later_signed_note_rating_low_ends_the_alert_but_a_draft_does_not(app, world):
    new_session(world.couple, world.therapist, days_ago=9, answers=HIGH_A, sign=True)
    new_session(world.couple, world.therapist, days_ago=2, answers={**COMPLETE["efct"], "risk_a": "low"})
    assert len(_risk_alerts(world.couple)) == 1  # the later note is still a draft
    new_session(world.couple, world.therapist, days_ago=1, answers={**COMPLETE["efct"], "risk_a": "none"}, sign=True)
    assert _risk_alerts(world.couple) == []


def test_a_later_low_rating_for_the_other_partner_does_not_end_it(app, world):
    new_session(world.couple, world.therapist, days_ago=9, answers=HIGH_A, sign=True)
    # A signed note for a session that took place rates both partners; a no-show's note may rate one.
    only_b = {"risk_b": "low", "plan": "Phone them to rebook."}
    new_session(world.couple, world.therapist, days_ago=1, answers=only_b, sign=True, attendance="no_show")
    assert len(_risk_alerts(world.couple)) == 1


def test_partners_never_see_the_alert_or_the_review(app, client, world, login):
    ts = new_session(world.couple, world.therapist, days_ago=2, answers=HIGH_A, sign=True)
    db.session.commit()
    login(client, world.therapist)
    client.post(f"/sessions/{ts.id}/risk-reviews", data={"position": "a", "text": "Fictional-marker-7731"})
    for partner in (world.partner_a, world.partner_b):
        login(client, partner)
        assert client.post(f"/sessions/{ts.id}/risk-reviews", data={"position": "a", "text": "x"}).status_code == 404
        for path in ("/portal/", "/portal/homework", "/portal/handouts"):
            page = client.get(path).get_data(as_text=True)
            assert "Fictional-marker-7731" not in page and "Risk rated" not in page
    assert db.session.scalar(db.select(db.func.count()).select_from(NoteRiskReview)) == 1


def _queries_for(couples) -> int:
    count = 0

    def counter(*_args):
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        sessions_caseload(couples)
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    return count


def test_caseload_risk_alerts_take_a_fixed_number_of_queries(app, world):
    couples = [world.couple] + [make_couple(world.therapist) for _ in range(19)]
    for couple in couples:
        new_session(couple, world.therapist, days_ago=3, answers=HIGH_A, sign=True)
    db.session.commit()
    sessions_caseload(couples[:1])  # warm up: the practice's time zone is read once per request
    one, twenty = _queries_for(couples[:1]), _queries_for(couples)
    assert one == twenty == 2  # session summary (last session, overdue notes), risk for both partners (UNION ALL)
    info = sessions_caseload(couples)
    assert all(any(a.startswith("Risk rated high") for a in info[c.id].alerts) for c in couples)
