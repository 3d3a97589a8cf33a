"""Issue #16: releases of the record each partner authorises, and a partner's download of their own entries."""

import json
import re
from datetime import UTC, datetime, timedelta

from flask import render_template
from sqlalchemy import select

from clinic.audit.models import AuditEvent
from clinic.db import utcnow
from clinic.extensions import db
from clinic.handouts.library import builtin_handouts
from clinic.handouts.services import give_handout
from clinic.records.models import RecordRelease
from clinic.records.services import release_record
from clinic.sessions import services as sessions
from clinic.sessions.demo import EFT_NOTES
from clinic.supervision.trail import describe
from tests.factories import PASSWORD
from tests.homework import support

THIRD_PARTY = {
    "scope": "joint",
    "recipient": "third_party",
    "recipient_name": "Dr. Example Reader",
    "recipient_organisation": "Example Health",
    "purpose": "Continuity of care after a move",
}


def _request(client, couple, **form):
    response = client.post(f"/couples/{couple.id}/releases/new", data={**THIRD_PARTY, **form})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.scalars(select(RecordRelease).order_by(RecordRelease.id.desc())).first()


def _authorise(client, user, release, name, **extra):
    _login(client, user)  # the same client signs in as each partner in turn
    return client.post(f"/portal/records/releases/{release.id}", data={"typed_name": name, "confirmed": "y", **extra})


def _login(client, user):
    from tests.conftest import login_as

    login_as(client, user)


def _actions():
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def _generate(client, couple, release, fmt="json"):
    started = client.post(f"/couples/{couple.id}/releases/{release.id}/generate", data={"format": fmt})
    assert started.status_code == 302
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    link = re.search(r'href="([^"]*/exports/[0-9a-f]{32}/file)"', page)
    assert link, page[:2000]
    return client.get(link.group(1))


def test_the_joint_record_needs_both_partners_and_the_file_names_who_authorised(client, world, login):
    couple, a, b = world.couple, world.couple.partner("a"), world.couple.partner("b")
    login(client, world.therapist)
    release = _request(client, couple)
    assert release.status == "pending" and release.status_label == f"Awaiting {a.name} and {b.name}"
    # Nothing can be made before both answered.
    client.post(f"/couples/{couple.id}/releases/{release.id}/generate", data={"format": "json"})
    assert (
        db.session.scalar(
            select(db.func.count()).select_from(AuditEvent).where(AuditEvent.action == "record_release.released")
        )
        == 0
    )

    assert _authorise(client, a.user, release, a.name).status_code == 302
    db.session.refresh(release)
    assert release.status == "pending" and release.status_label == f"Awaiting {b.name}"
    today = client.get("/portal/").get_data(as_text=True)
    assert f"/portal/records/releases/{release.id}" not in today  # A already answered
    _login(client, b.user)
    assert f"/portal/records/releases/{release.id}" in client.get("/portal/").get_data(as_text=True)
    assert _authorise(client, b.user, release, f"  {b.name.upper()} ").status_code == 302
    db.session.refresh(release)
    assert release.status == "authorised"

    login(client, world.therapist)
    data = json.loads(_generate(client, couple, release).data)
    db.session.refresh(release)
    assert release.status == "released"
    names = {(x["partner"], x["decision"]) for x in data["release"]["authorisations"]}
    assert names == {(a.name, "authorised"), (b.name, "authorised")}
    assert data["release"]["recipient"] == "Dr. Example Reader, Example Health"
    assert all(x["at"] for x in data["release"]["authorisations"])
    assert data["includes_process_notes"] is False
    assert ["record_release.requested", "record_release.authorised", "record_release.authorised"] == [
        x for x in _actions() if x in ("record_release.requested", "record_release.authorised")
    ]
    assert "record_release.released" in _actions()
    listing = client.get(f"/couples/{couple.id}/releases").get_data(as_text=True)
    assert "Released" in listing


def test_a_single_decline_ends_the_request_and_nothing_can_be_released(client, world, login):
    couple, a, b = world.couple, world.couple.partner("a"), world.couple.partner("b")
    login(client, world.therapist)
    release = _request(client, couple)
    _authorise(client, a.user, release, a.name)
    _login(client, b.user)
    declined = client.post(f"/portal/records/releases/{release.id}/decline", data={"reason": "PRIVATE-REASON-B"})
    assert declined.status_code == 302
    db.session.refresh(release)
    assert release.status == "declined"
    # The partner who authorised sees it declined, not the reason.
    _login(client, a.user)
    page = client.get(f"/portal/records/releases/{release.id}").get_data(as_text=True)
    assert "declined" in page.lower() and "PRIVATE-REASON-B" not in page
    # B cannot change their mind into an authorisation.
    again = _authorise(client, b.user, release, b.name)
    assert again.status_code == 302
    assert "no longer waiting" in client.get(again.headers["Location"]).get_data(as_text=True)
    db.session.refresh(release)
    assert release.status == "declined"
    # The therapist sees the reason and cannot make a file.
    login(client, world.therapist)
    detail = client.get(f"/couples/{couple.id}/releases/{release.id}").get_data(as_text=True)
    assert "PRIVATE-REASON-B" in detail and "Make the release file" not in detail
    refused = client.post(f"/couples/{couple.id}/releases/{release.id}/generate", data={"format": "json"})
    assert refused.status_code == 302 and "/exports/" not in refused.headers["Location"]
    assert "record_release.declined" in _actions() and "record_release.released" not in _actions()


