"""A small ICD-10-CM list (the classification is public domain): relationship-distress codes and the
conditions that most often come with them in couple therapy. Searchable by code or words."""

DIAGNOSES = {
    "Z63.0": "Problems in relationship with spouse or partner",
    "Z63.1": "Problems in relationship with in-laws",
    "Z63.31": "Absence of family member due to military deployment",
    "Z63.32": "Other absence of family member",
    "Z63.4": "Disappearance and death of family member",
    "Z63.5": "Disruption of family by separation and divorce",
    "Z63.6": "Dependent relative needing care at home",
    "Z63.71": "Stress on family due to return of family member from military deployment",
    "Z63.72": "Alcoholism and drug addiction in family",
    "Z63.79": "Other stressful life events affecting family and household",
    "Z63.8": "Other specified problems related to primary support group",
    "Z63.9": "Problem related to primary support group, unspecified",
    "Z62.820": "Parent-biological child conflict",
    "Z60.0": "Problems of adjustment to life-cycle transitions",
    "Z56.9": "Unspecified problems related to employment",
    "F32.0": "Major depressive disorder, single episode, mild",
    "F32.1": "Major depressive disorder, single episode, moderate",
    "F33.0": "Major depressive disorder, recurrent, mild",
    "F33.1": "Major depressive disorder, recurrent, moderate",
    "F34.1": "Dysthymic disorder",
    "F41.0": "Panic disorder [episodic paroxysmal anxiety]",
    "F41.1": "Generalized anxiety disorder",
    "F41.9": "Anxiety disorder, unspecified",
    "F43.10": "Post-traumatic stress disorder, unspecified",
    "F43.20": "Adjustment disorder, unspecified",
    "F43.21": "Adjustment disorder with depressed mood",
    "F43.22": "Adjustment disorder with anxiety",
    "F43.23": "Adjustment disorder with mixed anxiety and depressed mood",
    "F10.10": "Alcohol abuse, uncomplicated",
    "F52.0": "Hypoactive sexual desire disorder",
    "F90.0": "Attention-deficit hyperactivity disorder, predominantly inattentive type",
}


def label(code: str | None) -> str:
    return f"{code} · {DIAGNOSES[code]}" if code in DIAGNOSES else ""


def search(query: str) -> list[tuple[str, str]]:
    """(code, description) pairs whose code or description contains every word of `query`."""
    words = (query or "").casefold().split()
    return [(c, d) for c, d in DIAGNOSES.items() if all(w in f"{c} {d}".casefold() for w in words)]


def parse(value: str | None) -> str | None:
    """The code in a typed or chosen value ("Z63.0", "z63.0 · Problems…"); None for empty; KeyError if unknown."""
    text = (value or "").strip()
    if not text:
        return None
    code = text.split()[0].upper().rstrip("·")
    if code not in DIAGNOSES:
        raise KeyError(code)
    return code
