"""The measure library: each instrument's items and response labels as published, its citation and
licence note, and pure, versioned scoring functions.

A stored answer set keeps the scoring version it was scored with; `score(measure_key, version,
answers)` recomputes the scores from the raw answers with that same function, so a score is never
stored or edited apart from the answers it comes from.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

Answers = dict[int, int]  # item number (1-based) -> chosen value


@dataclass(frozen=True)
class Item:
    number: int
    text: str
    options: dict[int, str]  # value -> label, in the order shown


@dataclass(frozen=True)
class Scale:
    """One score a measure yields (e.g. CSI-4 total, ECR-RS anxiety), with its range for charts."""

    key: str
    label: str
    low: float
    high: float


@dataclass(frozen=True)
class Measure:
    key: str
    title: str
    short_title: str
    instructions: str
    items: tuple[Item, ...]
    scales: tuple[Scale, ...]
    citation: str
    licence: str
    scoring_text: str  # how it is scored, for the library page
    version: str  # the current scoring version; new answers are scored with it
    # Where each part comes from: ("Items", "…"), ("Response anchors", "…"), ("Reversed items", "…"),
    # ("Cut-off", "…"); every measure names all four (tests/measures/test_sources.py).
    sources: tuple[tuple[str, str], ...] = ()
    scorers: dict[str, Callable[[Answers], dict[str, float]]] = field(repr=False, default_factory=dict)

    def item(self, number: int) -> Item:
        return self.items[number - 1]


def _labels(*labels: str, start: int = 0) -> dict[int, str]:
    return {start + i: label for i, label in enumerate(labels)}


def _check_complete(measure_key: str, answers: Answers) -> None:
    """Pure scoring refuses incomplete or out-of-scale answers rather than guessing."""
    measure = MEASURES[measure_key]
    expected = {item.number for item in measure.items}
    if set(answers) != expected:
        raise ValueError(f"{measure_key}: answers for items {sorted(expected)} required, got {sorted(answers)}")
    for item in measure.items:
        if answers[item.number] not in item.options:
            raise ValueError(f"{measure_key}: item {item.number} value {answers[item.number]!r} is outside the scale")


def _mean(values: list[int]) -> float:
    # Exact arithmetic, rounded once to two decimals, so published examples reproduce exactly.
    return round(float(Fraction(sum(values), len(values))), 2)


# --- CSI-4 -------------------------------------------------------------------------------------------

CSI4_CUTOFF = 13.5
_CSI_MOSTLY = _labels("Not at all", "A little", "Somewhat", "Mostly", "Almost completely", "Completely")


def score_csi4_v1(answers: Answers) -> dict[str, float]:
    """CSI-4 total: the sum of the four items, 0–21."""
    _check_complete("csi4", answers)
    return {"total": sum(answers.values())}


def csi4_is_dissatisfied(total: float) -> bool:
    """Below Funk & Rogge's (2007) CSI-4 cut-off of 13.5: a score typical of a distressed relationship."""
    return total < CSI4_CUTOFF


CSI4 = Measure(
    key="csi4",
    title="Couples Satisfaction Index (CSI-4)",
    short_title="CSI-4",
    instructions="Please choose the answer that fits best for each question about your relationship.",
    items=(
        Item(
            1,
            "Please indicate the degree of happiness, all things considered, of your relationship.",
            _labels(
                "Extremely unhappy",
                "Fairly unhappy",
                "A little unhappy",
                "Happy",
                "Very happy",
                "Extremely happy",
                "Perfect",
            ),
        ),
        Item(
            2,
            "I have a warm and comfortable relationship with my partner.",
            _labels(
                "Not at all true",
                "A little true",
                "Somewhat true",
                "Mostly true",
                "Almost completely true",
                "Completely true",
            ),
        ),
        Item(3, "How rewarding is your relationship with your partner?", _CSI_MOSTLY),
        Item(4, "In general, how satisfied are you with your relationship?", _CSI_MOSTLY),
    ),
    scales=(Scale("total", "Relationship satisfaction", 0, 21),),
    citation=(
        "Funk, J. L., & Rogge, R. D. (2007). Testing the ruler with item response theory: Increasing "
        "precision of measurement for relationship satisfaction with the Couples Satisfaction Index. "
        "Journal of Family Psychology, 21(4), 572–583. Items 1, 12, 19 and 22 of the CSI-32."
    ),
    licence="The authors make the CSI available free of charge for research and clinical use.",
    scoring_text=(
        "Sum of the four items, 0–21. Below 13.5 (the authors' cut-off: 13 is below it, 14 is not) is "
        "typical of people in distressed relationships; at or above it, of people who are not. A reference "
        "point, not a diagnosis."
    ),
    version="csi4-v1",
    sources=(
        ("Items", "Funk & Rogge (2007): the CSI-4 short form, items 1, 12, 19 and 22 of the CSI-32."),
        ("Response anchors", "Funk & Rogge (2007), as printed with those items (item 1: 0–6; items 2–4: 0–5)."),
        ("Reversed items", "None: all four items are scored as answered (Funk & Rogge 2007)."),
        (
            "Cut-off",
            "13.5, from the primary source: Funk & Rogge (2007), who give it for the CSI-4 to separate "
            "distressed from non-distressed respondents.",
        ),
    ),
    scorers={"csi4-v1": score_csi4_v1},
)

