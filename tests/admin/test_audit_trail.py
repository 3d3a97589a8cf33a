"""The administrator's audit trail page: admins only, filters, pagination, never clinical content."""

import re

from clinic.audit.services import record
from clinic.extensions import db


def test_the_audit_page_is_for_admins_and_filters(client, world, login):
    login(client, world.therapist)
    client.get(f"/couples/{world.couple.id}")
    client.get(f"/couples/{world.other_couple.id}")  # denied: another therapist's couple
    login(client, world.admin)
    page = client.get("/admin/audit/")
    assert page.status_code == 200 and "couple.viewed" in page.text
    only_denied = client.get(f"/admin/audit/?action=access.not_found&user={world.therapist.id}")
    rows = re.findall(r"<tr>\s*<td>", only_denied.text)
    assert len(rows) == 1 and f"couple #R-{world.other_couple.id}" in only_denied.text
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
    for i in range(120):
        record("test.bulk", record_type="x", record_id=i)
    db.session.commit()
    login(client, world.admin)
    first = client.get("/admin/audit/")
    assert "Page 1 of 3" in first.text and first.text.count("<code>test.bulk</code>") == 50
    assert "Page 3 of 3" in client.get("/admin/audit/?page=3").text
