"""A therapist builds a caseload: create, edit, pause/close/reopen, goals, invitations."""

import re

from clinic.audit.models import AuditEvent
from clinic.couples.models import Couple, Invitation
from clinic.extensions import db


def couple_form(**overrides):
    data = {
        "display_name": "Moreau & Adeyemi",
        "model": "efct",
        "status": "intake",
        "started_on": "2026-10-01",
        "presenting_concerns": "Fictional: distance after a new baby.",
        "goals": "Feel like a team again\nFewer late-night fights",
        "confidentiality_policy": "no_secrets",
        "policy_agreed_on": "2026-10-01",
        "partner_a-name": "Camille Moreau",
        "partner_a-pronouns": "she/her",
        "partner_a-email": "camille@example.test",
        "partner_a-attachment_style": "anxious",
        "partner_a-cycle_position": "pursuer",
        "partner_b-name": "Tunde Adeyemi",
        "partner_b-pronouns": "he/him",
        "partner_b-email": "tunde@example.test",
        "partner_b-attachment_style": "avoidant",
        "partner_b-cycle_position": "withdrawer",
        "form_token": "token-aaaaaaaaaaaaaaaaaaaaaaaa",
    }
    data.update(overrides)
    return data


def test_therapist_creates_a_couple_with_two_partners_and_goals(client, world, login):
    login(client, world.therapist)
    response = client.post("/couples/new", data=couple_form())
    assert response.status_code == 302
    couple = db.session.scalar(db.select(Couple).where(Couple.display_name == "Moreau & Adeyemi"))
    assert couple.therapist_id == world.therapist.id
    assert [p.name for p in couple.partners] == ["Camille Moreau", "Tunde Adeyemi"]
    assert [g.text for g in couple.goals] == ["Feel like a team again", "Fewer late-night fights"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Camille Moreau" in page and "Email an invitation to Tunde Adeyemi" in page


def test_double_submitting_the_create_form_makes_one_couple(client, world, login):
    login(client, world.therapist)
    first = client.post("/couples/new", data=couple_form())
    second = client.post("/couples/new", data=couple_form())
    assert second.status_code == 302 and second.headers["Location"] == first.headers["Location"]
    count = db.session.scalar(
        db.select(db.func.count()).select_from(Couple).where(Couple.display_name == "Moreau & Adeyemi")
    )
    assert count == 1


def test_bad_input_is_explained_next_to_the_field_and_kept(client, world, login):
    login(client, world.therapist)
    response = client.post(
        "/couples/new",
        data=couple_form(**{"display_name": "", "partner_b-email": "camille@example.test", "started_on": "not a date"}),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give the couple a name." in page
    assert "Each partner needs their own email address." in page
    assert "Fictional: distance after a new baby." in page  # the rest of the input is kept
    assert db.session.scalar(db.select(db.func.count()).select_from(Couple)) == 2  # only the world's


def test_control_characters_and_overlong_text_are_refused(client, world, login):
    login(client, world.therapist)
    response = client.post("/couples/new", data=couple_form(display_name="Bad\x00Name"))
    assert response.status_code == 422
    assert "control characters" in response.get_data(as_text=True)
    response = client.post("/couples/new", data=couple_form(display_name="x" * 500))
    assert response.status_code == 422


def test_non_utf8_body_gets_a_clear_4xx(client, world, login):
    login(client, world.therapist)
    body = b"display_name=\xff\xfe&model=efct"
    response = client.post("/couples/new", data=body, content_type="application/x-www-form-urlencoded")
    assert 400 <= response.status_code < 500


def test_oversized_request_gets_413(client, world, login):
    login(client, world.therapist)
    response = client.post("/couples/new", data=couple_form(presenting_concerns="x" * (2 * 1024 * 1024)))
    assert response.status_code == 413
    assert "too much" in response.get_data(as_text=True)


def test_edit_keeps_history_of_nothing_lost_and_detects_conflicts(client, world, login):
    login(client, world.therapist)
    couple = world.couple
    url = f"/couples/{couple.id}/edit"
    form = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    base = {
        "display_name": "Renamed Couple",
        "model": "cbct",
        "status": "active",
        "started_on": "2026-01-05",
        "confidentiality_policy": "limited_secrets",
        "version": version,
        **{
            f"partner_{p.position}-{k}": getattr(p, k)
            for p in couple.partners
            for k in ("name", "pronouns", "email", "attachment_style", "cycle_position")
        },
    }
    assert client.post(url, data=base).status_code == 302
    stale = client.post(url, data={**base, "display_name": "My unsaved words"})
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert "My unsaved words" in page and "Renamed Couple" in page
    db.session.refresh(couple)
    assert couple.display_name == "Renamed Couple" and couple.model == "cbct"


def test_pause_close_and_reopen_never_delete(client, world, login):
    login(client, world.therapist)
    couple = world.couple
    for status in ("paused", "closed", "active"):
        db.session.refresh(couple)
        response = client.post(f"/couples/{couple.id}/status", data={"status": status, "version": couple.version})
        assert response.status_code == 302
        db.session.refresh(couple)
        assert couple.status == status
    assert couple.closed_on is None
    assert db.session.get(Couple, couple.id) is not None


def test_caseload_filters_and_hides_other_therapists_couples(client, world, login):
    login(client, world.therapist)
    page = client.get("/caseload").get_data(as_text=True)
    assert "Owner Couple" in page and "Other Couple" not in page
    client.post(f"/couples/{world.couple.id}/status", data={"status": "closed", "version": world.couple.version})
    assert "Owner Couple" not in client.get("/caseload").get_data(as_text=True)
    assert "Owner Couple" in client.get("/caseload?status=closed").get_data(as_text=True)
    assert "Owner Couple" in client.get("/caseload?status=all").get_data(as_text=True)


def test_caseload_is_paginated(client, world, login):
    from tests.factories import make_couple

    for _ in range(25):
        make_couple(world.therapist, join=False)
    login(client, world.therapist)
    page = client.get("/caseload").get_data(as_text=True)
    assert "Page 1 of 2" in page
    assert "Page 2 of 2" in client.get("/caseload?page=2").get_data(as_text=True)


def test_goals_are_added_and_their_status_tracked(client, world, login):
    login(client, world.therapist)
    couple = world.couple
    client.post(f"/couples/{couple.id}/goals", data={"text": "Weekly date night"})
    goal = couple.goals[-1]
    assert goal.text == "Weekly date night"
    client.post(f"/couples/{couple.id}/goals/{goal.id}", data={"status": "met"})
    db.session.refresh(goal)
    assert goal.status == "met"
    assert client.post(f"/couples/{couple.id}/goals", data={"text": ""}).status_code == 422


def test_invitation_flow_binds_a_client_account_to_the_partner(client, world, login, app):
    from tests.factories import make_couple

    couple = make_couple(world.therapist, join=False)
    partner = couple.partner("a")
    login(client, world.therapist)
    page = client.post(f"/couples/{couple.id}/partners/{partner.id}/invite").get_data(as_text=True)
    link = re.search(r'value="(http[^"]+/invite/[^"]+)"', page).group(1)
    token = link.rsplit("/", 1)[1]
    stored = db.session.scalar(db.select(Invitation).where(Invitation.partner_id == partner.id))
    assert token not in stored.token_hash and len(stored.token_hash) == 64  # only the hash is stored

    guest = app.test_client()
    assert "Welcome" in guest.get(f"/invite/{token}").get_data(as_text=True)
    response = guest.post(
        f"/invite/{token}",
        data={
            "new_password": "quiet river maple lantern",
            "confirm_password": "quiet river maple lantern",
            "agree": "y",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/portal/")
    db.session.refresh(partner)
    assert partner.user is not None and partner.user.role == "client"
    assert partner.name in guest.get("/portal/").get_data(as_text=True)
    # used once: the same link now shows the clear "can't be used" page and makes no account
    again = app.test_client().get(f"/invite/{token}")
    assert again.status_code == 404 and "can't be used" in again.get_data(as_text=True)


def test_forged_and_expired_invitations_give_a_clear_page(client, world, login, app):
    from datetime import timedelta

    from clinic.couples import invitations
    from clinic.db import utcnow
    from tests.factories import make_couple

    assert app.test_client().get("/invite/forged-token").status_code == 404
    partner = make_couple(world.other_therapist, join=False).partner("b")
    token = invitations.create(partner, world.other_therapist)
    invitation = db.session.scalar(db.select(Invitation).where(Invitation.partner_id == partner.id))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = app.test_client().post(
        f"/invite/{token}",
        data={
            "new_password": "quiet river maple lantern",
            "confirm_password": "quiet river maple lantern",
            "agree": "y",
        },
    )
    assert response.status_code == 404


def test_actions_are_audited_without_text(client, world, login):
    login(client, world.therapist)
    client.get(f"/couples/{world.couple.id}")
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "couple.viewed"))
    assert event.actor_id == world.therapist.id and event.couple_id == world.couple.id
    assert "Owner Couple" not in repr([getattr(event, c.name) for c in AuditEvent.__table__.columns])


def test_overview_states_the_safety_exception_for_either_policy(client, world, login):
    login(client, world.therapist)
    for policy in ("no_secrets", "limited_secrets"):
        world.couple.confidentiality_policy = policy
        db.session.commit()
        page = client.get(f"/couples/{world.couple.id}").get_data(as_text=True)
        assert (
            "will not share with the other partner anything a partner discloses about violence, fear or "
            "their safety plans" in page
        ), policy
    assert "Safety comes before the no-secrets rule" not in page  # limited-secrets has its own wording
    world.couple.confidentiality_policy = "no_secrets"
    db.session.commit()
    assert "Safety comes before the no-secrets rule." in client.get(f"/couples/{world.couple.id}").get_data(
        as_text=True
    )


def test_a_couple_name_over_120_characters_is_refused_with_a_message_not_cut(client, world, login):
    login(client, world.therapist)
    long_name = "Moreau-Adeyemi " * 9  # 135 characters
    response = client.post("/couples/new", data=couple_form(display_name=long_name, form_token="token-" + "c" * 24))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This is 134 characters; keep it to 120 or fewer." in page
    assert long_name.strip() in page  # kept whole in the field
    assert not re.search(r'<input[^>]*name="display_name"[^>]*maxlength', page)
    assert db.session.scalar(db.select(db.func.count()).select_from(Couple)) == 2  # nothing saved
