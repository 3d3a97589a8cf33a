"""Measure requests and answers. Functions check rules, change, audit and flush; views commit."""

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload

from clinic.audit.services import record
from clinic.couples.models import Couple, Partner
from clinic.db import utcnow
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.measures import schedule
from clinic.measures.library import MEASURES, score
from clinic.measures.models import MeasureRequest, MeasureResponse
from clinic.security import get_owned_or_404
from clinic.settings import practice_zone


def get_request_for_partner(partner: Partner, request_id: int) -> MeasureRequest:
    """The partner's own request; 404 for a missing one and for the other partner's alike."""
    return get_owned_or_404(MeasureRequest, request_id, partner_id=partner.id)


def get_request_for_couple(couple: Couple, request_id: int) -> MeasureRequest:
    return get_owned_or_404(MeasureRequest, request_id, couple_id=couple.id)


def get_response_for_couple(couple: Couple, response_id: int) -> MeasureResponse:
    return get_owned_or_404(MeasureResponse, response_id, couple_id=couple.id)


def request_measure(
    couple: Couple, partners: list[Partner], measure_key: str, how_often: str, interval_days: int | None, by
) -> list[MeasureRequest]:
    """Ask one or both partners to answer a measure. Refuses a duplicate of an active request."""
    if measure_key not in MEASURES:
        raise DomainError("Choose a questionnaire from the library.", field="measure_key")
    if couple.is_closed:
        raise DomainError("This couple is closed: reopen it before requesting questionnaires.")
    active = active_requests(couple)
    created = []
    for partner in partners:
        if any(r.partner_id == partner.id and r.measure_key == measure_key for r in active):
            raise DomainError(
                f"{partner.name} already has an active {MEASURES[measure_key].short_title} request. "
                "Stop it first to change how often it is asked.",
                field="measure_key",
            )
        request = MeasureRequest(
            couple_id=couple.id,
            partner_id=partner.id,
            measure_key=measure_key,
            schedule=how_often,
            requested_by_id=by.id,
            interval_days=interval_days if how_often == "every_n_days" else None,
        )
        db.session.add(request)
        db.session.flush()
        record("measure_request.created", request, couple_id=couple.id)
        created.append(request)
    return created


def stop_request(request: MeasureRequest, by) -> None:
    if not request.is_active:
        return
    request.stopped_at = utcnow()
    request.stopped_by_id = by.id
    record("measure_request.stopped", request)
    db.session.flush()


def active_requests(couple: Couple) -> list[MeasureRequest]:
    return list(
        db.session.scalars(
            select(MeasureRequest)
            .where(MeasureRequest.couple_id == couple.id, MeasureRequest.stopped_at.is_(None))
            .order_by(MeasureRequest.id)
        )
    )


def all_requests(couple: Couple) -> list[MeasureRequest]:
    return list(
        db.session.scalars(
            select(MeasureRequest).where(MeasureRequest.couple_id == couple.id).order_by(MeasureRequest.id.desc())
        )
    )


def due_requests(partner: Partner) -> list[MeasureRequest]:
    """The partner's own requests that are waiting for an answer now (none once the couple is closed)."""
    if partner.couple.is_closed:
        return []
    # One statement: each request with its last answer and the couple's latest session beside it.
    now = utcnow()
    last_answer = (
        select(func.max(MeasureResponse.answered_at))
        .where(MeasureResponse.request_id == MeasureRequest.id)
        .scalar_subquery()
    )
    latest_session = schedule.latest_session_column(MeasureRequest.couple_id, now)
    columns: list[Any] = (
        [MeasureRequest, last_answer] if latest_session is None else [MeasureRequest, last_answer, latest_session]
    )
    rows = db.session.execute(
        select(*columns)
        .where(MeasureRequest.partner_id == partner.id, MeasureRequest.stopped_at.is_(None))
        .order_by(MeasureRequest.id)
        .options(lazyload(MeasureRequest.responses))
    )
    due = []
    for request, last, *session in rows:
        session_at = schedule.aware(session[0]) if session else None
        if schedule.due_after(request, schedule.aware(last), now, session_at, sessions_known=bool(session)):
            due.append(request)
    return due


def is_due(request: MeasureRequest) -> bool:
    couple = db.session.get(Couple, request.couple_id)
    if couple is None or couple.is_closed:
        return False
    return schedule.is_due(request, utcnow(), schedule.last_session_times([request.couple_id]))


def next_sequence(request: MeasureRequest) -> int:
    return max((r.sequence for r in request.responses), default=0) + 1


def submit_answers(
    request: MeasureRequest,
    sequence: int | None,
    answers: dict[int, int],
    by,
    *,
    method: str = "portal",
    answered_on: date | None = None,
) -> MeasureResponse:
    """Store one complete answer set for the request's current occurrence.

    Raises DomainError when the request was stopped, is already answered for this occurrence
    (a repeated or stale submit), or the answers are incomplete or outside the scale.
    """
    measure = MEASURES[request.measure_key]
    if not request.is_active:
        raise DomainError("This questionnaire is no longer requested.")
    if sequence != next_sequence(request) or not is_due(request):
        raise DomainError("This questionnaire has already been answered, so nothing new was saved.")
    try:
        score(measure.key, measure.version, answers)
    except ValueError as error:
        raise DomainError("Every question needs one of the listed answers.") from error
    response = MeasureResponse(
        request_id=request.id,
        couple_id=request.couple_id,
        partner_id=request.partner_id,
        measure_key=measure.key,
        sequence=sequence,
        answers={str(k): v for k, v in sorted(answers.items())},
        scoring_version=measure.version,
        method=method,
        recorded_by_id=by.id,
        answered_at=_paper_time(answered_on) if method == "paper" else utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(response)
            request.responses.append(response)
            db.session.flush()
    except IntegrityError as error:  # a simultaneous submit of the same occurrence won the race
        raise DomainError("This questionnaire has already been answered, so nothing new was saved.") from error
    record(f"measure_response.created.{method}", response)
    return response


def _paper_time(answered_on: date | None) -> datetime:
    if answered_on is None:
        return utcnow()
    if answered_on > utcnow().astimezone(practice_zone()).date():
        raise DomainError("The date can't be in the future.", field="answered_on")
    if answered_on < date(2000, 1, 1):
        raise DomainError("Enter the date the form was filled in.", field="answered_on")
    return datetime.combine(answered_on, time(12, 0), tzinfo=practice_zone()).astimezone(UTC)


def partner_history(partner: Partner) -> list[MeasureResponse]:
    """The partner's own answers, newest first."""
    return list(
        db.session.scalars(
            select(MeasureResponse)
            .where(MeasureResponse.partner_id == partner.id)
            .order_by(MeasureResponse.answered_at.desc(), MeasureResponse.id.desc())
        )
    )


def couple_responses(couple: Couple, measure_key: str | None = None) -> list[MeasureResponse]:
    """All answers in the couple, oldest first (for charts and tables)."""
    query = select(MeasureResponse).where(MeasureResponse.couple_id == couple.id)
    if measure_key:
        query = query.where(MeasureResponse.measure_key == measure_key)
    return list(db.session.scalars(query.order_by(MeasureResponse.answered_at, MeasureResponse.id)))
