"""What the measures domain adds to the caseload and couple overview: latest scores and alerts.

Two queries for any number of couples (all CSI-4 answers of the page's couples, and their safety
screens). Alerts are clinician-only.
"""

from sqlalchemy import select

from clinic.couples.caseload import CaseloadInfo
from clinic.extensions import db
from clinic.measures.library import normalise_answers, score
from clinic.measures.models import MeasureResponse, SafetyScreen

DROP_POINTS = 5
DROP_RULE = (f"An alert appears when a partner's CSI-4 total falls by {DROP_POINTS} or more points from one answer "
             "to their next one (their latest two answers are compared).")


def csi_drop(totals: list[float]) -> tuple[float, float] | None:
    """(previous, latest) when the latest answer is DROP_POINTS or more below the one before it."""
    if len(totals) >= 2 and totals[-2] - totals[-1] >= DROP_POINTS:
        return totals[-2], totals[-1]
    return None


def provide(couples: list) -> dict[int, CaseloadInfo]:
    ids = [c.id for c in couples]
    rows = db.session.execute(
        select(MeasureResponse.couple_id, MeasureResponse.partner_id, MeasureResponse.answers,
               MeasureResponse.scoring_version)
        .where(MeasureResponse.couple_id.in_(ids), MeasureResponse.measure_key == "csi4")
        .order_by(MeasureResponse.answered_at, MeasureResponse.id)).all()
    totals: dict[int, list[float]] = {}
    for _couple_id, partner_id, answers, version in rows:
        totals.setdefault(partner_id, []).append(score("csi4", version, normalise_answers(answers))["total"])
    screens = list(db.session.scalars(select(SafetyScreen).where(SafetyScreen.couple_id.in_(ids))))
    return {couple.id: _info(couple, totals, [s for s in screens if s.couple_id == couple.id]) for couple in couples}


def _info(couple, totals: dict[int, list[float]], screens: list) -> CaseloadInfo:
    info = CaseloadInfo()
    latest = [f"{p.position.upper()} {totals[p.id][-1]:g}" for p in couple.partners if totals.get(p.id)]
    if latest:
        info.facts["Latest scores"] = "CSI-4 " + " · ".join(latest)
    for partner in couple.partners:
        if drop := csi_drop(totals.get(partner.id, [])):
            info.alerts.append(f"CSI-4 fell {drop[0] - drop[1]:g} points for {partner.name} "
                               f"({drop[0]:g} → {drop[1]:g}).")
        if any(s.partner_id == partner.id and s.needs_decision for s in screens):
            info.alerts.append(f"Positive safety screen ({partner.name}): record a decision.")
    if not couple.is_closed and not all(any(s.partner_id == p.id for s in screens) for p in couple.partners):
        info.alerts.append("Safety screen not yet sent to both partners.")
    return info
