"""What gets recorded in the audit trail (the admin's page for it is tested in tests/admin)."""

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
