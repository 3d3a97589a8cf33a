"""Handouts in the browser's terms: library, editor, giving, portals, printing, packet, export."""

import json

from sqlalchemy import select

from clinic.audit.models import AuditEvent
from clinic.extensions import db
from clinic.handouts.models import GivenHandout, Handout
from tests.handouts import pdftools
from tests.handouts.packets import make_packet
from tests.records.client import export


def _actions():
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def _give(client, couple, source="b:supporting-a-partner", note="Alex and Jordan: try one idea each."):
    return client.post(f"/couples/{couple.id}/handouts", data={"source": source, "note": note})


def test_therapist_gives_a_handout_and_both_partners_read_and_download_it(app, world, named_couple, login):
    therapist = app.test_client()
    login(therapist, world.therapist)
    response = _give(therapist, named_couple)
    assert response.status_code == 302
    page = therapist.get(f"/couples/{named_couple.id}/handouts").get_data(as_text=True)
    assert "Supporting a partner who fears abandonment" in page and "try one idea each" in page

    given = db.session.scalar(select(GivenHandout))
    for user in (world.partner_a, world.partner_b):
        client = app.test_client()
        login(client, user)
        listing = client.get("/portal/handouts").get_data(as_text=True)
        assert "Supporting a partner who fears abandonment" in listing
        assert "Supporting a partner" in client.get("/portal/").get_data(as_text=True)  # the Today page
        read = client.get(f"/portal/handouts/{given.id}").get_data(as_text=True)
        assert "try one idea each" in read and "Empathy and understanding" in read
        pdf = client.get(f"/portal/handouts/{given.id}/pdf")
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
        text = pdftools.text(pdf.data)
        assert "For Alex Rivera and Jordan Chen" in text and "try one idea each" in text
        assert "Self-care" in text and "Boundaries for yourself" in text
    actions = _actions()
    assert actions.count("handout.given") == 1 and actions.count("handout.downloaded") == 2


def test_outsider_and_other_therapist_cannot_see_a_given_handout(app, world, login):
    therapist = app.test_client()
    login(therapist, world.therapist)
    _give(therapist, world.couple)
    given = db.session.scalar(select(GivenHandout))
    outsider = app.test_client()
    login(outsider, world.outsider)
    assert outsider.get(f"/portal/handouts/{given.id}/pdf").status_code == 404
    assert "Supporting a partner" not in outsider.get("/portal/handouts").get_data(as_text=True)
    other = app.test_client()
    login(other, world.other_therapist)
    assert other.get(f"/couples/{world.couple.id}/handouts/{given.id}/pdf").status_code == 404


def test_withdrawn_handout_leaves_the_portal(app, world, login):
    therapist = app.test_client()
    login(therapist, world.therapist)
    _give(therapist, world.couple)
    given = db.session.scalar(select(GivenHandout))
    therapist.post(f"/couples/{world.couple.id}/handouts/{given.id}/withdraw")
    partner = app.test_client()
    login(partner, world.partner_a)
    assert partner.get(f"/portal/handouts/{given.id}").status_code == 404
    assert "Supporting a partner" not in partner.get("/portal/handouts").get_data(as_text=True)


def test_giving_needs_a_valid_choice_and_keeps_the_note(app, world, login):
    client = app.test_client()
    login(client, world.therapist)
    response = _give(client, world.couple, source="b:not-a-handout", note="Keep this text")
    assert response.status_code == 422 and "Keep this text" in response.get_data(as_text=True)
    mine = Handout(owner_id=world.other_therapist.id, title="Not yours", body="x")
    db.session.add(mine)
    db.session.commit()
    assert _give(client, world.couple, source=f"c:{mine.id}").status_code == 422
    assert db.session.scalar(select(GivenHandout)) is None


def test_double_submit_gives_once(app, world, login):
    client = app.test_client()
    login(client, world.therapist)
    data = {"source": "b:growing-together", "note": "", "form_token": "tok-1234567890abcdefgh"}
    client.post(f"/couples/{world.couple.id}/handouts", data=data)
    client.post(f"/couples/{world.couple.id}/handouts", data=data)
    assert len(db.session.scalars(select(GivenHandout)).all()) == 1


def test_write_preview_and_save_an_own_handout_that_others_cannot_see(app, world, login):
    client = app.test_client()
    login(client, world.therapist)
    body = "## Breathing\n\nTry **four** slow breaths.\n\n<script>alert(1)</script>\n\n![x](http://127.0.0.1/x.png)"
    preview = client.post("/handouts/new", data={"title": "Calm down", "body": body, "preview": "Preview"})
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "<h2>Breathing</h2>" in page and "<strong>four</strong>" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page and "<img" not in page
    assert db.session.scalar(select(Handout)) is None  # a preview saves nothing
    saved = client.post("/handouts/new", data={"title": "Calm down", "body": body, "save": "Save handout"})
    handout = db.session.scalar(select(Handout))
    assert saved.status_code == 302 and handout.owner_id == world.therapist.id
    assert "Calm down" in client.get("/handouts/").get_data(as_text=True)
    other = app.test_client()
    login(other, world.other_therapist)
    assert other.get(f"/handouts/{handout.id}").status_code == 404
    assert "Calm down" not in other.get("/handouts/").get_data(as_text=True)
    assert "<h2>Breathing</h2>" in client.post("/handouts/preview", data={"body": "## Breathing"}).get_data(True)


