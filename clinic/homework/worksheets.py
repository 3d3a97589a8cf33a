"""Homework exercises as printable worksheets with room to write by hand.

Builds on `clinic.homework.library.exercise_as_worksheet(exercise)` (plain data) and turns it into
what `templates/pdf/_worksheet.html` draws: lines, boxes, checkboxes, a 1–5 scale, and a week grid
for anything done daily or several times a week.
"""

from clinic.homework.library import exercise_as_worksheet
from clinic.homework.services import couple_assignments

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_GRID_COLUMNS = 4
MAX_LABEL = 60


def exercise_worksheet(
    exercise,
    *,
    frequency_kind: str | None = None,
    frequency: str | None = None,
    times_per_week: int | None = None,
    who: str | None = None,
    for_name: str = "",
    note: str = "",
) -> dict:
    """A worksheet for one exercise; an assignment's frequency, who does it, person and note override
    the exercise's defaults."""
    data = exercise_as_worksheet(exercise)
    if who:
        data = {**data, "who": who}
    kind = frequency_kind or exercise.frequency_kind
    return normalise_worksheet(
        data,
        frequency_kind=kind,
        frequency=frequency,
        times_per_week=times_per_week if frequency_kind else exercise.times_per_week,
        for_name=for_name,
        note=note,
    )


def normalise_worksheet(
    data: dict,
    *,
    frequency_kind: str = "once",
    frequency: str | None = None,
    times_per_week: int | None = None,
    for_name: str = "",
    note: str = "",
) -> dict:
    completion = data.get("completion", "reflection")
    labels = [str(f.get("label", ""))[:300] for f in data.get("fields") or [] if f.get("label")]
    repeated = frequency_kind in ("daily", "weekly")
    meta_parts = [
        f"Who: {data['who']}" if data.get("who") else None,
        frequency or data.get("frequency"),
        f"about {data['minutes']} minutes" if data.get("minutes") else None,
        data.get("completion_label"),
    ]
    sheet = {
        "title": data.get("title", "Worksheet"),
        "purpose": data.get("purpose", ""),
        "steps": [str(s) for s in data.get("steps") or []],
        "for": for_name,
        "note": note or "",
        "meta": " · ".join(str(p) for p in meta_parts if p),
        "week": _week_grid(completion, labels, _grid_rows(frequency_kind, times_per_week)) if repeated else None,
        "fields": _fields(completion, labels, repeated),
        "fields_heading": "Your answers",
        "tags": ", ".join(data.get("model_labels") or []),
        "source": str(data.get("source") or ""),
        "private": bool(data.get("private")),
    }
    if repeated and sheet["fields"] and completion in ("log", "reflection") and len(labels) > MAX_GRID_COLUMNS:
        sheet["fields_heading"] = "One moment this week, in full"
    elif repeated:
        sheet["fields_heading"] = "At the end of the week"
    if data.get("notes"):
        sheet["steps"] = [*sheet["steps"], str(data["notes"])]
    return sheet


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


WEEKS = ("Week 1", "Week 2", "Week 3", "Week 4")


def _grid_rows(frequency_kind: str, times_per_week: int | None) -> tuple[str, list[str], str]:
    """The grid's first column, rows and title: four weeks for something done once a week (seven day rows
    would be six too many), a row per time (with room to write the day) for a few times a week, and a
    row per day for daily practice."""
    times = times_per_week or 1
    if frequency_kind == "weekly" and times == 1:
        return "Week", list(WEEKS), "The next four weeks"
    if frequency_kind == "weekly" and times < len(DAYS):
        ordinals = ("1st", "2nd", "3rd", "4th", "5th", "6th")
        return "Time (and day)", [f"{ordinals[i]} time" for i in range(times)], "This week"
    return "Day", list(DAYS), "This week"


