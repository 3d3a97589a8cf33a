"""Issue #11: a handout given to one partner is private to them; the safety handout never goes to both."""

import re

import pytest
from sqlalchemy import func, select

from clinic.errors import DomainError
from clinic.extensions import db
from clinic.handouts import services
from clinic.handouts.library import get_builtin
from clinic.handouts.models import GivenHandout
from tests.handouts import pdftools
from tests.handouts.packets import make_packet
from tests.security.crawl import crawl

SAFETY = "b:safety-and-support"


def _give(client, couple, source=SAFETY, for_partner="a", note="Only for you: the plan we talked about."):
    return client.post(
        f"/couples/{couple.id}/handouts", data={"source": source, "for_partner": for_partner, "note": note}
    )


def _client(app, login, user):
    client = app.test_client()
    login(client, user)
    return client


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(GivenHandout))


# ---------------------------------------------------------------- services


def test_the_safety_handout_and_copies_of_it_are_refused_for_both_partners(app, world, named_couple):
    safety = get_builtin("safety-and-support")
    copy = services.copy_builtin(world.therapist, safety)
    for source in (safety, copy):
        with pytest.raises(DomainError) as refused:
            services.give_handout(named_couple, source, "", world.therapist)
        assert refused.value.field == "for_partner"
    given = services.give_handout(named_couple, copy, "", world.therapist, partner=named_couple.partner("a"))
    assert given.partner_id == named_couple.partner("a").id and services.is_safety_handout(given)


def test_a_partner_of_another_couple_is_refused(app, world, named_couple):
    with pytest.raises(DomainError) as refused:
        services.give_handout(
            named_couple, get_builtin("growing-together"), "", world.therapist, partner=world.other_couple.partner("a")
        )
    assert refused.value.field == "for_partner"


def test_only_the_partner_it_was_given_to_sees_it(app, world, named_couple):
    a, b = named_couple.partner("a"), named_couple.partner("b")
    private = services.give_handout(named_couple, get_builtin("growing-together"), "", world.therapist, partner=a)
    shared = services.give_handout(named_couple, get_builtin("supporting-a-partner"), "", world.therapist)
    assert set(services.given_to_partner(a)) == {shared, private}
    assert services.given_to_partner(b) == [shared]
    assert services.latest_for_partner(b) == [shared]
    assert private.is_for(a) and not private.is_for(b) and shared.is_for(b)


# ---------------------------------------------------------------- views


def test_giving_the_safety_handout_to_both_is_refused_next_to_the_field(app, world, named_couple, login):
    therapist = _client(app, login, world.therapist)
    response = _give(therapist, named_couple, for_partner="both")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and _count() == 0
    error = re.search(r'id="for_partner-error"[^>]*>([^<]*)<', page)
    assert error and "one partner at a time" in error.group(1)


def test_a_handout_given_to_one_partner_shows_only_in_their_portal(app, world, named_couple, login):
    therapist = _client(app, login, world.therapist)
    response = _give(therapist, named_couple)
    assert response.status_code == 302
    section = therapist.get(response.headers["Location"]).get_data(as_text=True)
    assert "Given to one partner only." in section and "Safety and support" in section
    assert "For Alex Rivera only" in section
    flash = re.search(r'class="flash[^"]*"[^>]*>(.*?)</', section, re.S)
    assert flash is None or "Safety" not in flash.group(1)  # no clinical fact in the flash
    given = db.session.scalar(select(GivenHandout))

    alex = _client(app, login, world.partner_a)
    assert "Safety and support" in alex.get("/portal/handouts").get_data(as_text=True)
    assert "Safety and support" in alex.get("/portal/").get_data(as_text=True)
    assert "the plan we talked about" in alex.get(f"/portal/handouts/{given.id}").get_data(as_text=True)
    pdf = alex.get(f"/portal/handouts/{given.id}/pdf")
    text = pdftools.text(pdf.data)
    assert pdf.status_code == 200 and "For Alex Rivera" in text and "Jordan Chen" not in text
    assert "1-800-799-SAFE" in text

    jordan = _client(app, login, world.partner_b)
    assert "Safety and support" not in jordan.get("/portal/handouts").get_data(as_text=True)
    assert "Safety and support" not in jordan.get("/portal/").get_data(as_text=True)
    assert jordan.get(f"/portal/handouts/{given.id}").status_code == 404
    assert jordan.get(f"/portal/handouts/{given.id}/pdf").status_code == 404


