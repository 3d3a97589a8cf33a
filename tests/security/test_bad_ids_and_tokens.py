"""Out-of-range ids and foreign form tokens are ordinary bad requests, never server errors (issue 19, item 7)."""

import re

import pytest

from clinic.core.models import SubmissionToken
from clinic.couples.models import Couple
from clinic.extensions import db
from tests.couples.test_couples import couple_form
from tests.security.crawl import client_for

HUGE = ("99999999999999999999999999", str(2**31), str(2**63), str(2**64 + 1))
ACTORS = ("therapist", "partner_a", "admin")


def _int_rules(app):
    for rule in app.url_map.iter_rules():
        names = [name for name, converter in rule._converters.items() if type(converter).__name__ != "UnicodeConverter"]
        if any(re.search(rf"<int:{name}>", rule.rule) for name in names):
            yield rule


@pytest.mark.parametrize("huge", HUGE)
def test_every_int_route_answers_404_for_an_out_of_range_id(app, world, huge):
    rules = list(_int_rules(app))
    assert len(rules) > 30, "the walk must see the app's <int:> routes"
    clients = {actor: client_for(app, world, actor) for actor in ACTORS}
    failures = []
    for rule in rules:
        path = re.sub(r"<int:[^>]+>", huge, rule.rule)
        path = re.sub(r"<[^>]+>", "x", path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for actor, client in clients.items():
                response = client.open(path, method=method)
                if response.status_code not in (404, 405):  # 405: another route of that shape, other methods
                    failures.append(f"{actor} {method} {path}: {response.status_code}")
    assert not failures, "\n".join(failures[:30])


def test_another_users_used_form_token_gets_a_clear_400(app, world, login, client):
    token = "foreign-token-0123456789abcdef"
    db.session.add(SubmissionToken(token=token, user_id=world.other_therapist.id, result_url="/couples/1"))
    db.session.commit()
    before = db.session.query(Couple).count()
    login(client, world.therapist)
    response = client.post(
        "/couples/new",
        data=couple_form(form_token=token),
    )
    assert response.status_code == 400
    assert "already been sent" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.query(Couple).count() == before
