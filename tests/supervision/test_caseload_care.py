"""Caseload care: search by name (POST only), transfers reviewed then confirmed, access moving at once."""

from sqlalchemy import select

from clinic.audit.models import AuditEvent
from clinic.couples.models import Couple
from clinic.extensions import db
from tests.factories import make_couple


def test_search_finds_own_couples_by_couple_or_partner_name_only(client, world, login):
    make_couple(world.therapist, name="Rivera Chen")
    db.session.commit()
    login(client, world.therapist)
    assert "Find a couple" in client.get("/caseload").text
    by_couple = client.post("/caseload/search", data={"q": "rivera"}).text
    assert "Rivera Chen" in by_couple and "Owner Couple" not in by_couple
    partner = world.couple.partner("a").name
    assert "Owner Couple" in client.post("/caseload/search", data={"q": partner.upper()}).text
    foreign = client.post("/caseload/search", data={"q": "Other Couple"}).text
    assert "No couple on your caseload matches" in foreign
    assert "No couple on your caseload matches" in client.post("/caseload/search", data={"q": "%"}).text
    assert client.get("/caseload/search").status_code == 405  # never a name in a URL
    too_long = client.post("/caseload/search", data={"q": "x" * 121})
    assert too_long.status_code == 422


def test_transfer_is_reviewed_then_moves_access_at_once(client, world, login):
    second = make_couple(world.therapist, name="Second Couple")
    db.session.commit()
    couple_id = world.couple.id
    login(client, world.admin)
    page = client.get(f"/admin/transfers/{world.therapist.id}").text
    assert f"Couple #R-{couple_id}" in page and "Owner Couple" not in page  # references, not names
    review = client.post(
        f"/admin/transfers/{world.therapist.id}",
        data={"couples": [str(couple_id), str(second.id)], "to_therapist": str(world.other_therapist.id)},
    )
    assert review.status_code == 200 and "Confirm the transfer" in review.text and "the whole caseload" in review.text
    assert db.session.get(Couple, couple_id).therapist_id == world.therapist.id  # nothing moved yet
    done = client.post(
        f"/admin/transfers/{world.therapist.id}",
        data={"couples": [str(couple_id)], "to_therapist": str(world.other_therapist.id), "confirmed": "y"},
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Couple, couple_id).therapist_id == world.other_therapist.id
    assert db.session.get(Couple, second.id).therapist_id == world.therapist.id
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.couple_id == couple_id)))
    assert {"couple.transferred", "couple.transferred_from", "couple.transferred_to"} <= set(actions)

    login(client, world.therapist)
    assert client.get(f"/couples/{couple_id}").status_code == 404
    login(client, world.other_therapist)
    assert client.get(f"/couples/{couple_id}").status_code == 200


def test_transfer_mistakes_show_together_and_move_nothing(client, world, login):
    login(client, world.admin)
    url = f"/admin/transfers/{world.therapist.id}"
    empty = client.post(url, data={})
    assert empty.status_code == 422
    assert "Choose at least one couple" in empty.text and "Choose the therapist who takes over." in empty.text
    same = client.post(url, data={"couples": str(world.couple.id), "to_therapist": str(world.therapist.id)})
    assert same.status_code == 422 and "Choose a different therapist" in same.text
    foreign = client.post(
        url,
        data={"couples": str(world.other_couple.id), "to_therapist": str(world.other_therapist.id), "confirmed": "y"},
    )
    assert foreign.status_code == 422 and "no longer on this caseload" in foreign.text
    db.session.expire_all()
    assert db.session.get(Couple, world.other_couple.id).therapist_id == world.other_therapist.id
    assert client.get("/admin/transfers/999999").status_code == 404
