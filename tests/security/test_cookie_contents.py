"""No clinical fact travels in a cookie (issue 19, item 8).

The session cookie is signed, not encrypted: anyone who sees it (a shared computer, a proxy log, a
browser extension) can read it. With a marker planted in every free-text field, the treating therapist
and both partners crawl every page and submit every form they can reach; every cookie the server sets
is decoded and must hold no marker (no name, no note, no answer).
"""

import json

from flask import current_app

from tests.security.crawl import (
    ROLE_ACTORS,
    all_specs,
    client_for,
    crawl,
    discover_post_forms,
    populate_everything,
    submit,
)
from tests.security.markers import MARKER, enrich, plant

COOKIE_ACTORS = ("therapist", "partner_a", "partner_b")


class CookieJarWatcher:
    """Wraps a test client: every Set-Cookie of every answer is decoded and kept."""

    def __init__(self, client):
        self.client, self.seen = client, []
        self._open = client.open
        client.open = self.open

    def open(self, *args, **kwargs):
        response = self._open(*args, **kwargs)
        for header in response.headers.getlist("Set-Cookie"):
            self.seen.append((args[0] if args else kwargs.get("path"), decode_cookie(header)))
        return response


def decode_cookie(header: str) -> str:
    name, _, rest = header.partition("=")
    value = rest.split(";", 1)[0]
    if name == current_app.config["SESSION_COOKIE_NAME"] and value:
        serializer = current_app.session_interface.get_signing_serializer(current_app)
        return json.dumps(serializer.loads(value), default=str)
    return value


def variants(form):
    """The form's defaults (text filled in), then each choice of each radio group and select in turn,
    each sent twice (a second send takes the 'already done' paths)."""
    base = form.defaults()
    for name in form.text_fields:
        base[name] = base.get(name) or "Fictional words for the cookie test"
    yield base
    choices: dict = {}
    for field in form.fields:
        if field.kind == "radio":
            choices.setdefault(field.name, []).append(field.value)
        elif field.kind == "select":
            choices.setdefault(field.name, []).extend(field.options)
    for name, values in choices.items():
        for value in values[:4]:
            yield base | {name: value}
            yield base | {name: value}


def test_no_cookie_carries_a_marker(app, world):
    populate_everything(world)
    enrich(world)
    assert plant(world)
    forms = discover_post_forms(app, world, actors=COOKIE_ACTORS)
    start_paths = sorted({spec.url(world) for spec in all_specs() if spec.method == "GET"})
    leaks, decoded = [], 0
    for actor in COOKIE_ACTORS:
        watcher = CookieJarWatcher(client_for(app, world, actor))
        crawl(watcher.client, "/", start_paths=start_paths, pdf_text=False, per_pattern=2)
        for form_actor, form in forms:
            if form_actor != actor:
                continue
            for data in variants(form):
                submit(watcher.client, form, data)
                watcher.client.get(form.page)  # the page that shows (and pops) any flash message
        for path, text in watcher.seen:
            decoded += 1
            for found in set(MARKER.findall(text)):
                leaks.append(f"{actor}: cookie set by {path} holds {found}: {text[:160]}")
    assert decoded > 20, "the test must see the cookies the server sets"
    assert ROLE_ACTORS
    assert not leaks, "\n".join(sorted(set(leaks))[:30])
