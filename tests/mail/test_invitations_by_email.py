"""Invitations by email: sent through SMTP, re-sending revokes the old link, the therapist sees sent /
opened / accepted, and a partner who has joined can't be re-invited (#19: takeover by re-invite)."""

import re

from clinic.auth.models import User
from clinic.couples import invitations
from clinic.couples.models import Invitation
from clinic.extensions import db
from tests.factories import make_couple
from tests.mail.conftest import html_of, text_of

PASSWORD = "quiet river maple lantern"


def _link(message) -> str:
    return re.search(r"http://clinic\.test/invite/[A-Za-z0-9_-]+", text_of(message)).group(0)


def test_an_emailed_invitation_is_accepted_end_to_end(smtp_app, smtp_server, world, login):
    couple = make_couple(world.therapist, join=False)
    partner = couple.partner("a")
    therapist = smtp_app.test_client()
    login(therapist, world.therapist)
    url = f"/couples/{couple.id}/partners/{partner.id}/invite"
    response = therapist.post(url, data={"delivery": "email"})
    assert response.status_code == 302
    [message] = smtp_server.messages
    assert message["To"] == partner.email
    link = _link(message)
    assert link in html_of(message)
    assert "Invited: emailed" in therapist.get(f"/couples/{couple.id}").text

    guest = smtp_app.test_client()
    path = link.removeprefix("http://clinic.test")
    assert "Welcome" in guest.get(path).text
    assert "link opened" in therapist.get(f"/couples/{couple.id}").text
    accepted = guest.post(path, data={"new_password": PASSWORD, "confirm_password": PASSWORD, "agree": "y"})
    assert accepted.status_code == 302 and accepted.headers["Location"].endswith("/portal/")
    db.session.refresh(partner)
    assert partner.user is not None
    overview = therapist.get(f"/couples/{couple.id}").text
    assert "Joined" in overview


def test_resending_revokes_the_earlier_emailed_link(smtp_app, smtp_server, world, login):
    couple = make_couple(world.therapist, join=False)
    partner = couple.partner("b")
    therapist = smtp_app.test_client()
    login(therapist, world.therapist)
    url = f"/couples/{couple.id}/partners/{partner.id}/invite"
    therapist.post(url, data={"delivery": "email"})
    therapist.post(url, data={"delivery": "email"})
    first, second = (_link(m).removeprefix("http://clinic.test") for m in smtp_server.messages)
    guest = smtp_app.test_client()
    assert guest.get(first).status_code == 404
    assert guest.get(second).status_code == 200


def test_a_joined_partner_cannot_be_reinvited_and_keeps_their_password(client, world, login):
    partner = world.couple.partner("a")
    password_hash = partner.user.password_hash
    login(client, world.therapist)
    for delivery in ("show", "email"):
        response = client.post(f"/couples/{world.couple.id}/partners/{partner.id}/invite", data={"delivery": delivery})
        assert response.status_code == 302
        assert "has already joined" in client.get(response.headers["Location"]).text
    assert db.session.scalar(db.select(Invitation).where(Invitation.partner_id == partner.id)) is None
    user = db.session.get(User, partner.user_id)
    assert user.password_hash == password_hash


def test_an_old_link_made_before_the_partner_joined_cannot_reset_their_password(client, world):
    couple = make_couple(world.therapist, join=False)
    partner = couple.partner("a")
    first = invitations.create(partner, world.therapist)
    db.session.commit()
    # the partner joins with a second link; the first one is revoked, and even a link that was not
    # revoked (made straight in the database, as an attacker would need) is refused once they joined
    second = invitations.create(partner, world.therapist)
    db.session.commit()
    client.post(f"/invite/{second}", data={"new_password": PASSWORD, "confirm_password": PASSWORD, "agree": "y"})
    db.session.refresh(partner)
    assert partner.user_id is not None
    for invitation in db.session.scalars(db.select(Invitation).where(Invitation.partner_id == partner.id)):
        invitation.is_revoked, invitation.used_at = False, None
    db.session.commit()
    other = client.application.test_client()
    data = {"new_password": "x" + PASSWORD, "confirm_password": "x" + PASSWORD, "agree": "y"}
    response = other.post(f"/invite/{first}", data=data)
    assert response.status_code == 404
