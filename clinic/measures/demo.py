"""Fictional demo scores: several months of CSI-4 and ECR-RS answers for the EFCT and CBCT couples,
negative safety screens for them, and nothing for the new couple (so its reminder shows)."""

from datetime import UTC, datetime, time, timedelta

from clinic.db import today_utc
from clinic.extensions import db
from clinic.measures.library import CSI4, ECR_RS
from clinic.measures.models import MeasureRequest, MeasureResponse, SafetyScreen
from clinic.measures.screen import DIRECTIONAL_ITEMS
from clinic.measures.screen import VERSION as SCREEN_VERSION

# Per couple key: (days since start of the first answer, CSI every N days, CSI totals A/B, ECR every N days,
# ECR (anxiety, avoidance) A/B). The EFCT couple's last answers are 15 and 29 days old, so both are due again.
COURSES = {
    "efct": (
        113,
        14,
        ([9, 10, 9, 11, 12, 13, 14, 15], [12, 13, 11, 13, 14, 15, 16, 17]),
        28,
        ([(5.67, 2.33), (5.33, 2.17), (5.0, 2.0), (4.33, 2.0)], [(2.33, 5.17), (2.33, 4.83), (2.0, 4.33), (2.0, 3.83)]),
    ),
    "cbct": (
        66,
        14,
        ([14, 13, 15, 15, 16], [12, 13, 15, 16, 10]),
        28,
        ([(2.67, 2.5), (2.33, 2.33), (2.33, 2.17)], [(5.0, 3.0), (4.67, 3.0), (4.67, 2.83)]),
    ),
}
NEGATIVE = {
    "tension": "some",
    "arguments": "some",
    "down": "sometimes",
    "hitting": "never",
    "frightened": "never",
    "abuse_physical": "never",
    "abuse_emotional": "never",
    "abuse_sexual": "never",
    **{item.key: "no" for item in DIRECTIONAL_ITEMS},
}


def csi_answers(total: int) -> dict[str, int]:
    values, caps = [0, 0, 0, 0], [6, 5, 5, 5]
    i = 0
    while sum(values) < total:
        if values[i % 4] < caps[i % 4]:
            values[i % 4] += 1
        i += 1
    return {str(n): v for n, v in enumerate(values, start=1)}


def _spread(total: int, count: int) -> list[int]:
    base, extra = divmod(total, count)
    return [base + (1 if i < extra else 0) for i in range(count)]


def ecr_answers(anxiety: float, avoidance: float) -> dict[str, int]:
    avoid = _spread(round(avoidance * 6), 6)
    values = [8 - v for v in avoid[:4]] + avoid[4:] + _spread(round(anxiety * 3), 3)
    return {str(n): v for n, v in enumerate(values, start=1)}


def seed_measures(practice) -> None:
    for key, course in COURSES.items():
        _seed_couple(practice, practice.couples[key], *course)
    db.session.flush()


def _when(day) -> datetime:
    return datetime.combine(day, time(19, 30), tzinfo=UTC)


def _seed_couple(practice, couple, first_days_ago, csi_every, csi, ecr_every, ecr) -> None:
    first = today_utc() - timedelta(days=first_days_ago)
    for partner, csi_totals, ecr_scores in zip(couple.partners, csi, ecr, strict=True):
        user_id = partner.user_id or practice.therapist.id
        screen = SafetyScreen(
            couple_id=couple.id,
            partner_id=partner.id,
            sent_by_id=practice.therapist.id,
            sent_at=_when(first - timedelta(days=3)),
            answers=dict(NEGATIVE),
            scoring_version=SCREEN_VERSION,
            answered_at=_when(first - timedelta(days=2)),
        )
        db.session.add(screen)
        sets = (
            (CSI4, csi_every, [csi_answers(t) for t in csi_totals]),
            (ECR_RS, ecr_every, [ecr_answers(*s) for s in ecr_scores]),
        )
        for measure, every, answer_sets in sets:
            request = MeasureRequest(
                couple_id=couple.id,
                partner_id=partner.id,
                measure_key=measure.key,
                schedule="every_n_days",
                interval_days=every,
                requested_by_id=practice.therapist.id,
                requested_at=_when(first - timedelta(days=1)),
            )
            db.session.add(request)
            db.session.flush()
            for n, answers in enumerate(answer_sets):
                paper = n == 2  # one answer came from a paper form in session
                db.session.add(
                    MeasureResponse(
                        request_id=request.id,
                        couple_id=couple.id,
                        partner_id=partner.id,
                        measure_key=measure.key,
                        sequence=n + 1,
                        answers=answers,
                        scoring_version=measure.version,
                        method="paper" if paper else "portal",
                        answered_at=_when(first + timedelta(days=n * every)),
                        recorded_by_id=practice.therapist.id if paper else user_id,
                    )
                )