def test_authorising_checks_everything_at_once_and_process_notes_need_their_own_tick(client, world, login):
    couple, a = world.couple, world.couple.partner("a")
    login(client, world.therapist)
    release = _request(client, couple, include_process_notes="y")
    _login(client, a.user)
    response = client.post(f"/portal/records/releases/{release.id}", data={"typed_name": "Someone Else"})
    assert response.status_code == 422
    errors = re.findall(r'id="(\w+)-error" class="field-error"', response.get_data(as_text=True))
    assert set(errors) == {"typed_name", "confirmed", "process_notes"}
    assert 'value="Someone Else"' in response.get_data(as_text=True)  # nothing typed is lost
    assert _authorise(client, a.user, release, a.name, process_notes="y").status_code == 302
    db.session.refresh(release)
    assert release.decision_of(a).process_notes_authorised


def test_the_request_form_shows_every_problem_and_saves_nothing(client, world, login):
    login(client, world.therapist)
    response = client.post(
        f"/couples/{world.couple.id}/releases/new", data={"scope": "joint", "recipient": "third_party"}
    )
    assert response.status_code == 422
    errors = set(re.findall(r'id="(\w+)-error" class="field-error"', response.get_data(as_text=True)))
    assert errors == {"recipient_name", "recipient_organisation", "purpose"}
    mismatch = client.post(
        f"/couples/{world.couple.id}/releases/new",
        data={**THIRD_PARTY, "scope": "individual:a", "recipient": "partner:b"},
    )
    assert mismatch.status_code == 422 and "only to that partner" in mismatch.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(RecordRelease)) == 0


def test_individual_sessions_need_only_that_partner_and_the_other_never_sees_the_request(client, world, login):
    couple, a, b = world.couple, world.couple.partner("a"), world.couple.partner("b")
    login(client, world.therapist)
    release = _request(client, couple, scope="individual:a")
    assert [p.id for p in release.required_partners] == [a.id]
    _login(client, b.user)
    assert client.get(f"/portal/records/releases/{release.id}").status_code == 404
    assert client.post(f"/portal/records/releases/{release.id}/decline", data={}).status_code == 404
    assert f"/portal/records/releases/{release.id}" not in client.get("/portal/records/releases").get_data(as_text=True)
    assert _authorise(client, a.user, release, a.name).status_code == 302
    db.session.refresh(release)
    assert release.status == "authorised"


def test_the_therapist_can_withdraw_a_pending_request(client, world, login):
    couple, a = world.couple, world.couple.partner("a")
    login(client, world.therapist)
    release = _request(client, couple)
    assert client.post(f"/couples/{couple.id}/releases/{release.id}/withdraw").status_code == 302
    db.session.refresh(release)
    assert release.status == "withdrawn"
    _login(client, a.user)
    assert client.get(f"/portal/records/releases/{release.id}").status_code == 404


def test_release_events_read_as_words_in_the_audit_trail(client, world, login):
    login(client, world.therapist)
    _request(client, world.couple)
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "record_release.requested")))
    (row,) = describe(events, world.therapist)
    assert "asked the partners to authorise a release of the record" in row.what


# --- what a partner's release leaves out ----------------------------------------------------------


def _private_world(world):
    """Partner B's private things, each carrying a marker; and partner A's own private entry."""
    couple, a, b = world.couple, world.couple.partner("a"), world.couple.partner("b")
    b.email = "marker-b-email@example.test"
    each = support.assign(world, "speaker-listener", who="each")
    support.entry(each, b, free_text="MARKER-B-PRIVATE-ENTRY", shared=False)
    support.entry(each, b, days_ago=1, free_text="SHARED-B-ENTRY", shared=True)
    support.entry(each, a, free_text="OWN-A-PRIVATE-ENTRY", shared=False)
    only_b = support.assign(world, "speaker-listener", who="one", partner=b, note="MARKER-B-ONLY-ASSIGNMENT")
    support.entry(only_b, b, free_text="MARKER-B-ONLY-ENTRY")
    handout = builtin_handouts()[0]
    give_handout(couple, handout, "MARKER-B-HANDOUT-NOTE", world.therapist, partner=b)
    give_handout(couple, handout, "BOTH-HANDOUT-NOTE", world.therapist)
    day = utcnow() - timedelta(days=3)

    def session(kind, partner, risk_note_b, observations):
        ts = sessions.record_session(
            couple,
            {
                "starts_at": datetime(day.year, day.month, day.day, 17, 0, tzinfo=UTC),
                "minutes": 50,
                "format": "in_person",
                "kind": kind,
                "individual_partner": partner,
                "attendance": "attended",
                "model": "efct",
            },
            world.therapist,
        )
        note = ts.progress_note
        note.answers = {
            **EFT_NOTES[0],
            "risk_a": "none",
            "risk_b": "moderate",
            "risk_note_a": "",
            "risk_note_b": risk_note_b,
            "observations": observations,
        }
        note.version += 1
        db.session.flush()
        sessions.sign_note(note, world.therapist, PASSWORD, True, at=ts.starts_at + timedelta(hours=3))
        return ts

    session("conjoint", "", "MARKER-B-RISK-IN-JOINT-NOTE", "JOINT-SESSION-OBSERVATION")
    session("individual", "b", "MARKER-B-RISK-INDIVIDUAL", "MARKER-B-INDIVIDUAL-SESSION")
    db.session.commit()