# --- ECR-RS (romantic partner) -----------------------------------------------------------------------

_AGREE = {1: "1 – Strongly disagree", 2: "2", 3: "3", 4: "4", 5: "5", 6: "6", 7: "7 – Strongly agree"}
ECR_REVERSED = (1, 2, 3, 4)


def score_ecr_rs_v1(answers: Answers) -> dict[str, float]:
    """Avoidance: mean of items 1–6 with items 1–4 reversed (8 − x). Anxiety: mean of items 7–9. Both 1–7."""
    _check_complete("ecr_rs", answers)
    avoidance = [8 - answers[n] if n in ECR_REVERSED else answers[n] for n in range(1, 7)]
    anxiety = [answers[n] for n in (7, 8, 9)]
    return {"anxiety": _mean(anxiety), "avoidance": _mean(avoidance)}


ECR_RS = Measure(
    key="ecr_rs",
    title="Experiences in Close Relationships – Relationship Structures (ECR-RS), romantic partner",
    short_title="ECR-RS",
    instructions=(
        "These statements are about how you feel in your relationship with your partner. "
        "Please show how much you agree or disagree with each one, from 1 (strongly disagree) to 7 "
        "(strongly agree)."
    ),
    items=tuple(
        Item(n, text, _AGREE)
        for n, text in enumerate(
            (
                "It helps to turn to this person in times of need.",
                "I usually discuss my problems and concerns with this person.",
                "I talk things over with this person.",
                "I find it easy to depend on this person.",
                "I don't feel comfortable opening up to this person.",
                "I prefer not to show this person how I feel deep down.",
                "I often worry that this person doesn't really care for me.",
                "I'm afraid that this person may abandon me.",
                "I worry that this person won't care about me as much as I care about him or her.",
            ),
            start=1,
        )
    ),
    scales=(Scale("anxiety", "Attachment anxiety", 1, 7), Scale("avoidance", "Attachment avoidance", 1, 7)),
    citation=(
        "Fraley, R. C., Heffernan, M. E., Vicary, A. M., & Brumbaugh, C. C. (2011). The Experiences in "
        "Close Relationships – Relationship Structures questionnaire: A method for assessing attachment "
        "orientations across relationships. Psychological Assessment, 23(3), 615–625."
    ),
    licence="Distributed on the author's website for research use.",
    scoring_text=(
        "Avoidance = mean of items 1–6, with items 1–4 reversed (8 − answer). Anxiety = mean of "
        "items 7–9. Each runs from 1 to 7. Dimensional: there is no cut-off."
    ),
    version="ecr_rs-v1",
    sources=(
        ("Items", "Fraley, Heffernan, Vicary & Brumbaugh (2011): the nine ECR-RS items, romantic-partner form."),
        ("Response anchors", "Fraley et al. (2011): 1 strongly disagree to 7 strongly agree."),
        (
            "Reversed items",
            "Items 1–4 reversed (8 − answer) before averaging items 1–6 into avoidance (Fraley et al. "
            "2011, and the scoring note the first author distributes with the questionnaire).",
        ),
        ("Cut-off", "None: the scores are dimensional (Fraley et al. 2011); we chart them and classify nothing."),
    ),
    scorers={"ecr_rs-v1": score_ecr_rs_v1},
)

# --- RAS ---------------------------------------------------------------------------------------------

RAS_REVERSED = (4, 7)


def score_ras_v1(answers: Answers) -> dict[str, float]:
    """RAS: mean of the seven items (1–5), items 4 and 7 reversed (6 − x)."""
    _check_complete("ras", answers)
    values = [6 - answers[n] if n in RAS_REVERSED else answers[n] for n in range(1, 8)]
    return {"mean": _mean(values)}


