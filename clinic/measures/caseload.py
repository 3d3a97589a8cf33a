"""What the measures domain adds to the caseload and couple overview: latest scores and alerts.

A fixed number of queries for any number of couples: the page's CSI-4 answers, their safety screens
(with their decisions, one select-in), which couples had a conjoint session, and the practice settings.
Alerts are clinician-only.
"""

from datetime import timedelta
from functools import cache

from sqlalchemy import bindparam, func, select

from clinic.db import utcnow
from clinic.extensions import db
from clinic.measures.library import normalise_answers, score
from clinic.measures.models import MeasureResponse, SafetyScreen
from clinic.measures.safety import latest_answered
from clinic.measures.screen import TIERS as TIER_ORDER
from clinic.registry import CaseloadInfo
from clinic.sessions.caseload import session_summary
from clinic.settings import get_practice_settings

DROP_POINTS = 5
DROP_RULE = (
    f"An alert appears when a partner's CSI-4 total falls by {DROP_POINTS} or more points from one answer "
    "to their next one (their latest two answers are compared)."
)


def csi_drop(totals: list[float]) -> tuple[float, float] | None:
    """(previous, latest) when the latest answer is DROP_POINTS or more below the one before it."""
    if len(totals) >= 2 and totals[-2] - totals[-1] >= DROP_POINTS:
        return totals[-2], totals[-1]
    return None


LATEST = 2  # answers per partner the caseload compares (csi_drop)


def latest_csi_totals(ids: list[int]) -> dict[int, list[float]]:
    """{partner_id: totals of their latest LATEST CSI-4 answers, oldest first}. Only those rows are read
    and scored: a window function (ROW_NUMBER per partner, newest first) keeps them in SQL."""
    rows = db.session.execute(_latest_csi_statement(), {"ids": ids}).all()
    totals: dict[int, list[float]] = {}
    for partner_id, answers, version in rows:
        totals.setdefault(partner_id, []).append(score("csi4", version, normalise_answers(answers))["total"])
    return totals


@cache
def _latest_csi_statement():
    """Built once per process (an expanding bound parameter for the couple ids): constructing the
    windowed subquery cost more than running it."""
    ranked = (
        select(
            MeasureResponse.partner_id,
            MeasureResponse.answers,
            MeasureResponse.scoring_version,
            func.row_number()
            .over(
                partition_by=MeasureResponse.partner_id,
                order_by=(MeasureResponse.answered_at.desc(), MeasureResponse.id.desc()),
            )
            .label("rank"),
        )
        .where(MeasureResponse.couple_id.in_(bindparam("ids", expanding=True)), MeasureResponse.measure_key == "csi4")
        .subquery()
    )
    return (
        select(ranked.c.partner_id, ranked.c.answers, ranked.c.scoring_version)
        .where(ranked.c.rank <= LATEST)
        .order_by(ranked.c.partner_id, ranked.c.rank.desc())
    )


def totals_from(responses: list) -> dict[int, list[float]]:
    """latest_csi_totals from CSI-4 responses a page has already loaded (oldest first)."""
    latest: dict[int, list] = {}
    for response in responses:
        latest.setdefault(response.partner_id, []).append(response)
    return {
        partner_id: [
            score("csi4", r.scoring_version, normalise_answers(r.answers))["total"] for r in answered[-LATEST:]
        ]
        for partner_id, answered in latest.items()
    }


def provide(couples: list, totals: dict | None = None, screens: list | None = None) -> dict[int, CaseloadInfo]:
    """`totals` and `screens` may come from a page that has already read them (the measures page)."""
    ids = [c.id for c in couples]
    if totals is None:
        totals = latest_csi_totals(ids)
    if screens is None:
        screens = list(db.session.scalars(select(SafetyScreen).where(SafetyScreen.couple_id.in_(ids))))
    conjoint = _had_conjoint_session(ids)
    rescreen = _rescreen_rule()
    return {
        couple.id: _info(
            couple, totals, [s for s in screens if s.couple_id == couple.id], couple.id in conjoint, rescreen
        )
        for couple in couples
    }


def _had_conjoint_session(ids: list[int]) -> set[int]:
    # Read from the sessions domain's per-couple summary, which its caseload provider loads anyway.
    return {couple_id for couple_id, row in session_summary(ids).items() if row[2]}


def _rescreen_rule() -> tuple[int, bool]:
    settings = get_practice_settings()
    return settings.rescreen_days, settings.screen_before_conjoint


def screen_due(latest, waiting: bool, had_conjoint: bool, rescreen: tuple[int, bool], now=None) -> bool:
    """Due when never answered and a conjoint session was recorded (if the practice screens before
    conjoint work), or when the latest answer is older than the re-screen interval (0 = off) and no
    newer screen is waiting."""
    days, before_conjoint = rescreen
    if latest is None:
        return before_conjoint and had_conjoint
    now = now or utcnow()
    return days > 0 and not waiting and latest.answered_at < now - timedelta(days=days)


def _info(
    couple,
    totals: dict[int, list[float]],
    screens: list,
    had_conjoint: bool = False,
    rescreen: tuple[int, bool] = (90, True),
) -> CaseloadInfo:
    latest = latest_answered(screens)
    info = CaseloadInfo()
    scores = [f"{p.position.upper()} {totals[p.id][-1]:g}" for p in couple.partners if totals.get(p.id)]
    if scores:
        info.facts["Latest scores"] = "CSI-4 " + " · ".join(scores)
    for partner in couple.partners:
        if drop := csi_drop(totals.get(partner.id, [])):
            info.alerts.append(
                f"CSI-4 fell {drop[0] - drop[1]:g} points for {partner.name} ({drop[0]:g} → {drop[1]:g})."
            )
        own = [s for s in screens if s.partner_id == partner.id]
        if flagged := [s for s in own if s.needs_decision]:
            tier = max((s.tier for s in flagged), key=TIER_ORDER.index)
            info.alerts.append(f"{tier.capitalize()} safety screen ({partner.name}): record a decision.")
        waiting = any(not s.is_answered for s in own)
        if not couple.is_closed and screen_due(latest.get(partner.id), waiting, had_conjoint, rescreen):
            info.alerts.append(f"Safety screen due for {partner.name}.")
    if not couple.is_closed and not all(any(s.partner_id == p.id for s in screens) for p in couple.partners):
        info.alerts.append("Safety screen not yet sent to both partners.")
    return info
