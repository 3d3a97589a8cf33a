"""Issue #11 end to end, across domains: partner A screens severe, the therapist follows up, conjoint work
is refused without a reason, individual sessions are recorded, conflict-raising homework pauses and the
safety handout goes to A alone. Partner B's every page and PDF stays byte-identical throughout, and B's
own homework shows nothing but the ordinary "Paused by your therapist"."""

import pytest

from clinic.errors import DomainError
from clinic.extensions import db
from clinic.handouts import services as handouts
from clinic.handouts.library import get_builtin
from clinic.homework.models import Assignment
from clinic.measures import safety
from tests.factories import PASSWORD
from tests.homework.support import assign
from tests.measures.helpers import SEVERE
from tests.measures.test_privacy import crawl, normalise

STARTS = ["/portal/", "/portal/homework", "/portal/handouts", "/portal/questionnaires", "/account"]
SAFETY_WORDS = ("Safety and support", "safety screen", "check-in", "A few questions about how things are going")


def _pages_of(client, login, partner):
    login(client, partner)
    return normalise(crawl(client, STARTS, limit=120))


def _severe_path(world):
    """What the therapist and partner A do; returns the screen."""
    couple, a = world.couple, world.couple.partner("a")
    sent = safety.send_screen(couple, a, world.therapist)
    safety.answer_screen(sent, SEVERE, a.user)
    assert sent.tier == "severe"
    safety.save_follow_up(sent, None, {"strangulation": "yes"}, "Seen alone; plan made.", world.therapist)
    signed = {"attest": True, "password": PASSWORD, "note": ""}
    with pytest.raises(DomainError) as refused:
        safety.record_decision(couple, sent, {**signed, "decision": "conjoint_with_safety_plan"}, world.therapist)
    assert refused.value.field == "override_reason"
    safety.record_decision(couple, sent, {**signed, "decision": "individual_sessions"}, world.therapist)
    handouts.give_handout(couple, get_builtin("safety-and-support"), "For you alone.", world.therapist, partner=a)
    db.session.commit()
    return sent


def test_partner_b_sees_nothing_of_a_severe_screen_and_what_followed(client, world, login):
    calm = assign(world, "gratitude-exchange", who="together")  # does not raise conflict: keeps running
    shared = handouts.give_handout(world.couple, get_builtin("growing-together"), "", world.therapist)
    db.session.commit()
    before = _pages_of(client, login, world.couple.partner("b").user)
    assert f"/portal/homework/{calm.id}" in before
    assert any(url.startswith(f"/portal/handouts/{shared.id}") and "pdf" in url for url in before), sorted(before)

    _severe_path(world)
    assert safety.safeguard_active(world.couple)

    after = _pages_of(client, login, world.couple.partner("b").user)
    assert after == before, sorted(url for url in after if after.get(url) != before.get(url))
    assert not [url for url, body in after.items() for word in SAFETY_WORDS if word in body]

    own = _pages_of(client, login, world.couple.partner("a").user)
    assert any("Safety and support" in body for body in own.values())  # A has it, on A's pages only


def test_conflict_raising_homework_pauses_and_b_sees_only_an_ordinary_pause(client, world, login):
    heated = assign(world, "speaker-listener", who="together")
    manual = assign(world, "raw-spot-conversation", who="together")
    db.session.commit()
    from clinic.homework import services as homework

    homework.change_assignment_status(manual, "pause", world.therapist)  # an ordinary pause, to compare
    db.session.commit()

    _severe_path(world)
    db.session.expire_all()
    assert db.session.get(Assignment, heated.id).status == "paused"
    login(client, world.couple.partner("b").user)
    listing = client.get("/portal/homework").get_data(as_text=True)
    paused = listing[listing.index("Paused by your therapist") :]
    assert heated.exercise.title in paused and manual.exercise.title in paused  # side by side, alike
    for page in (listing, client.get(f"/portal/homework/{heated.id}").get_data(as_text=True)):
        assert not [word for word in SAFETY_WORDS if word in page]
