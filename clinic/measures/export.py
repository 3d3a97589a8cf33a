"""Scores for the couple's record export (PDF and JSON): plain data, safety screens never included."""

from clinic.measures.library import MEASURES
from clinic.measures.services import couple_responses


def couple_scores(couple) -> list[dict]:
    """Every questionnaire answered in the couple, oldest first, with raw answers and recomputed scores."""
    names = {p.id: (p.name, p.position) for p in couple.partners}
    rows = []
    for response in couple_responses(couple):
        name, position = names.get(response.partner_id, ("", ""))
        rows.append(
            {
                "measure": response.measure_key,
                "measure_title": MEASURES[response.measure_key].short_title,
                "partner_name": name,
                "partner_position": position,
                "answered_at": response.answered_at.isoformat(),
                "method": response.method,
                "scoring_version": response.scoring_version,
                "answers": {int(k): v for k, v in response.answers.items()},
                "scores": response.scores,
            }
        )
    return rows
