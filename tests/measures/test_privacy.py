"""The other partner never learns about a safety screen or their partner's answers: a crawl of every
page partner B can reach, with unique markers, before and after partner A's screen and answers."""

import re
from urllib.parse import urljoin, urlsplit

from clinic.extensions import db
from clinic.measures.screen import NEUTRAL_TITLE
from clinic.settings import edit_practice_settings
from tests.measures.helpers import POSITIVE, answer, request_for, screen_for

CRISIS_MARKER = "Zephyr-Crisis-Line-4417 (fictional)"
LINK = re.compile(r'(?:href|action)="([^"#]+)')
VOLATILE = re.compile(r'(name="csrf_token" value="|name="csrf-token" content="|name="form_token"[^>]*value=")[^"]+')


def crawl(client, starts, limit=80) -> dict[str, str]:
    """GET every same-site page reachable from `starts` (no sign-out, no static files)."""
    seen, queue, pages = set(), list(starts), {}
    while queue and len(pages) < limit:
        url = queue.pop(0)
        path = urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
        skipped = path.startswith(("/static", "/logout", "/exit"))  # /exit is the quick exit: it signs out
        if path in seen or skipped or urlsplit(url).netloc not in ("", "clinic.test"):
            continue
        seen.add(path)
        response = client.get(path)
        body = (
            response.get_data(as_text=True)
            if response.mimetype == "text/html"
            else response.get_data(as_text=False).decode("latin-1")
        )
        pages[path] = f"{response.status_code}\n{body}"
        if response.mimetype == "text/html":
            queue += [urljoin(path, link) for link in LINK.findall(body)]
    return pages


def normalise(pages):
    return {url: VOLATILE.sub(r"\1", body) for url, body in pages.items()}


def test_partner_b_sees_no_trace_of_partner_as_screen_or_answers(client, world, login):
    edit_practice_settings().crisis_resources = CRISIS_MARKER
    request_b = request_for(world, "b")
    answer(request_b, [6, 5, 5, 3], world.partner_b)  # B's own: 19 out of 21
    db.session.commit()
    login(client, world.partner_b)
    starts = ["/portal/", "/portal/questionnaires", "/account"]
    before = normalise(crawl(client, starts))
    assert "/portal/questionnaires" in before and "19 out of 21" in before["/portal/questionnaires"]

    # Partner A: a positive screen, answered, a CSI-4 with a distinctive score, and an ECR-RS waiting.
    sent = screen_for(world, "a", answers=POSITIVE)
    request_a = request_for(world, "a")
    answer(request_a, [0, 1, 1, 1], world.partner_a)  # 3 out of 21
    request_for(world, "a", measure_key="ecr_rs")
    db.session.commit()

    login(client, world.partner_b)
    after = normalise(crawl(client, starts + [f"/portal/check-in/{sent.id}", f"/portal/questionnaires/{request_a.id}"]))
    markers = [
        NEUTRAL_TITLE,
        "check-in",
        CRISIS_MARKER,
        "3 out of 21",
        f"/portal/questionnaires/{request_a.id}",
        "ECR-RS",
        "Experiences in Close Relationships",
        "7233",
    ]
    leaks = [(url, m) for url, body in after.items() for m in markers if m in body]
    assert not leaks, leaks
    assert after[f"/portal/check-in/{sent.id}"].startswith("404")
    assert after[f"/portal/questionnaires/{request_a.id}"].startswith("404")
    # Every page B could see before looks exactly the same afterwards.
    assert {url: body for url, body in after.items() if url in before} == before
    assert len(before) >= 3, before.keys()
    print("crawled as partner B:", sorted(after))


def test_partner_a_sees_their_own_screen_and_resources_only(client, world, login):
    edit_practice_settings().crisis_resources = CRISIS_MARKER
    sent = screen_for(world, "a", answers=POSITIVE)
    db.session.commit()
    login(client, world.partner_a)
    assert CRISIS_MARKER in client.get(f"/portal/check-in/{sent.id}").get_data(as_text=True)
    login(client, world.outsider)
    pages = crawl(client, ["/portal/", "/portal/questionnaires", f"/portal/check-in/{sent.id}"])
    assert not [url for url, body in pages.items() if CRISIS_MARKER in body or NEUTRAL_TITLE in body]


def test_exports_and_paper_forms_never_carry_the_screen(app, world):
    from clinic.measures.export import couple_scores
    from clinic.measures.paper import due_paper_forms

    screen_for(world, "a", answers=POSITIVE)
    screen_for(world, "b")
    request_for(world, "b", measure_key="ras")
    text = repr(couple_scores(world.couple)) + repr(due_paper_forms(world.couple))
    for marker in ("tension", "hitting", "safety", NEUTRAL_TITLE, "wast"):
        assert marker not in text.lower()