def _anchors(low: str, high: str) -> dict[int, str]:
    return {1: f"1 – {low}", 2: "2", 3: "3", 4: "4", 5: f"5 – {high}"}


RAS = Measure(
    key="ras",
    title="Relationship Assessment Scale (RAS)",
    short_title="RAS",
    instructions="Please choose the number that best describes your relationship, from 1 (low) to 5 (high).",
    items=(
        Item(1, "How well does your partner meet your needs?", _anchors("Poorly", "Extremely well")),
        Item(
            2,
            "In general, how satisfied are you with your relationship?",
            _anchors("Unsatisfied", "Extremely satisfied"),
        ),
        Item(3, "How good is your relationship compared to most?", _anchors("Poor", "Excellent")),
        Item(4, "How often do you wish you hadn't gotten into this relationship?", _anchors("Never", "Very often")),
        Item(
            5,
            "To what extent has your relationship met your original expectations?",
            _anchors("Hardly at all", "Completely"),
        ),
        Item(6, "How much do you love your partner?", _anchors("Not much", "Very much")),
        Item(7, "How many problems are there in your relationship?", _anchors("Very few", "Very many")),
    ),
    scales=(Scale("mean", "Relationship satisfaction", 1, 5),),
    citation=(
        "Hendrick, S. S. (1988). A generic measure of relationship satisfaction. Journal of Marriage "
        "and the Family, 50(1), 93–98."
    ),
    licence=(
        "Published in the journal article and widely used in research and practice without a fee; "
        "check the terms for your setting."
    ),
    scoring_text="Mean of the seven items (1–5), with items 4 and 7 reversed (6 − answer). Higher is more satisfied.",
    version="ras-v1",
    sources=(
        ("Items", "Hendrick (1988): the seven RAS items."),
        ("Response anchors", "Hendrick (1988): five-point items with anchors at both ends, scored 1–5."),
        ("Reversed items", "Items 4 and 7 reversed (6 − answer), as Hendrick (1988) scores them."),
        ("Cut-off", "None used here: Hendrick (1988) reports means, not a clinical cut-off."),
    ),
    scorers={"ras-v1": score_ras_v1},
)

MEASURES: dict[str, Measure] = {m.key: m for m in (CSI4, ECR_RS, RAS)}
MEASURE_CHOICES = {key: m.short_title for key, m in MEASURES.items()}


def get_measure(key: str) -> Measure:
    return MEASURES[key]


def score(measure_key: str, version: str, answers: Answers) -> dict[str, float]:
    """Recompute scores from raw answers with the scoring function of `version`.

    Raises KeyError for an unknown measure or version and ValueError for incomplete answers.
    """
    return MEASURES[measure_key].scorers[version](answers)


def normalise_answers(raw: dict) -> Answers:
    """Stored JSON has string keys; scoring wants int item numbers."""
    return {int(k): int(v) for k, v in raw.items()}


def explain(measure_key: str, scores: dict[str, float]) -> str:
    """A plain-language sentence for the person who answered, about their own score."""
    if measure_key == "csi4":
        total = scores["total"]
        if csi4_is_dissatisfied(total):
            return (
                f"{total:g} out of 21. Scores below 13.5 are typical of people who are unhappy in their "
                "relationship. It is one number from one moment, worth talking over with your therapist."
            )
        return (
            f"{total:g} out of 21. Scores of 14 and above are typical of people who are satisfied with their "
            "relationship. Higher scores mean more satisfaction."
        )
    if measure_key == "ecr_rs":
        return (
            f"Worry about whether your partner will be there and respond to you: {scores['anxiety']:g} of 7; "
            f"unease with depending on your partner and opening up: {scores['avoidance']:g} of 7. Higher numbers "
            "mean more of that worry, or more of that unease. There is no pass or fail: it helps you and your "
            "therapist see how these feelings change over time."
        )
    if measure_key == "ras":
        return f"{scores['mean']:g} out of 5. Higher numbers mean you feel more satisfied with your relationship."
    return ""


def format_scores(measure_key: str, scores: dict[str, float]) -> str:
    """A short clinician-facing summary such as '12' or 'anxiety 4.33 · avoidance 2.5'."""
    if measure_key == "csi4":
        return f"{scores['total']:g}"
    if measure_key == "ecr_rs":
        return f"anxiety {scores['anxiety']:g} · avoidance {scores['avoidance']:g}"
    return " · ".join(f"{v:g}" for v in scores.values())
