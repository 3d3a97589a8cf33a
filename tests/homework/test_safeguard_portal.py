"""What partners see: a safety pause reads exactly like any pause; one partner's homework stays theirs."""

import html
import re

import pytest

import clinic.measures.safety
from clinic.extensions import db
from clinic.homework import services
from clinic.measures.signals import safety_screen_flagged
from tests.homework import support


def _normalised(response, assignment_ids) -> str:
    page = html.unescape(response.get_data(as_text=True))
    page = re.sub(r'name="csrf_token" value="[^"]*"|<meta name="csrf-token"[^>]*>', "", page)
    for number, assignment_id in enumerate(assignment_ids):
        page = page.replace(f"/portal/homework/{assignment_id}", f"/portal/homework/ID{number}")
    return page


def _one_paused_page(client, world, login, how: str):
    assignment = support.assign(world, "speaker-listener", who="together", days_ago=3)
    if how == "safety":
        safety_screen_flagged.send(world.couple, screen=None, by=world.partner_a)
    else:
        services.change_assignment_status(assignment, "pause", world.therapist)
    db.session.commit()
    login(client, world.partner_b)
    pages = (client.get("/portal/homework"), client.get(f"/portal/homework/{assignment.id}"), client.get("/portal/"))
    for response in pages:
        assert response.status_code == 200
    texts = [_normalised(r, [assignment.id]) for r in pages]
    db.session.delete(db.session.get(type(assignment), assignment.id))  # the next run starts from the same page
    db.session.commit()
    return texts


def test_a_safety_pause_and_a_manual_pause_look_the_same_to_partners(client, world, login, monkeypatch):
    monkeypatch.setattr(clinic.measures.safety, "safeguard_active", lambda couple: False)
    safety = _one_paused_page(client, world, login, "safety")
    manual = _one_paused_page(client, world, login, "manual")
    assert "Paused by your therapist" in safety[0]
    assert "Your therapist has paused this homework for now" in safety[1]
    for seen_after_safety, seen_after_manual in zip(safety, manual, strict=True):
        assert seen_after_safety == seen_after_manual
    for page in safety:
        assert not re.search(
            r"safety|safeguard|screen", re.sub(r"<[^>]+>", " ", page.split("<main")[-1]), re.IGNORECASE
        ), "partner page mentions safety"


@pytest.mark.parametrize("kind", ["once", "daily"])
def test_one_partner_homework_never_reaches_the_other_partner(client, world, login, kind):
    a = world.couple.partner("a")
    only_a = support.assign(
        world, "self-care-plan", who="one", partner=a, kind=kind, days_ago=0 if kind == "daily" else 8
    )
    support.entry(only_a, a, days_ago=0, shared=True, free_text="Fictional ONLY-A-MARKER")
    db.session.commit()
    login(client, world.partner_a)
    assert "My self-care plan" in client.get("/portal/homework").get_data(as_text=True)
    login(client, world.partner_b)
    for url in ("/portal/", "/portal/homework"):
        page = client.get(url).get_data(as_text=True)
        assert "My self-care plan" not in page and "ONLY-A-MARKER" not in page
        assert f"/portal/homework/{only_a.id}" not in page
    assert client.get(f"/portal/homework/{only_a.id}").status_code == 404
    from clinic.homework.models import Entry
    from clinic.homework.progress import today_summary

    assert db.session.query(Entry).filter_by(assignment_id=only_a.id).one().is_shared is False  # nobody to share with

    summary = today_summary(world.couple.partner("b"), world.couple)
    assert not summary["has_any"] and not summary["due"] and not summary["week"] and not summary["shared"]
