"""#17: a partner sees their own score history as an accessible chart, with a table of the same numbers;
nothing of the other partner's answers reaches it."""

import html
import re

from clinic.extensions import db
from tests.measures.helpers import age, answer, request_for


def _history(world):
    a, b = world.couple.partner("a"), world.couple.partner("b")
    repeating = request_for(world, "a", schedule="every_n_days", interval_days=14)
    first = answer(repeating, [2, 2, 2, 2], a.user)  # 8
    age(first, 30)
    answer(repeating, [4, 3, 3, 3], a.user)  # 13
    answer(request_for(world, "b"), [6, 5, 5, 5], b.user)  # 21: the other partner's
    ecr = answer(request_for(world, "a", "ecr_rs"), [4, 4, 4, 4, 4, 4, 6, 6, 6], a.user)
    db.session.commit()
    return first, ecr


def test_the_portal_draws_the_partners_own_scores_with_a_table(client, world, login):
    first, _ = _history(world)
    login(client, world.partner_a)
    page = html.unescape(client.get("/portal/questionnaires").text)
    svgs = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert len(svgs) == 2  # CSI-4 and ECR-RS
    csi = next(s for s in svgs if "Your CSI-4 scores over time" in s)
    assert 'role="img"' in csi and "<title" in csi and "<desc" in csi
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", csi, flags=re.S).group(1)
    assert desc.startswith("Relationship satisfaction (0–21):")
    assert re.findall(r"\d{4} (\d+)", desc) == ["8", "13"]  # oldest first; the other partner's 21 is not drawn
    table = re.search(r'<table class="own-table">.*?</table>', page, flags=re.S).group(0)
    assert "<td>8</td>" in table and "<td>13</td>" in table and "<td>21</td>" not in table
    ecr = next(s for s in svgs if "ECR-RS" in s)
    assert "Worry about whether your partner will be there for you" in ecr


def test_the_other_partner_sees_only_their_own_chart(client, world, login):
    _history(world)
    login(client, world.partner_b)
    page = html.unescape(client.get("/portal/questionnaires").text)
    svgs = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert len(svgs) == 1 and "Your CSI-4 scores over time" in svgs[0]
    table = re.search(r'<table class="own-table">.*?</table>', page, flags=re.S).group(0)
    assert "<td>21</td>" in table and "<td>8</td>" not in table and "<td>13</td>" not in table