def _week_grid(
    completion: str, labels: list[str], rows: tuple[str, list[str], str] = ("Day", list(DAYS), "This week")
) -> dict:
    if completion == "rating":
        columns = [_short(f"{labels[0]} (1–5)" if labels else "Rating (1–5)"), "A word about the day"]
    elif completion in ("checklist", "log") and 0 < len(labels) <= MAX_GRID_COLUMNS:
        columns = [_short(label) for label in labels]
    else:
        columns = ["Done?", "A few words"]
    return {"title": rows[2], "first": rows[0], "rows": rows[1], "columns": columns}


def _fields(completion: str, labels: list[str], repeated: bool) -> list[dict]:
    if completion == "checklist":
        if repeated and len(labels) <= MAX_GRID_COLUMNS:
            return []  # the week grid already has a column per item
        return [{"label": "Tick each one when you've done it", "kind": "checklist", "items": labels or ["Done"]}]
    if completion == "rating":
        label = labels[0] if labels else "How did it go?"
        fields = (
            []
            if repeated
            else [
                {
                    "label": label,
                    "kind": "scale",
                    "min": 1,
                    "max": 5,
                    "min_label": "not at all",
                    "max_label": "very much",
                }
            ]
        )
        return [*fields, {"label": "Anything you'd like to remember", "kind": "lines", "lines": 2 if repeated else 3}]
    if completion == "log":
        if repeated and len(labels) <= MAX_GRID_COLUMNS:
            return [{"label": "Notes for your next session", "kind": "lines", "lines": 4}]
        lines = 3 if len(labels) <= 3 else 2
        return [{"label": label, "kind": "lines", "lines": lines} for label in labels] or [
            {"label": "What happened", "kind": "lines", "lines": 5}
        ]
    # reflection: room to think on paper
    questions = labels or ["Your thoughts"]
    return [{"label": q, "kind": "box", "tall": len(questions) <= 2} for q in questions]


def couple_worksheets(couple) -> list[dict]:
    """Worksheets for the couple's active assignments: one per partner when each does it separately.
    Exercises private to one partner (a safety plan) are never printed for the couple."""
    sheets = []
    for assignment in _printable(couple):
        sheets += assignment_worksheets(assignment, couple)
    return sheets


def partner_worksheets(couple, partner) -> list[dict]:
    """`partner`'s own worksheets: assignments to them alone, and their sheet of those each partner does."""
    return [
        exercise_worksheet(
            a.exercise,
            frequency_kind=a.frequency_kind,
            frequency=a.frequency_label,
            times_per_week=a.times_per_week,
            who=a.who_label(),
            for_name=partner.name,
            note=a.note,
        )
        for a in _printable(couple)
        if (a.who == "one" and a.partner_id == partner.id) or a.who == "each"
    ]


def together_worksheets(couple) -> list[dict]:
    """Worksheets for the homework the couple does together (shared with both partners)."""
    return [sheet for a in _active(couple) if a.who == "together" for sheet in assignment_worksheets(a, couple)]


def _active(couple) -> list:
    return [a for a in couple_assignments(couple) if a.status == "active"]


def _printable(couple) -> list:
    """Active assignments that may go into a packet handed out in session: not one partner's private
    exercise (that partner downloads it from their own portal; the therapist prints it on its own)."""
    return [a for a in _active(couple) if not a.exercise.is_private_to_partner]


def assignment_worksheets(assignment, couple) -> list[dict]:
    names = _names_for(assignment, couple)
    return [
        exercise_worksheet(
            assignment.exercise,
            frequency_kind=assignment.frequency_kind,
            frequency=assignment.frequency_label,
            times_per_week=assignment.times_per_week,
            who=assignment.who_label(),
            for_name=name,
            note=assignment.note,
        )
        for name in names
    ]


def _names_for(assignment, couple) -> list[str]:
    if assignment.who == "each":
        return [p.name for p in couple.partners]
    if assignment.who == "one" and assignment.partner is not None:
        return [assignment.partner.name]
    return [" and ".join(p.name for p in couple.partners)]