def test_customise_a_copy_of_a_builtin_and_conflicting_edits(app, world, login):
    client = app.test_client()
    login(client, world.therapist)
    response = client.post("/handouts/builtin/growing-together/copy")
    handout = db.session.scalar(select(Handout))
    assert response.status_code == 302 and handout.based_on == "growing-together"
    version = handout.version
    ok = client.post(
        f"/handouts/{handout.id}/edit",
        data={"title": "Growing together (ours)", "body": "New text", "version": version, "save": "Save"},
    )
    assert ok.status_code == 302
    stale = client.post(
        f"/handouts/{handout.id}/edit",
        data={"title": "Mine", "body": "My stale text", "version": version, "save": "Save"},
    )
    assert stale.status_code == 409 and "My stale text" in stale.get_data(as_text=True)
    assert db.session.get(Handout, handout.id).body == "New text"


def test_print_for_couple_is_personalised_and_paper_overridable(app, world, named_couple, login):
    client = app.test_client()
    login(client, world.therapist)
    response = client.post(
        f"/couples/{named_couple.id}/handouts/print",
        data={
            "print-source": "b:attachment-styles-and-the-cycle",
            "print-paper": "a4",
            "print-note": "Bring this on Tuesday",
        },
    )
    assert response.status_code == 200
    text = pdftools.text(response.data)
    assert "For Alex Rivera & Jordan Chen" in text and world.therapist.name in text
    assert "Bring this on Tuesday" in text and "Page 1 of 2" in text
    assert "595.276 x 841.89" in pdftools.info(response.data)["Page size"]
    assert "handout.printed" in _actions()


def test_pdf_download_has_an_etag_and_a_matching_request_gets_304(app, world, login):
    client = app.test_client()
    login(client, world.therapist)
    first = client.get("/handouts/builtin/growing-together/pdf")
    etag = first.headers["ETag"]
    again = client.get("/handouts/builtin/growing-together/pdf", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = app.test_client()
    login(other, world.other_therapist)
    theirs = other.get("/handouts/builtin/growing-together/pdf", headers={"If-None-Match": etag})
    assert theirs.status_code == 200 and theirs.headers["ETag"] != etag  # never the other user's cached copy


def test_partners_get_their_own_cached_copies(app, world, login):
    therapist = app.test_client()
    login(therapist, world.therapist)
    _give(therapist, world.couple)
    given = db.session.scalar(select(GivenHandout))
    etags = set()
    for user in (world.partner_a, world.partner_b):
        client = app.test_client()
        login(client, user)
        etags.add(client.get(f"/portal/handouts/{given.id}/pdf").headers["ETag"])
    assert len(etags) == 2


def test_session_packet_holds_the_chosen_handouts(app, world, named_couple, login):
    client = app.test_client()
    login(client, world.therapist)
    response = make_packet(
        client,
        named_couple.id,
        [
            ("packet-handouts", "b:supporting-a-partner"),
            ("packet-handouts", "b:growing-together"),
            ("packet-worksheets", "y"),
            ("packet-for_partner", "a"),
        ],
    )
    text = pdftools.text(response.data)
    assert "session packet" in text.lower() and "Supporting a partner who fears abandonment" in text
    assert "Gratitude and appreciation" in text and pdftools.qpdf_ok(response.data)
    assert "session_packet.printed" in _actions()


def test_record_export_pdf_and_json_are_audited(app, world, named_couple, login):
    client = app.test_client()
    login(client, world.therapist)
    _give(client, named_couple, note="Export note")
    as_json = export(client, named_couple.id, format="json")
    data = json.loads(as_json.data)
    assert data["couple"]["name"] == named_couple.display_name and data["includes_process_notes"] is False
    assert data["handouts_given"][0]["note"] == "Export note"
    as_pdf = export(client, named_couple.id, format="pdf", include_process_notes="y")
    text = pdftools.text(as_pdf.data)
    assert as_pdf.mimetype == "application/pdf" and "Alex Rivera" in text and "includes process notes" in text
    actions = _actions()
    assert "record.exported" in actions and "record.exported_with_process_notes" in actions


def test_a_pdf_failure_is_a_friendly_page(app, world, login, monkeypatch):
    monkeypatch.setitem(app.config, "PDF_RENDER_TIMEOUT_SECONDS", 0.001)
    client = app.test_client()
    login(client, world.therapist)
    response = client.get("/handouts/builtin/growing-together/pdf")
    assert response.status_code == 503 and "Nothing was lost" in response.get_data(as_text=True)
