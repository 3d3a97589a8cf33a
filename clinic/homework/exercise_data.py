"""Between the exercise form and the library's plain data: the step and field lines a therapist types."""

import re

from clinic.homework.models import Exercise

EXERCISE_KEYS = (
    "title",
    "purpose",
    "notes",
    "model_tags",
    "strategies",
    "who",
    "minutes",
    "frequency_kind",
    "times_per_week",
    "completion",
    "raises_conflict",
    "source",
    "is_private_to_partner",
)


def exercise_data(form) -> dict:
    """The library's data for a validated ExerciseForm (weekly frequency defaults to once a week)."""
    data = {k: form[k].data for k in EXERCISE_KEYS}
    data["notes"] = data["notes"] or ""
    data["source"] = data["source"] or ""
    data["times_per_week"] = data["times_per_week"] if data["frequency_kind"] == "weekly" else None
    if data["frequency_kind"] == "weekly" and not data["times_per_week"]:
        data["times_per_week"] = 1
    data["steps"] = [line.strip() for line in (form.steps.data or "").splitlines() if line.strip()]
    data["fields"] = parse_field_lines(form.field_lines.data or "")
    return data


def parse_field_lines(text: str) -> list[dict]:
    """One field per non-blank line; a leading `*` makes it required; keys are unique slugs of the labels."""
    fields, keys = [], set()
    for line in (raw.strip() for raw in text.splitlines()):
        if not line.lstrip("*").strip():
            continue
        label = line.lstrip("*").strip()[:300]
        base = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:40] or "field"
        key, n = base, 2
        while key in keys:
            key, n = f"{base}_{n}", n + 1
        keys.add(key)
        fields.append({"key": key, "label": label, "required": line.startswith("*")})
    return fields


def exercise_initial(item: Exercise) -> dict:
    """The ExerciseForm's initial data for editing `item`."""
    return {
        **{k: getattr(item, k) for k in (*EXERCISE_KEYS, "version")},
        "steps": "\n".join(item.steps or []),
        "field_lines": "\n".join(("* " if f.get("required") else "") + f["label"] for f in item.fields or []),
    }
