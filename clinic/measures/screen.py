"""The safety screen's questions and its pure, versioned tier rules (CLINICAL.md section 5).

Part 1 is the Woman Abuse Screening Tool (Brown, Lent, Schmidt & Sas, 2000) in its published wording,
"partner" for any gender. Parts 2 and 3 are our own plain-language items, asked in both directions
(what the partner receives and what they do) about the last 12 months; docs/SAFETY-SCREEN.md cites
where each item's content comes from. Partners see the screen only under the neutral title below;
results are for the clinician alone.
"""

from dataclasses import dataclass

NEUTRAL_TITLE = "A few questions about how things are going"
HOTLINE = "National Domestic Violence Hotline: 1-800-799-SAFE (7233), 24 hours a day, 7 days a week"
CITATION = (
    "Part 1 is the Woman Abuse Screening Tool (WAST): Brown, J. B., Lent, B., Schmidt, G., & Sas, G. "
    "(2000). Application of the Woman Abuse Screening Tool (WAST) and WAST-Short in the family practice "
    "setting. Journal of Family Practice, 49(10), 896–903, worded for any gender. Parts 2 and 3 are the "
    "practice's own items after the CDC's Uniform Definitions (Breiding et al., 2015) and the risk "
    "factors of Campbell et al. (2003); see docs/SAFETY-SCREEN.md."
)
VERSION = "screen-v2"
TIERS = ("none", "concern", "positive", "severe")
TIER_LABELS = {"none": "None", "concern": "Concern", "positive": "Positive", "severe": "Severe"}

TENSION = {"a_lot": "A lot of tension", "some": "Some tension", "none": "No tension"}
DIFFICULTY = {"great": "Great difficulty", "some": "Some difficulty", "none": "No difficulty"}
FREQUENCY = {"often": "Often", "sometimes": "Sometimes", "never": "Never"}
YES_NO = {"yes": "Yes", "no": "No"}

WAST, RECEIVED, DONE = "wast", "received", "done"
SECTIONS = {
    WAST: "About your relationship",
    RECEIVED: "What your partner has done (last 12 months)",
    DONE: "What you have done (last 12 months)",
}
DIRECTION_LABELS = {RECEIVED: "Received (partner towards them)", DONE: "Done (them towards partner)"}


@dataclass(frozen=True)
class ScreenItem:
    key: str
    text: str
    options: dict[str, str]
    section: str = WAST
    topic: str = ""
    rule: str = ""  # "short_form", "wast_follow_up", "concern", "positive" or "severe"


WAST_ITEMS: tuple[ScreenItem, ...] = (
    ScreenItem("tension", "In general, how would you describe your relationship?", TENSION, rule="short_form"),
    ScreenItem("arguments", "Do you and your partner work out arguments with…", DIFFICULTY, rule="short_form"),
    ScreenItem("down", "Do arguments ever result in you feeling down or bad about yourself?", FREQUENCY),
    ScreenItem("hitting", "Do arguments ever result in hitting, kicking or pushing?", FREQUENCY, rule="wast_follow_up"),
    ScreenItem(
        "frightened", "Do you ever feel frightened by what your partner says or does?", FREQUENCY, rule="wast_follow_up"
    ),
    ScreenItem("abuse_physical", "Has your partner ever abused you physically?", FREQUENCY, rule="wast_follow_up"),
    ScreenItem("abuse_emotional", "Has your partner ever abused you emotionally?", FREQUENCY, rule="wast_follow_up"),
    ScreenItem("abuse_sexual", "Has your partner ever abused you sexually?", FREQUENCY, rule="wast_follow_up"),
)

