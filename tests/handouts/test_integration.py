"""Handouts with the other domains: the couple's cycle words, and process notes in the record export."""

import json
from datetime import UTC, datetime

from clinic.extensions import db
from clinic.handouts.documents import handout_document
from clinic.handouts.library import get_builtin
from clinic.handouts.printing import handouts_pdf
from tests.handouts import pdftools
from tests.records.client import export

WORDS_A = {
    "trigger": "Jordan works late without texting",
    "reactive_emotion": "frustration",
    "action_tendency": "pursue",
    "primary_emotion": "fear of being alone",
    "attachment_need": "to matter",
}
WORDS_B = {
    "trigger": "Alex's raised voice",
    "reactive_emotion": "numb",
    "action_tendency": "withdraw",
    "primary_emotion": "shame",
    "attachment_need": "to be good enough",
}


def _cycle_map(world, couple):
    from clinic.sessions.services import save_cycle_map

    save_cycle_map(couple, world.therapist, None, "The late-night spiral", WORDS_A, WORDS_B)
    db.session.commit()


def test_attachment_and_cycle_handouts_carry_the_couples_own_cycle_words(app, world, named_couple):
    _cycle_map(world, named_couple)
    with app.test_request_context():
        cycle_doc = handout_document(get_builtin("attachment-styles-and-the-cycle"), couple=named_couple)
        other_doc = handout_document(get_builtin("growing-together"), couple=named_couple)
        text = pdftools.text(handouts_pdf([cycle_doc], user=world.therapist, couple=named_couple).data, layout=False)
    assert cycle_doc["cycle"]["name"] == "The late-night spiral"
    assert "The late-night spiral" in text and "Jordan works late without texting" in text
    assert "fear of being alone" in text and "to be good enough" in text
    assert other_doc["cycle"] is None  # only the attachment and cycle handouts


def test_handouts_print_without_a_cycle_map(app, world, named_couple):
    with app.test_request_context():
        doc = handout_document(get_builtin("attachment-styles-and-the-cycle"), couple=named_couple)
    assert doc["cycle"] is None and doc["names"] == ["Alex Rivera", "Jordan Chen"]


def _session_with_process_note(world, couple):
    from clinic.sessions.services import record_session, save_process_note, sign_note
    from tests.sessions.helpers import COMPLETE, PASSWORD

    therapy_session = record_session(
        couple,
        {
            "starts_at": datetime(2026, 3, 2, 15, 0, tzinfo=UTC),
            "minutes": 50,
            "format": "in_person",
            "kind": "conjoint",
            "individual_partner": None,
            "attendance": "attended",
            "model": "efct",
        },
        world.therapist,
    )
    note = therapy_session.progress_note
    note.answers = {**note.answers, **COMPLETE["efct"]}  # only a complete note can be signed
    sign_note(note, world.therapist, PASSWORD, True)
    save_process_note(therapy_session, world.therapist, "PRIVATE-CANARY-7731 my own hunches", None)
    db.session.commit()


def test_record_export_leaves_process_notes_out_unless_ticked(app, world, named_couple, login):
    _session_with_process_note(world, named_couple)
    client = app.test_client()
    login(client, world.therapist)
    couple_id = named_couple.id
    plain_json = export(client, couple_id, format="json").get_data(as_text=True)
    plain_pdf = pdftools.text(export(client, couple_id, format="pdf").data)
    assert "PRIVATE-CANARY-7731" not in plain_json and "PRIVATE-CANARY-7731" not in plain_pdf
    assert len(json.loads(plain_json)["sessions"]) == 1 and "Session 1" in plain_pdf
    with_json = export(client, couple_id, format="json", include_process_notes="y").get_data(as_text=True)
    with_pdf = pdftools.text(export(client, couple_id, format="pdf", include_process_notes="y").data)
    assert "PRIVATE-CANARY-7731" in with_json and "PRIVATE-CANARY-7731" in with_pdf


def test_partners_never_see_the_export(app, world, login):
    for user in (world.partner_a, world.admin):
        client = app.test_client()
        login(client, user)
        assert client.post(f"/couples/{world.couple.id}/export", data={"format": "json"}).status_code in (403, 404)
