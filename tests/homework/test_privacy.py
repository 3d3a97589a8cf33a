"""A partner never sees the other's private entries: not in lists, counts, badges or anywhere else.

Private entries carry unique markers; every portal page the other partner can reach is crawled.
"""

import html
import re
from urllib.parse import urljoin, urlsplit

from clinic.extensions import db
from tests.homework import support

PRIVATE = "PRIVATE-MARKER-7f3a9c"
SHARED = "SHARED-MARKER-2b81de"


def _setup(world):
    a, b = world.couple.partner("a"), world.couple.partner("b")
    together = support.assign(world, "caring-days", who="together", days_ago=3)
    each = support.assign(world, "attachment-trigger-journal", who="each", days_ago=3)
    only_a = support.assign(world, "self-care-plan", who="one", partner=a, kind="once", days_ago=3)
    rating = support.assign(world, "mindful-check-in", who="together", days_ago=3)
    support.entry(
        together,
        a,
        days_ago=0,
        free_text=f"{PRIVATE} together",
        answers={"caring_act": f"{PRIVATE} act", "noticed": "", "feeling": ""},
    )
    support.entry(each, a, days_ago=0, free_text=f"{PRIVATE} journal")
    support.entry(each, a, days_ago=1, shared=True, free_text=f"{SHARED} journal")
    support.entry(only_a, a, days_ago=0, free_text=f"{PRIVATE} self-care")
    support.entry(rating, a, days_ago=0, rating=5, free_text=f"{PRIVATE} rating")
    support.entry(each, b, days_ago=0, free_text="B's own fictional entry")
    db.session.commit()
    return together, each, only_a, rating


def crawl(client, start="/portal/", limit=80):
    seen, queue, pages = set(), [start], {}
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        body = response.get_data(as_text=True)
        pages[url] = (response.status_code, body)
        for href in re.findall(r'href="([^"]+)"', body):
            target = urljoin(url, html.unescape(href))
            parts = urlsplit(target)
            if parts.netloc not in ("", "clinic.test") or parts.path.startswith(("/static/", "/exit")):
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path not in seen:
                queue.append(path)
    return pages


def test_private_markers_never_reach_the_other_partner(client, world, login):
    together, each, only_a, rating = _setup(world)
    login(client, world.partner_b)
    pages = crawl(client)
    assert "/portal/homework" in pages and f"/portal/homework/{each.id}" in pages
    for url, (_status, body) in pages.items():
        assert PRIVATE not in body, f"private entry leaked on {url}"
    assert any(SHARED in body for _s, body in pages.values())  # the crawl did reach entries
    # Direct URLs for what is A's alone answer 404, like anything that doesn't exist.
    assert client.get(f"/portal/homework/{only_a.id}").status_code == 404


def test_private_entries_do_not_move_the_other_partners_counts(client, world, login):
    together, each, only_a, rating = _setup(world)
    login(client, world.partner_b)
    page = html.unescape(client.get(f"/portal/homework/{together.id}").get_data(as_text=True))
    # A logged the together exercise privately today; for B it is still due, with nothing done.
    assert "Due today" in page and "0 of" in page and "Done for today" not in page
    assert "No entries yet." in page
    listing = html.unescape(client.get("/portal/homework").get_data(as_text=True))
    assert "My self-care plan" not in listing
    today = html.unescape(client.get("/portal/").get_data(as_text=True))
    assert PRIVATE not in today and "Shared by" in today


def test_author_and_therapist_do_see_the_private_entries(client, world, login):
    _setup(world)
    login(client, world.partner_a)
    pages = crawl(client)
    assert any(PRIVATE in body for _s, body in pages.values())
    login(client, world.therapist)
    page = client.get(f"/couples/{world.couple.id}/homework").get_data(as_text=True)
    assert "Caring days" in page