# (topic, rule, topic label, received wording, done wording): plain, neutral, our own words.
_PAIRS = (
    (
        "physical",
        "positive",
        "Physical violence",
        "pushed, slapped, hit, kicked or otherwise physically hurt you?",
        "pushed, slapped, hit, kicked or otherwise physically hurt your partner?",
    ),
    (
        "sexual",
        "positive",
        "Sexual coercion",
        "pressured or forced you into sexual activity you did not want?",
        "pressured or forced your partner into sexual activity they did not want?",
    ),
    (
        "threats",
        "positive",
        "Threats",
        "threatened to hurt you, someone you care about, or a pet?",
        "threatened to hurt your partner, someone they care about, or a pet?",
    ),
    (
        "fear",
        "positive",
        "Fear of the partner",
        "made you afraid of what they might do?",
        "made your partner afraid of what you might do?",
    ),
    (
        "control",
        "concern",
        "Controlling behaviour",
        "checked up on you, or limited your money, friends, family or phone, in ways that felt controlling?",
        "checked up on your partner, or limited their money, friends, family or phone?",
    ),
    (
        "injury",
        "severe",
        "Injury",
        "hurt you badly enough to leave a mark or bruise, or to need medical care?",
        "hurt your partner badly enough to leave a mark or bruise, or to need medical care?",
    ),
    (
        "strangulation",
        "severe",
        "Strangulation or choking",
        "choked or strangled you, or squeezed your neck or blocked your breathing in any way?",
        "choked or strangled your partner, or squeezed their neck or blocked their breathing in any way?",
    ),
    (
        "weapon",
        "severe",
        "Weapon used or threatened",
        "used a weapon such as a gun or knife against you, or threatened to?",
        "used a weapon such as a gun or knife against your partner, or threatened to?",
    ),
    ("kill_threat", "severe", "Threats to kill", "threatened to kill you?", "threatened to kill your partner?"),
    (
        "escalation",
        "severe",
        "Violence more frequent or worse",
        "been physically violent towards you more often, or more seriously, than before?",
        "been physically violent towards your partner more often, or more seriously, than before?",
    ),
    (
        "stalking",
        "severe",
        "Stalking",
        "followed, watched or tracked you (in person, by phone or online) in a way that scared you?",
        "followed, watched or tracked your partner (in person, by phone or online) without their agreement?",
    ),
    (
        "separation_threats",
        "severe",
        "Separation with threats",
        "threatened you because you separated, tried to leave, or plan to?",
        "threatened your partner because they separated, tried to leave, or plan to?",
    ),
)
TOPIC_LABELS = {topic: label for topic, _rule, label, _r, _d in _PAIRS}
DIRECTIONAL_ITEMS: tuple[ScreenItem, ...] = tuple(
    [
        ScreenItem(f"recv_{t}", f"In the last 12 months, has your partner {received}", YES_NO, RECEIVED, t, rule)
        for t, rule, _label, received, _done in _PAIRS
    ]
    + [
        ScreenItem(f"did_{t}", f"In the last 12 months, have you {done}", YES_NO, DONE, t, rule)
        for t, rule, _label, _received, done in _PAIRS
    ]
)
ITEMS_BY_VERSION = {"wast-v1": WAST_ITEMS, "screen-v2": WAST_ITEMS + DIRECTIONAL_ITEMS}
ITEMS = ITEMS_BY_VERSION[VERSION]
ITEM_KEYS = tuple(item.key for item in ITEMS)


@dataclass(frozen=True)
class TierResult:
    tier: str
    reasons: tuple[str, ...]  # item keys that led to the tier (only those of the deciding rule)


def _check(items, answers: dict) -> None:
    for item in items:
        if answers.get(item.key) not in item.options:
            raise ValueError(f"safety screen: item {item.key} missing or outside the options")


def _wast(answers: dict) -> tuple[list[str], list[str]]:
    """(short-form keys when positive, follow-up keys answered often/sometimes)."""
    short = ["tension", "arguments"] if answers["tension"] == "a_lot" and answers["arguments"] == "great" else []
    follow = [i.key for i in WAST_ITEMS if i.rule == "wast_follow_up" and answers[i.key] in ("often", "sometimes")]
    return short, follow


def tier_v1(answers: dict) -> TierResult:
    """wast-v1 answers (the WAST alone): positive on the follow-up rule, concern on the short form alone."""
    _check(WAST_ITEMS, answers)
    short, follow = _wast(answers)
    if follow:
        return TierResult("positive", tuple(follow))
    return TierResult("concern", tuple(short)) if short else TierResult("none", ())


def tier_v2(answers: dict) -> TierResult:
    """severe: any severity item, either direction; positive: physical or sexual violence, threats, fear
    (either direction) or the WAST follow-up rule; concern: the WAST short form or controlling behaviour
    with nothing more; otherwise none. Raises ValueError for incomplete or unknown answers."""
    _check(ITEMS_BY_VERSION["screen-v2"], answers)
    said_yes = {
        rule: [i.key for i in DIRECTIONAL_ITEMS if i.rule == rule and answers[i.key] == "yes"]
        for rule in ("severe", "positive", "concern")
    }
    short, follow = _wast(answers)
    if said_yes["severe"]:
        return TierResult("severe", tuple(said_yes["severe"]))
    if said_yes["positive"] or follow:
        return TierResult("positive", tuple(follow + said_yes["positive"]))
    if short or said_yes["concern"]:
        return TierResult("concern", tuple(short + said_yes["concern"]))
    return TierResult("none", ())


