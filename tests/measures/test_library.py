"""Published scoring reproduced on known answer sets, edges included."""

import pytest

from clinic.measures import library
from clinic.measures.library import MEASURES, csi4_is_dissatisfied, score


def csi(*values):
    return score("csi4", "csi4-v1", dict(enumerate(values, start=1)))["total"]


def ecr(*values):
    return score("ecr_rs", "ecr_rs-v1", dict(enumerate(values, start=1)))


def ras(*values):
    return score("ras", "ras-v1", dict(enumerate(values, start=1)))["mean"]


def test_csi4_items_are_csi32_items_1_12_19_22_with_published_labels():
    items = MEASURES["csi4"].items
    assert items[0].text == "Please indicate the degree of happiness, all things considered, of your relationship."
    assert list(items[0].options.values()) == [
        "Extremely unhappy",
        "Fairly unhappy",
        "A little unhappy",
        "Happy",
        "Very happy",
        "Extremely happy",
        "Perfect",
    ]
    assert items[1].text == "I have a warm and comfortable relationship with my partner."
    assert list(items[1].options.values())[-1] == "Completely true"
    assert items[2].text == "How rewarding is your relationship with your partner?"
    assert items[3].text == "In general, how satisfied are you with your relationship?"
    assert list(items[3].options) == [0, 1, 2, 3, 4, 5]


def test_csi4_sum_edges_and_mixed():
    assert csi(0, 0, 0, 0) == 0
    assert csi(6, 5, 5, 5) == 21
    assert csi(3, 2, 4, 1) == 10


def test_csi4_cutoff_13_is_below_14_is_not():
    assert csi4_is_dissatisfied(csi(4, 3, 3, 3)) is True  # 13
    assert csi4_is_dissatisfied(csi(5, 3, 3, 3)) is False  # 14
    assert csi4_is_dissatisfied(0) and not csi4_is_dissatisfied(21)


@pytest.mark.parametrize(
    "answers",
    [
        {1: 7, 2: 0, 3: 0, 4: 0},  # item 1 runs 0–6
        {1: 0, 2: 6, 3: 0, 4: 0},  # items 2–4 run 0–5
        {1: 0, 2: -1, 3: 0, 4: 0},
        {1: 0, 2: 0, 3: 0},  # missing item
    ],
)
def test_csi4_refuses_out_of_scale_or_incomplete(answers):
    with pytest.raises(ValueError):
        score("csi4", "csi4-v1", answers)


def test_ecr_rs_all_minimum_and_all_maximum_answers():
    # Items 1–4 reverse (8 − x): all 1s give avoidance (7+7+7+7+1+1)/6 = 5; all 7s (1+1+1+1+7+7)/6 = 3.
    assert ecr(*[1] * 9) == {"avoidance": 5.0, "anxiety": 1.0}
    assert ecr(*[7] * 9) == {"avoidance": 3.0, "anxiety": 7.0}


def test_ecr_rs_lowest_and_highest_possible_scores():
    assert ecr(7, 7, 7, 7, 1, 1, 1, 1, 1) == {"avoidance": 1.0, "anxiety": 1.0}
    assert ecr(1, 1, 1, 1, 7, 7, 7, 7, 7) == {"avoidance": 7.0, "anxiety": 7.0}


def test_ecr_rs_mixed_with_reversed_items():
    # reversed 8-2, 8-3, 8-1, 8-4 = 6, 5, 7, 4; plus 6, 5 -> 33/6 = 5.5; anxiety (7+6+5)/3 = 6
    assert ecr(2, 3, 1, 4, 6, 5, 7, 6, 5) == {"avoidance": 5.5, "anxiety": 6.0}
    # anxiety (2+3+3)/3 = 2.666… rounds to 2.67
    assert ecr(4, 4, 4, 4, 4, 4, 2, 3, 3)["anxiety"] == 2.67


def test_ecr_rs_items_and_scale():
    items = MEASURES["ecr_rs"].items
    assert len(items) == 9
    assert items[7].text == "I'm afraid that this person may abandon me."
    assert items[0].options[1].endswith("Strongly disagree") and items[0].options[7].endswith("Strongly agree")
    with pytest.raises(ValueError):
        ecr(0, 4, 4, 4, 4, 4, 4, 4, 4)
    with pytest.raises(ValueError):
        ecr(8, 4, 4, 4, 4, 4, 4, 4, 4)


def test_ras_mean_with_items_4_and_7_reversed():
    assert ras(1, 1, 1, 1, 1, 1, 1) == 2.14  # (1+1+1+5+1+1+5)/7
    assert ras(5, 5, 5, 5, 5, 5, 5) == 3.86  # (5+5+5+1+5+5+1)/7
    assert ras(1, 1, 1, 5, 1, 1, 5) == 1.0
    assert ras(5, 5, 5, 1, 5, 5, 1) == 5.0
    assert ras(4, 5, 3, 2, 4, 5, 3) == 4.0  # 4+5+3+4+4+5+3 = 28


def test_scoring_is_versioned_and_every_measure_has_citation_and_licence():
    for measure in MEASURES.values():
        assert measure.version in measure.scorers
        assert measure.citation and measure.licence
    with pytest.raises(KeyError):
        score("csi4", "csi4-v0", {1: 0, 2: 0, 3: 0, 4: 0})
    assert "research use" in MEASURES["ecr_rs"].licence


def test_plain_language_explanations():
    assert library.explain("csi4", {"total": 13}).startswith("13 out of 21. Scores below 13.5 are typical of")
    assert "14 and above" in library.explain("csi4", {"total": 14})
    assert "of 7" in library.explain("ecr_rs", {"anxiety": 4.0, "avoidance": 2.5})
