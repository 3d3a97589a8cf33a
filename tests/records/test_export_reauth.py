"""Exporting a whole record asks the therapist to confirm who they are if the last proof is old."""

import time


def test_export_asks_to_confirm_identity_after_five_minutes(client, world, login):
    login(client, world.therapist)
    assert client.get(f"/couples/{world.couple.id}/export").status_code == 200
    with client.session_transaction() as session:
        session["_reauth_at"] = int(time.time()) - 6 * 60
    response = client.get(f"/couples/{world.couple.id}/export")
    assert response.status_code == 302
    assert "/account/confirm" in response.headers["Location"]