def test_the_therapists_pdf_of_a_one_partner_handout_names_that_partner_alone(app, world, named_couple, login):
    therapist = _client(app, login, world.therapist)
    _give(therapist, named_couple, for_partner="b")
    given = db.session.scalar(select(GivenHandout))
    text = pdftools.text(therapist.get(f"/couples/{named_couple.id}/handouts/{given.id}/pdf").data)
    assert "For Jordan Chen" in text and "Alex Rivera" not in text


def test_printing_the_safety_handout_needs_one_named_partner(app, world, named_couple, login):
    therapist = _client(app, login, world.therapist)
    url = f"/couples/{named_couple.id}/handouts/print"
    refused = therapist.post(url, data={"print-source": SAFETY, "print-for_partner": "both"})
    assert refused.status_code == 422 and 'id="print-for_partner-error"' in refused.get_data(as_text=True)
    printed = therapist.post(url, data={"print-source": SAFETY, "print-for_partner": "a"})
    text = pdftools.text(printed.data)
    assert printed.status_code == 200 and "For Alex Rivera" in text and "Jordan Chen" not in text
    both = therapist.post(url, data={"print-source": "b:growing-together", "print-for_partner": "both"})
    assert both.status_code == 200 and "Jordan Chen" in pdftools.text(both.data)


_TOKENS = re.compile(rb'((?:name="(?:csrf_token|form_token)"[^>]*?value=")|(?:name="csrf-token" content="))[^"]*"')


def _normalised(body: bytes) -> bytes:
    """Per-render anti-forgery tokens (signed with a timestamp) are the only bytes allowed to differ."""
    return _TOKENS.sub(rb'\1-"', body)


def _fetch_all(client, paths) -> dict:
    return {path: (r.status_code, _normalised(r.get_data())) for path in paths for r in [client.get(path)]}


def test_the_other_partners_pages_are_byte_identical_after_a_private_handout(app, world, named_couple, login):
    jordan = _client(app, login, world.partner_b)
    before_crawl = crawl(jordan, "/", pdf_text=False)
    paths = sorted(before_crawl.pages)
    assert "/portal/handouts" in paths and len(paths) > 5
    before = _fetch_all(jordan, paths)

    therapist = _client(app, login, world.therapist)
    assert _give(therapist, named_couple, for_partner="a").status_code == 302
    assert _give(therapist, named_couple, source="b:growing-together", for_partner="a").status_code == 302

    after = _fetch_all(jordan, paths)
    changed = [path for path in paths if before[path] != after[path]]
    assert not changed, f"partner B's pages changed: {changed}"
    assert sorted(crawl(jordan, "/", pdf_text=False).pages) == paths  # nothing new to reach either


# ---------------------------------------------------------------- the session packet, per partner


