"""A therapist cannot learn that an address belongs to another practice's client (issue 19, item 6)."""

import re

from clinic.auth.models import User
from clinic.auth.passwords import verify_password
from clinic.extensions import db
from tests.couples.test_invitations import NEW_PASSWORD, _accept
from tests.factories import make_couple


def _invite_page(client, world, email):
    couple = make_couple(world.therapist, join=False)
    partner = couple.partner("a")
    partner.email = email
    db.session.commit()
    response = client.post(f"/couples/{couple.id}/partners/{partner.id}/invite", follow_redirects=True)
    text = response.get_data(as_text=True)
    text = re.sub(r"/invite/[A-Za-z0-9_-]+", "/invite/<token>", text)
    text = re.sub(r"/(couples|partners)/\d+", r"/\1/<n>", text)
    # CSRF tokens carry a timestamp: two pages a second apart differ there and nowhere that matters.
    text = re.sub(r"[\w-]{20,}\.[\w-]{6}\.[\w-]{20,}", "<csrf>", text)
    assert "<csrf>" in text
    return response.status_code, text


def test_inviting_an_address_in_use_elsewhere_answers_as_for_a_new_one(client, world, login):
    login(client, world.therapist)
    taken = world.outsider.email  # a client of another therapist's couple
    used_status, used_page = _invite_page(client, world, taken)
    new_status, new_page = _invite_page(client, world, "nobody.yet@example.test")
    assert used_status == new_status == 200
    assert "already uses" not in used_page and "Another account" not in used_page
    # The two pages differ only in the (fictional, numbered) names and the address typed.
    used = re.sub(r"\d+", "n", used_page.replace(taken, "<email>"))
    new = re.sub(r"\d+", "n", new_page.replace("nobody.yet@example.test", "<email>"))
    assert used == new


def test_the_clash_is_settled_at_the_link_without_touching_the_other_account(client, world):
    outsider = world.outsider
    couple = make_couple(world.therapist, join=False)
    partner = couple.partner("a")
    partner.email = outsider.email.upper()
    db.session.commit()
    from clinic.couples import invitations

    token = invitations.create(partner, world.therapist)
    db.session.commit()
    response = _accept(client, token)
    assert response.status_code == 422
    assert "already has an account" in response.get_data(as_text=True)
    db.session.expire_all()
    assert partner.user_id is None
    assert not verify_password(db.session.get(User, outsider.id).password_hash, NEW_PASSWORD)