RULES = {"wast-v1": tier_v1, "screen-v2": tier_v2}
RULE_TEXT = {
    "screen-v2": (
        "Severe: any “yes” about injury, choking or strangulation, a weapon, threats to kill, violence "
        "getting more frequent or worse, stalking, or threats about a separation — received or done. "
        "Positive: any “yes” about physical violence, sexual coercion, threats or fear — received or "
        "done — or “often”/“sometimes” on the WAST items about hitting, fear or abuse. Concern: “a lot "
        "of tension” and “great difficulty”, or controlling behaviour, with nothing more. "
        "Otherwise none."
    ),
    "wast-v1": (
        "Answered on the earlier WAST-only screen. Positive: “often”/“sometimes” on the items about "
        "hitting, fear or abuse. Concern: “a lot of tension” and “great difficulty” with nothing more. "
        "Otherwise none."
    ),
}


def classify(version: str | None, answers: dict | None) -> TierResult | None:
    """The tier of a stored screen under the rules of its own version; None while unanswered."""
    if not version or not answers:
        return None
    return RULES[version](answers)


def tier_rank(tier: str | None) -> int:
    return TIERS.index(tier) if tier in TIERS else -1


def is_positive(version: str | None, answers: dict | None) -> bool:
    """Positive or severe (kept for callers of the earlier yes/no rule)."""
    result = classify(version, answers)
    return result is not None and tier_rank(result.tier) >= tier_rank("positive")


def items_for(version: str | None) -> tuple[ScreenItem, ...]:
    return ITEMS_BY_VERSION.get(version or VERSION, ITEMS)


def answer_labels(answers: dict, version: str | None = None) -> list[tuple[str, str]]:
    """(question, chosen label) pairs of part 1 (the WAST), for the clinician's view."""
    return [(item.text, item.options.get(answers.get(item.key, ""), "—")) for item in WAST_ITEMS]


def both_directions(answers: dict, version: str | None) -> list[dict]:
    """One row per topic: its label, the answer received and the answer done (empty for wast-v1)."""
    if version == "wast-v1":
        return []
    return [
        {
            "topic": topic,
            "label": label,
            "rule": rule,
            "received": YES_NO.get(answers.get(f"recv_{topic}", ""), "—"),
            "done": YES_NO.get(answers.get(f"did_{topic}", ""), "—"),
        }
        for topic, rule, label, _r, _d in _PAIRS
    ]


def reason_labels(reasons: tuple[str, ...]) -> list[str]:
    """Readable names of the answers that led to a tier."""
    labels = []
    for key in reasons:
        if key in ("tension", "arguments"):
            label = "A lot of tension and great difficulty (WAST short form)"
        elif key.startswith(("recv_", "did_")):
            prefix, topic = key.split("_", 1)
            label = f"{TOPIC_LABELS[topic]} ({'received' if prefix == 'recv' else 'done'})"
        else:
            label = next(i.text for i in WAST_ITEMS if i.key == key)
        if label not in labels:
            labels.append(label)
    return labels


# The clinician's in-session follow-up: risk factors for intimate partner femicide found by Campbell et al.
# (2003), American Journal of Public Health 93(7):1089–1097, in our own words (not the Danger Assessment).
FOLLOW_UP_INDICATORS = {
    "gun_access": "The partner who uses violence owns or can get a gun",
    "weapon_threat": "A weapon has been used or threatened",
    "strangulation": "There has been choking or strangulation, ever",
    "kill_threats": "There have been threats to kill",
    "forced_sex": "Sex has been forced",
    "escalation": "Violence is more frequent or more severe over the past year",
    "control_jealousy": "Controlling behaviour or intense, constant jealousy",
    "separation": "A recent separation, or one being planned",
    "stalking": "Following, watching, tracking or unwanted contact",
    "suicide_threats": "The partner who uses violence has threatened or attempted suicide",
    "stepchild": "A child in the home who is not the violent partner's own",
    "unemployment": "The partner who uses violence is out of work",
    "pregnancy": "Violence during a pregnancy",
}
FOLLOW_UP_CITATION = (
    "Indicators after the risk factors for intimate partner femicide in Campbell, J. C., Webster, "
    "D., Koziol-McLain, J., et al. (2003). Risk factors for femicide in abusive relationships: "
    "results from a multisite case control study. American Journal of Public Health, 93(7), "
    "1089–1097. Our own wording; this is not the Danger Assessment instrument."
)