def _packet_world(world, couple):
    from datetime import timedelta

    from clinic.db import today_utc
    from clinic.homework.library import ensure_builtin_exercises
    from clinic.homework.models import Exercise
    from clinic.homework.services import create_assignment
    from clinic.measures.services import request_measure

    ensure_builtin_exercises()
    a, b = couple.partner("a"), couple.partner("b")

    def assign(slug, who, partner=None, note=""):
        exercise = db.session.scalar(select(Exercise).where(Exercise.slug == slug, Exercise.owner_id.is_(None)))
        create_assignment(
            couple,
            world.therapist,
            exercise,
            {
                "who": who,
                "partner_id": partner.id if partner else None,
                "starts_on": today_utc(),
                "due_on": today_utc() + timedelta(days=7),
                "frequency_kind": "once",
                "times_per_week": None,
                "note": note,
                "therapy_session_id": None,
            },
            confirmed=True,
        )
        return exercise.title

    titles = {
        "together": assign("gratitude-exchange", "together", note="Together note"),
        "each": assign("attachment-trigger-journal", "each", note="Each note"),
        "only_a": assign("caring-days", "one", a, note="Alex's own homework note"),
        "only_b": assign("caring-days", "one", b, note="Jordan's own homework note"),
    }
    request_measure(couple, [a, b], "csi4", "once", None, world.therapist)
    services.give_handout(couple, get_builtin("safety-and-support"), "Alex's private note", world.therapist, partner=a)
    services.give_handout(couple, get_builtin("growing-together"), "Jordan's private note", world.therapist, partner=b)
    services.give_handout(couple, get_builtin("supporting-a-partner"), "A note for you both", world.therapist)
    db.session.commit()
    return titles


def _packet(client, couple, partner, couple_part=True):
    query = {"packet-for_partner": partner, "packet-given": "y", "packet-worksheets": "y", "packet-forms": "y"}
    if couple_part:
        query["packet-couple_part"] = "y"
    response = make_packet(client, couple.id, query)
    assert pdftools.qpdf_ok(response.data)
    return pdftools.text(response.data).upper()


def test_the_packet_holds_one_partners_private_items_and_shared_ones_only(app, world, named_couple, login):
    _packet_world(world, named_couple)
    therapist = _client(app, login, world.therapist)
    alex = _packet(therapist, named_couple, "a")
    assert "SESSION PACKET" in alex and "FOR ALEX RIVERA" in alex
    assert "QUESTIONNAIRE · FOR ALEX RIVERA" in alex and "QUESTIONNAIRE · FOR JORDAN CHEN" not in alex
    assert "ALEX'S PRIVATE NOTE" in alex and "HANDOUT: SAFETY AND SUPPORT" in alex
    assert "JORDAN'S PRIVATE NOTE" not in alex and "JORDAN'S OWN HOMEWORK NOTE" not in alex
    assert "ALEX'S OWN HOMEWORK NOTE" in alex and "EACH NOTE" in alex
    assert "WORKSHEET · FOR JORDAN CHEN" not in alex  # not even a blank sheet of the partner's own
    assert "A NOTE FOR YOU BOTH" in alex and "TOGETHER NOTE" in alex  # the couple part
    assert alex.index("FOR BOTH OF YOU ·") > alex.index("QUESTIONNAIRE · FOR ALEX RIVERA")  # shared part last

    jordan = _packet(therapist, named_couple, "b")
    assert "QUESTIONNAIRE · FOR JORDAN CHEN" in jordan and "QUESTIONNAIRE · FOR ALEX RIVERA" not in jordan
    assert "HANDOUT: SAFETY AND SUPPORT" not in jordan and "ALEX'S PRIVATE NOTE" not in jordan
    assert "ALEX'S OWN HOMEWORK NOTE" not in jordan and "JORDAN'S OWN HOMEWORK NOTE" in jordan


def test_without_the_couple_part_the_packet_holds_nothing_shared(app, world, named_couple, login):
    _packet_world(world, named_couple)
    therapist = _client(app, login, world.therapist)
    alex = _packet(therapist, named_couple, "a", couple_part=False)
    assert "ALEX'S PRIVATE NOTE" in alex and "A NOTE FOR YOU BOTH" not in alex and "TOGETHER NOTE" not in alex
    assert "FOR BOTH OF YOU ·" not in alex


def test_the_packet_asks_whose_it_is(app, world, named_couple, login):
    therapist = _client(app, login, world.therapist)
    response = therapist.post(f"/couples/{named_couple.id}/packet", data={"packet-worksheets": "y"})
    assert response.status_code == 422 and 'id="packet-for_partner-error"' in response.get_data(as_text=True)
