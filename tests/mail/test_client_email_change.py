"""A partner changes their own sign-in email (#14): confirmed from the new address with a single-use,
hashed, expiring link; the current address is told; nothing clinical in either message; throttled."""

import re
from datetime import timedelta

from clinic.auth.models import AccountToken
from clinic.db import utcnow
from clinic.extensions import db
from tests.mail.conftest import html_of, text_of

MARKER = "ZQX-CLINICAL-MARKER"


def _link(message) -> str:
    return re.search(r"http://clinic\.test(/account/email/confirm/[A-Za-z0-9_-]+)", text_of(message)).group(1)


def _mark_the_record(world):
    couple = world.couple
    couple.display_name = f"{MARKER} couple"
    couple.presenting_concerns = f"{MARKER} concerns"
    db.session.commit()


def test_a_partner_changes_their_email_from_the_account_page(smtp_app, smtp_server, world, login):
    _mark_the_record(world)
    partner = smtp_app.test_client()
    login(partner, world.partner_a)
    old = world.partner_a.email
    account = partner.get("/account").get_data(as_text=True)
    assert "Sign-in email" in account and 'href="/account/email"' in account
    assert partner.get("/account/email").status_code == 200

    response = partner.post("/account/email", data={"new_email": "  New.Home@Example.org "})
    assert response.status_code == 302
    confirm, notice = smtp_server.messages
    assert confirm["To"] == "new.home@example.org" and notice["To"] == old
    assert confirm["X-Clinic-Kind"] == "email_change_confirm" and notice["X-Clinic-Kind"] == "email_change_notice"
    for message in (confirm, notice):  # nothing about the couple or the therapy in either message
        whole = "\n".join((message["Subject"], text_of(message), html_of(message)))
        assert MARKER not in whole and world.partner_b.name not in whole and world.partner_a.name not in whole
    assert "new.home@example.org" not in text_of(notice)  # the old address is not told where it went

    db.session.refresh(world.partner_a)
    assert world.partner_a.email == old  # nothing changes before the new address confirms
    path = _link(confirm)
    token = path.rsplit("/", 1)[1]
    row = db.session.scalar(db.select(AccountToken).where(AccountToken.user_id == world.partner_a.id))
    assert row.purpose == "email_change" and token not in row.token_hash and len(row.token_hash) == 64
    assert timedelta(hours=23) < row.expires_at - utcnow() <= timedelta(hours=24)

    assert smtp_app.test_client().get(path).status_code == 302
    db.session.refresh(world.partner_a)
    assert world.partner_a.email == "new.home@example.org"
    db.session.refresh(world.couple.partner("a"))
    assert world.couple.partner("a").email == "new.home@example.org"  # the therapist's contact detail follows
    assert partner.get("/portal/").status_code == 302  # every session ended: sign in with the new address
    assert smtp_app.test_client().get(path).status_code == 404  # single use


def test_an_expired_link_changes_nothing(smtp_app, smtp_server, world, login):
    partner = smtp_app.test_client()
    login(partner, world.partner_b)
    old = world.partner_b.email
    assert partner.post("/account/email", data={"new_email": "later@example.org"}).status_code == 302
    path = _link(smtp_server.messages[0])
    row = db.session.scalar(db.select(AccountToken).where(AccountToken.user_id == world.partner_b.id))
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert smtp_app.test_client().get(path).status_code == 404
    db.session.refresh(world.partner_b)
    assert world.partner_b.email == old


def test_an_address_in_use_or_unchanged_is_refused_next_to_the_field(smtp_app, smtp_server, world, login):
    world.partner_a.email, world.partner_b.email = "ana@example.org", "bea@example.org"
    db.session.commit()
    partner = smtp_app.test_client()
    login(partner, world.partner_a)
    for address, message in (
        (world.partner_b.email, "That address can&#39;t be used for this account."),
        (world.partner_a.email, "That is already your sign-in address."),
    ):
        response = partner.post("/account/email", data={"new_email": address})
        assert response.status_code == 422
        assert re.search(r'class="field-error" role="alert">' + re.escape(message), response.get_data(as_text=True))
    assert smtp_server.messages == []


def test_email_change_requests_are_throttled_per_account(make_app, smtp_server, world, login):
    app = make_app(RATELIMIT_ENABLED=True, MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    partner = app.test_client()
    login(partner, world.partner_a)
    typo = partner.post("/account/email", data={"new_email": "not-an-address"})
    assert typo.status_code == 422  # a refused request costs nothing
    codes = [partner.post("/account/email", data={"new_email": f"n{i}@example.org"}).status_code for i in range(4)]
    assert codes == [302, 302, 302, 429]
    assert len(smtp_server.messages) == 6  # three requests, two messages each
    other = app.test_client()
    login(other, world.partner_b)  # another account is not held back
    assert other.post("/account/email", data={"new_email": "own@example.org"}).status_code == 302
