"""Invitation links: valid once, expire, and a forged link never makes an account."""

from datetime import timedelta

from sqlalchemy import func, select

from clinic.auth.models import User
from clinic.couples import invitations
from clinic.db import utcnow
from clinic.extensions import db
from tests.factories import make_couple

NEW_PASSWORD = "silver-otter-lagoon-31"


def _fresh_invite(world):
    couple = make_couple(world.therapist, join=False)
    partner = couple.partner("a")
    token = invitations.create(partner, world.therapist)
    db.session.commit()
    return partner, token


def _accept(client, token):
    return client.post(
        f"/invite/{token}", data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD, "agree": "y"}
    )


def _users():
    return db.session.scalar(select(func.count(User.id)))


def test_a_link_works_once(client, world):
    partner, token = _fresh_invite(world)
    assert client.get(f"/invite/{token}").status_code == 200
    assert _accept(client, token).status_code == 302
    db.session.refresh(partner)
    assert partner.user_id is not None
    before = _users()
    again = _accept(world_client := client.application.test_client(), token)
    assert again.status_code == 404 and "can't be used" in again.text and world_client
    assert _users() == before


def test_an_expired_link_shows_a_clear_page(client, world):
    partner, token = _fresh_invite(world)
    invitation = invitations.pending_for(partner)[0]
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    before = _users()
    response = _accept(client, token)
    assert response.status_code == 404 and "Ask your therapist for a new link" in response.text
    assert _users() == before


def test_a_forged_or_truncated_link_never_makes_an_account(client, world):
    _, token = _fresh_invite(world)
    before = _users()
    for forged in (token[:-1], token + "x", "A" * 43, "x" * 500, "%00", "..%2f..%2fetc"):
        response = _accept(client, forged)
        assert response.status_code == 404
    assert _users() == before


def test_a_weak_password_is_refused_at_invitation(client, world):
    partner, token = _fresh_invite(world)
    response = client.post(
        f"/invite/{token}", data={"new_password": "password1234", "confirm_password": "password1234", "agree": "y"}
    )
    assert response.status_code == 422
    db.session.refresh(partner)
    assert partner.user_id is None
