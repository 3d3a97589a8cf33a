"""The tier function: every rule at and either side of its boundary, for received and for done."""

import pytest

from clinic.measures import screen
from clinic.measures.screen import DIRECTIONAL_ITEMS, classify, reason_labels, tier_v2
from tests.measures.helpers import NONE, NONE_V1

TOPICS_BY_RULE = {
    rule: [i.topic for i in DIRECTIONAL_ITEMS if i.section == "received" and i.rule == rule]
    for rule in ("concern", "positive", "severe")
}


def test_no_answer_of_concern_is_tier_none():
    assert tier_v2(NONE) == screen.TierResult("none", ())


@pytest.mark.parametrize("prefix", ["recv", "did"])
@pytest.mark.parametrize(("rule", "topic"), [(r, t) for r, ts in TOPICS_BY_RULE.items() for t in ts])
def test_each_yes_sets_its_tier_in_either_direction(prefix, rule, topic):
    result = tier_v2({**NONE, f"{prefix}_{topic}": "yes"})
    assert result.tier == rule and result.reasons == (f"{prefix}_{topic}",)
    assert tier_v2({**NONE, f"{prefix}_{topic}": "no"}).tier == "none"


@pytest.mark.parametrize(
    ("changes", "tier"),
    [
        ({"tension": "a_lot", "arguments": "great"}, "concern"),  # WAST short form, nothing more
        ({"tension": "a_lot", "arguments": "some"}, "none"),
        ({"tension": "some", "arguments": "great"}, "none"),
        ({"tension": "a_lot", "arguments": "great", "down": "often"}, "concern"),  # feeling down does not count
        ({"hitting": "sometimes"}, "positive"),  # WAST follow-up rule
        ({"hitting": "often"}, "positive"),
        ({"frightened": "sometimes"}, "positive"),
        ({"abuse_physical": "sometimes"}, "positive"),
        ({"abuse_emotional": "often"}, "positive"),
        ({"abuse_sexual": "sometimes"}, "positive"),
        ({"tension": "a_lot", "arguments": "great", "recv_fear": "yes"}, "positive"),  # more than the short form
        ({"did_physical": "yes", "recv_injury": "yes"}, "severe"),  # severity beats positive
        ({"tension": "a_lot", "arguments": "great", "did_control": "yes"}, "concern"),
    ],
)
def test_wast_rules_and_precedence(changes, tier):
    assert tier_v2({**NONE, **changes}).tier == tier


def test_reasons_name_only_the_deciding_rule_and_the_direction():
    result = tier_v2({**NONE, "hitting": "often", "did_weapon": "yes", "recv_physical": "yes"})
    assert result.tier == "severe" and result.reasons == ("did_weapon",)
    assert reason_labels(result.reasons) == ["Weapon used or threatened (done)"]
    positive = tier_v2({**NONE, "hitting": "often", "recv_physical": "yes"})
    assert reason_labels(positive.reasons) == [
        "Do arguments ever result in hitting, kicking or pushing?",
        "Physical violence (received)",
    ]


@pytest.mark.parametrize(
    "bad", [{}, {**NONE, "recv_physical": "maybe"}, {k: v for k, v in NONE.items() if k != "did_stalking"}]
)
def test_incomplete_or_unknown_answers_raise(bad):
    with pytest.raises(ValueError):
        tier_v2(bad)


def test_old_wast_v1_answers_classify_under_their_own_version():
    assert classify("wast-v1", {**NONE_V1, "hitting": "often"}).tier == "positive"
    assert classify("wast-v1", {**NONE_V1, "tension": "a_lot", "arguments": "great"}).tier == "concern"
    assert classify("wast-v1", NONE_V1).tier == "none"
    assert classify(None, None) is None
    assert set(screen.RULE_TEXT) == set(screen.RULES)


def test_published_wast_wording():
    texts = [item.text for item in screen.WAST_ITEMS]
    assert "Do arguments ever result in you feeling down or bad about yourself?" in texts
    assert "Do arguments ever result in hitting, kicking or pushing?" in texts
    assert "Do you ever feel frightened by what your partner says or does?" in texts
    assert {
        "Has your partner ever abused you physically?",
        "Has your partner ever abused you emotionally?",
        "Has your partner ever abused you sexually?",
    } <= set(texts)
