"""#17: handout passages a couple therapist would correct, rewritten in our own words (the own-words check
in test_content.py covers these files too)."""

from clinic.handouts.library import get_builtin


def _body(slug: str) -> str:
    handout = get_builtin(slug)
    assert handout is not None
    return " ".join(handout.body.split())


def test_05_treats_the_partners_response_as_part_of_the_healing():
    body = _body("reassurance-without-enabling")
    assert "the healing belongs to your partner" not in body.lower()
    assert "Your response matters" in body and "Both of yours" in body
    assert "being there is not the same as giving in" in body


def test_07_says_each_partner_may_be_seen_alone_and_does_not_borrow_individual_evidence():
    body = _body("what-to-expect-from-couples-therapy")
    assert "## Sessions with each of you alone" in get_builtin("what-to-expect-from-couples-therapy").body
    assert "meet each of you on your own" in body
    assert "online cognitive-behavioural therapy can work as well as meeting in person" not in body
    assert "Studies of couples therapy by video are fewer and smaller" in body


def test_02_keeps_attachment_style_apart_from_cycle_position():
    body = _body("attachment-styles-and-the-cycle")
    assert "Styles and cycle positions are not the same" in body
    assert "two partners who both pursue" in body and "two who both withdraw" in body
    assert "These two styles often find each other" not in body