def _authorised_release(world, **values):
    from clinic.records.models import ReleaseDecision

    couple = world.couple
    release = RecordRelease(
        couple_id=couple.id,
        requested_by_id=world.therapist.id,
        purpose="For the partner's own files",
        status="authorised",
        **values,
    )
    db.session.add(release)
    db.session.flush()
    for p in release.required_partners:
        db.session.add(
            ReleaseDecision(
                release_id=release.id,
                partner_id=p.id,
                decided_by_id=p.user.id,
                decision="authorised",
                typed_name=p.name,
            )
        )
    db.session.commit()
    return release


def test_a_release_to_one_partner_never_carries_the_other_partners_private_items(client, world, login):
    _private_world(world)
    a = world.couple.partner("a")
    release = _authorised_release(world, scope="joint", recipient_kind="partner", recipient_partner_id=a.id)
    login(client, world.therapist)
    text = _generate(client, world.couple, release).get_data(as_text=True)
    # What A may see is there; B's private things, given to B alone and B's risk check are not.
    for present in ("OWN-A-PRIVATE-ENTRY", "SHARED-B-ENTRY", "BOTH-HANDOUT-NOTE", "JOINT-SESSION-OBSERVATION"):
        assert present in text, present
    assert "MARKER" not in text.upper(), re.findall(r"MARKER[-\w]*", text, flags=re.I)
    # The printed release is filtered the same way (the PDF is rendered from this HTML).
    data = release_record(db.session.get(RecordRelease, release.id), world.therapist)
    html = render_template(
        "pdf/record.html", record=data, header={}, footer="", chart=None, pdf_lang="en", pdf_title="t"
    )
    assert "MARKER" not in html.upper() and "JOINT-SESSION-OBSERVATION" in html
    assert "Authorised" in html and a.name in html


def test_the_same_record_to_a_third_party_is_whole(client, world, login):
    _private_world(world)
    release = _authorised_release(
        world, scope="joint", recipient_kind="third_party", recipient_name="Dr. Reader", recipient_organisation="Clinic"
    )
    data = release_record(release, world.therapist)
    text = json.dumps(data)
    assert "MARKER-B-PRIVATE-ENTRY" in text and "MARKER-B-INDIVIDUAL-SESSION" in text  # the control
    login(client, world.therapist)
    pdf = _generate(client, world.couple, release, fmt="pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


def test_an_individual_release_holds_only_that_partners_individual_sessions(world):
    _private_world(world)
    b = world.couple.partner("b")
    release = _authorised_release(
        world,
        scope="individual",
        scope_partner_id=b.id,
        recipient_kind="third_party",
        recipient_name="Dr. Reader",
        recipient_organisation="Clinic",
    )
    text = json.dumps(release_record(release, world.therapist))
    assert "MARKER-B-INDIVIDUAL-SESSION" in text
    assert "JOINT-SESSION-OBSERVATION" not in text and "OWN-A-PRIVATE-ENTRY" not in text


# --- a partner's own entries ------------------------------------------------------------------------


def test_a_partner_downloads_their_own_entries_only_and_it_is_audited(client, world, login):
    _private_world(world)
    b = world.couple.partner("b")
    login(client, b.user)
    assert "/portal/records/mine" in client.get("/portal/").get_data(as_text=True)
    response = client.post("/portal/records/mine/json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    text = response.get_data(as_text=True)
    assert "MARKER-B-PRIVATE-ENTRY" in text and "MARKER-B-ONLY-ENTRY" in text
    assert "OWN-A-PRIVATE-ENTRY" not in text  # never the other partner's
    assert "JOINT-SESSION-OBSERVATION" not in text and "MARKER-B-RISK" not in text  # never session notes
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "own_data.downloaded")).one()
    assert event.actor_id == b.user.id and event.record_id == b.id
    assert client.get("/portal/records/mine/json").status_code == 405  # a download is a POST
    pdf = client.post("/portal/records/mine/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
