"""The safety screen's questions and its pure, versioned positive rules (CLINICAL.md section 5).

After the Woman Abuse Screening Tool (Brown, Lent, Schmidt & Sas, 2000), worded neutrally for any
gender. Partners see it only under the neutral title below; results are for the clinician alone.
"""

from dataclasses import dataclass

NEUTRAL_TITLE = "A few questions about how things are going"
HOTLINE = "National Domestic Violence Hotline: 1-800-799-SAFE (7233), 24 hours a day, 7 days a week"
CITATION = ("Adapted from the Woman Abuse Screening Tool (WAST): Brown, J. B., Lent, B., Schmidt, G., & Sas, G. "
            "(2000). Application of the Woman Abuse Screening Tool (WAST) and WAST-Short in the family practice "
            "setting. Journal of Family Practice, 49(10), 896–903. Worded here for any gender.")
VERSION = "wast-v1"

TENSION = {"a_lot": "A lot of tension", "some": "Some tension", "none": "No tension"}
DIFFICULTY = {"great": "Great difficulty", "some": "Some difficulty", "none": "No difficulty"}
FREQUENCY = {"often": "Often", "sometimes": "Sometimes", "never": "Never"}


@dataclass(frozen=True)
class ScreenItem:
    key: str
    text: str
    options: dict[str, str]
    counts_if_ever: bool = False  # follow-up items about hitting, fear or abuse


ITEMS: tuple[ScreenItem, ...] = (
    ScreenItem("tension", "In general, how would you describe your relationship?", TENSION),
    ScreenItem("arguments", "Do you and your partner work out arguments with…", DIFFICULTY),
    ScreenItem("down", "Do arguments leave you feeling down or bad about yourself?", FREQUENCY),
    ScreenItem("hitting", "Do arguments end in hitting, kicking or pushing?", FREQUENCY, True),
    ScreenItem("frightened", "Do you feel frightened by what your partner says or does?", FREQUENCY, True),
    ScreenItem("abuse_physical", "Has your partner abused you physically?", FREQUENCY, True),
    ScreenItem("abuse_emotional", "Has your partner abused you emotionally?", FREQUENCY, True),
    ScreenItem("abuse_sexual", "Has your partner abused you sexually?", FREQUENCY, True),
)
ITEM_KEYS = tuple(item.key for item in ITEMS)


def is_positive_v1(answers: dict[str, str]) -> bool:
    """Positive when 'a lot of tension' AND 'great difficulty', or any 'often'/'sometimes' on the items
    about hitting, fear or abuse. Raises ValueError for incomplete or unknown answers."""
    for item in ITEMS:
        if answers.get(item.key) not in item.options:
            raise ValueError(f"safety screen: item {item.key} missing or outside the options")
    short_form = answers["tension"] == "a_lot" and answers["arguments"] == "great"
    follow_up = any(answers[item.key] in ("often", "sometimes") for item in ITEMS if item.counts_if_ever)
    return short_form or follow_up


RULES = {"wast-v1": is_positive_v1}
RULE_TEXT = ("Positive when the answers are “a lot of tension” and “great difficulty”, or when any item about "
             "hitting, fear or abuse is answered “often” or “sometimes”.")


def is_positive(version: str | None, answers: dict | None) -> bool:
    if not version or not answers:
        return False
    return RULES[version](answers)


def answer_labels(answers: dict) -> list[tuple[str, str]]:
    """(question, chosen label) pairs for the clinician's view."""
    return [(item.text, item.options.get(answers.get(item.key, ""), "—")) for item in ITEMS]
