"""What gets recorded, and the admin's audit page."""

import re

from sqlalchemy import select

from clinic.audit.models import AuditEvent
from clinic.extensions import db
from tests.auth.helpers import set_require_totp, sign_in


def _actions():
    return db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()


def test_sign_in_failure_and_sign_out_are_recorded(client, world):
    set_require_totp(False)
    sign_in(client, world.therapist.email, "wrong-password-1")
    sign_in(client, world.therapist.email)
    client.post("/logout")
    assert _actions()[-3:] == ["auth.login_failed", "auth.login", "auth.logout"]
    failed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.login_failed"))
    assert failed.outcome == "denied" and failed.client_address


def test_denied_access_by_a_signed_in_user_is_recorded(client, world, login):
    login(client, world.other_therapist)
    assert client.get(f"/couples/{world.couple.id}").status_code == 404
    login(client, world.partner_a)
    assert client.get("/admin/staff").status_code == 403
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied")).all()
    seen = {(e.action, e.actor_id, e.record_id) for e in events}
    assert ("access.not_found", world.other_therapist.id, world.couple.id) in seen
    assert any(a == "access.denied" and actor == world.partner_a.id for a, actor, _ in seen)


def test_a_denied_request_changes_nothing_but_the_trail(client, world, login):
    login(client, world.other_therapist)
    before = world.couple.status
    client.post(f"/couples/{world.couple.id}/status", data={"status": "closed", "version": world.couple.version})
    db.session.refresh(world.couple)
    assert world.couple.status == before


def test_account_changes_are_recorded(client, world, login):
    login(client, world.admin)
    client.post(f"/admin/staff/{world.other_therapist.id}/deactivate")
    client.post(f"/admin/staff/{world.other_therapist.id}/reactivate")
    assert {"user.deactivated", "user.reactivated"} <= set(_actions())


def test_the_audit_page_is_for_admins_and_filters(client, world, login):
    login(client, world.therapist)
    client.get(f"/couples/{world.couple.id}")
    client.get(f"/couples/{world.other_couple.id}")  # denied: another therapist's couple
    login(client, world.admin)
    page = client.get("/admin/audit/")
    assert page.status_code == 200 and "couple.viewed" in page.text
    only_denied = client.get(f"/admin/audit/?action=access.not_found&user={world.therapist.id}")
    rows = re.findall(r"<tr>\s*<td>", only_denied.text)
    assert len(rows) == 1 and f"couple {world.other_couple.id}" in only_denied.text
    by_couple = client.get(f"/admin/audit/?couple={world.couple.id}")
    assert "<code>couple.viewed</code>" in by_couple.text and "<code>access.not_found</code>" not in by_couple.text
    assert "No entries match" in client.get("/admin/audit/?date_from=2000-01-01&date_to=2000-01-02").text
    assert client.get("/admin/audit/?couple=abc").status_code == 422


def test_the_audit_page_shows_no_clinical_content(client, world, login):
    world.couple.presenting_concerns = "MARKER-CONCERN-7731"
    db.session.commit()
    login(client, world.therapist)
    client.post(f"/couples/{world.couple.id}/goals", data={"text": "MARKER-GOAL-7731"})
    login(client, world.admin)
    page = client.get("/admin/audit/")
    assert "MARKER" not in page.text and world.couple.display_name not in page.text


def test_the_audit_page_is_paginated(client, world, login):
    from clinic.audit.services import record

    for i in range(120):
        record("test.bulk", record_type="x", record_id=i)
    db.session.commit()
    login(client, world.admin)
    first = client.get("/admin/audit/")
    assert "Page 1 of 3" in first.text and first.text.count("<code>test.bulk</code>") == 50
    assert "Page 3 of 3" in client.get("/admin/audit/?page=3").text
