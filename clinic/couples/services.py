"""Couple operations and owner-scoped loaders. They change and flush; views commit."""

from flask import abort, has_request_context, request
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from clinic.audit.services import record
from clinic.couples.models import Couple, Partner, TreatmentGoal
from clinic.db import today_utc, utcnow
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.registry import check_status_change

COUPLE_FIELDS = (
    "display_name",
    "model",
    "status",
    "started_on",
    "presenting_concerns",
    "confidentiality_policy",
    "policy_agreed_on",
)
PARTNER_FIELDS = ("name", "pronouns", "email", "attachment_style", "cycle_position")


# What the couple overview shows beyond the couple and its partners: goals, and each partner's account.
# Joined into the couple's one query (two partners × a handful of goals).
OVERVIEW = (joinedload(Couple.partners).joinedload(Partner.user), joinedload(Couple.goals))
GOALS = (joinedload(Couple.goals),)


def get_couple_for(user, couple_id: int, options=()) -> Couple:
    """The couple if `user` is its treating therapist; 404 for a missing and a foreign couple alike.
    `options` are loader options for what the page shows (see OVERVIEW)."""
    # Partners join the couple's own query (one statement): every couple page shows them.
    query = select(Couple).where(Couple.id == couple_id).options(joinedload(Couple.partners), *options)
    if has_request_context() and request.method == "POST":
        # Concurrent saves to one couple take turns (PostgreSQL row lock), so a stale form is seen
        # by the version check and answered 409 with the user's text, never a failed UPDATE.
        query = query.with_for_update(of=Couple)
    couple = db.session.scalars(query).unique().first()
    if couple is None or user.role != "therapist" or couple.therapist_id != user.id:
        abort(404)
    return couple


def get_partner_for(user, couple_id: int, partner_id: int) -> Partner:
    couple = get_couple_for(user, couple_id)
    partner = next((p for p in couple.partners if p.id == partner_id), None)
    if partner is None:
        abort(404)
    return partner


def partner_for_client(user) -> Partner:
    """The partner record bound to a client account; 404 if there is none."""
    query = (
        select(Partner)
        .where(Partner.user_id == user.id)
        .options(joinedload(Partner.couple).joinedload(Couple.partners))  # every portal page shows them
    )
    partner = db.session.scalars(query).unique().one_or_none()
    if partner is None:
        abort(404)
    return partner


def caseload_query(therapist, status: str | None):
    query = select(Couple).where(Couple.therapist_id == therapist.id)
    if status == "all":
        pass
    elif status:
        query = query.where(Couple.status == status)
    else:
        query = query.where(Couple.status != "closed")
    return query.order_by(Couple.last_activity_at.desc(), Couple.id.desc())


def create_couple(
    therapist, data: dict, partners: tuple[dict, dict], goals: list[str], *, check_status: bool = True
) -> Couple:
    """Create a couple with exactly two partners and its initial goals. A new couple starts in intake unless
    the status guards allow otherwise (consent: nobody has signed yet); `check_status=False` is for demo data."""
    if check_status and data["status"] != "intake":
        check_status_change(
            Couple(status="intake", confidentiality_policy=data["confidentiality_policy"]), data["status"]
        )
    couple = Couple(therapist_id=therapist.id, **{k: data[k] for k in COUPLE_FIELDS})
    for position, details in zip(("a", "b"), partners, strict=True):
        couple.partners.append(Partner(position=position, **_partner_values(details)))
    for text in goals:
        couple.goals.append(TreatmentGoal(text=text))
    db.session.add(couple)
    db.session.flush()
    record("couple.created", couple, couple_id=couple.id)
    return couple


def update_couple(couple: Couple, seen_version: int | None, data: dict, partners: tuple[dict, dict]) -> None:
    """Apply an edit made on `seen_version`; an older version than the stored one is a conflict."""
    couple.claim_version(seen_version)
    if couple.status != "closed" and data["status"] != couple.status:
        check_status_change(couple, data["status"])
    for key in COUPLE_FIELDS:
        if key == "status" and couple.status == "closed":
            continue  # closing and reopening go through change_status
        setattr(couple, key, data[key])
    for partner, details in zip(couple.partners, partners, strict=True):
        values = _partner_values(details)
        if partner.user_id and values["email"] != partner.email:
            raise DomainError(
                "This partner has already joined: their sign-in email can't be changed here.", field="email"
            )
        for key, value in values.items():
            setattr(partner, key, value)
    touch(couple)
    record("couple.updated", couple, couple_id=couple.id)


def _partner_values(details: dict) -> dict:
    values = {key: details.get(key) or "" for key in PARTNER_FIELDS}
    values["email"] = values["email"].strip().lower()
    return values


def change_status(couple: Couple, status: str, seen_version: int | None) -> None:
    if status == couple.status:
        return
    couple.claim_version(seen_version)
    check_status_change(couple, status)
    couple.closed_on = today_utc() if status == "closed" else None
    couple.status = status
    touch(couple)
    record(f"couple.status.{status}", couple, couple_id=couple.id)


def add_goal(couple: Couple, text: str) -> TreatmentGoal:
    goal = TreatmentGoal(couple_id=couple.id, text=text)
    db.session.add(goal)
    db.session.flush()
    record("treatment_goal.created", goal)
    return goal


def set_goal_status(couple: Couple, goal_id: int, status: str) -> None:
    goal = next((g for g in couple.goals if g.id == goal_id), None)
    if goal is None:
        abort(404)
    goal.status = status
    record("treatment_goal.updated", goal)


def touch(couple: Couple) -> None:
    """Mark activity on the couple so the caseload sorts recently worked couples first."""
    couple.last_activity_at = utcnow()


def caseload_total(counts: dict[str, int], status: str | None) -> int:
    """How many couples `caseload_query(therapist, status)` lists, from `count_by_status` (no count query)."""
    if status == "all":
        return sum(counts.values())
    if status:
        return counts.get(status, 0)
    return sum(n for key, n in counts.items() if key != "closed")


def count_by_status(therapist) -> dict[str, int]:
    rows = db.session.execute(
        select(Couple.status, func.count()).where(Couple.therapist_id == therapist.id).group_by(Couple.status)
    )
    return dict(rows.all())


def follow_sign_in_email(user, new_email: str) -> None:
    """A partner who changed their sign-in email is reached at the new address (the therapist's contact
    details and invitations read `Partner.email`)."""
    partner = db.session.scalar(select(Partner).where(Partner.user_id == user.id))
    if partner is not None:
        partner.email = new_email
