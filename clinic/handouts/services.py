"""Handout operations and owner-scoped loaders. They change and flush; views commit."""

from flask import abort
from sqlalchemy import or_, select

from clinic.audit.services import record
from clinic.db import utcnow
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.handouts.library import BuiltinHandout, builtin_handouts, get_builtin
from clinic.handouts.models import GivenHandout, Handout
from clinic.security import get_owned_or_404

CARE_NOTE = (
    "This handout is here to support you between sessions. It does not replace care from a "
    "qualified professional. If you are worried about your safety or someone else's, get help "
    "straight away: in the US call 911, or the National Domestic Violence Hotline on "
    "1-800-799-SAFE (7233), open 24/7."
)
SAFETY_SLUG = "safety-and-support"
SAFETY_TO_BOTH = "The safety handout is given to one partner at a time, privately. Choose which partner it is for."


# ---------------------------------------------------------------- loaders


def get_builtin_or_404(slug: str) -> BuiltinHandout:
    handout = get_builtin(slug)
    if handout is None:
        abort(404)
    return handout


def get_handout_for(user, handout_id: int) -> Handout:
    """The therapist's own handout; 404 for a missing one and for anyone else's alike."""
    return get_owned_or_404(Handout, handout_id, owner_id=user.id, is_archived=False)


def own_handouts(user) -> list[Handout]:
    query = (
        select(Handout)
        .where(Handout.owner_id == user.id, Handout.is_archived.is_(False))
        .order_by(Handout.title, Handout.id)
    )
    return list(db.session.scalars(query))


def get_given_for_couple(couple, given_id: int) -> GivenHandout:
    return get_owned_or_404(GivenHandout, given_id, couple_id=couple.id)


def _visible_to(partner):
    return select(GivenHandout).where(
        GivenHandout.couple_id == partner.couple_id,
        GivenHandout.withdrawn_at.is_(None),
        or_(GivenHandout.partner_id.is_(None), GivenHandout.partner_id == partner.id),
    )


def given_to_partner(partner) -> list[GivenHandout]:
    """What this partner may read: handouts given to the couple and those given to them alone."""
    query = _visible_to(partner).order_by(GivenHandout.given_at.desc(), GivenHandout.id.desc())
    return list(db.session.scalars(query))


def given_to_couple(couple, *, include_withdrawn: bool = False) -> list[GivenHandout]:
    query = select(GivenHandout).where(GivenHandout.couple_id == couple.id)
    if not include_withdrawn:
        query = query.where(GivenHandout.withdrawn_at.is_(None))
    return list(db.session.scalars(query.order_by(GivenHandout.given_at.desc(), GivenHandout.id.desc())))


def get_given_for_partner(partner, given_id: int) -> GivenHandout:
    """A handout given to the partner's couple (to both, or to this partner alone), not withdrawn; else 404."""
    given = get_given_for_couple(partner.couple, given_id)
    if given.is_withdrawn or not given.is_for(partner):
        abort(404)
    return given


# ---------------------------------------------------------------- sources: "b:<slug>" or "c:<id>"


def source_choices(user) -> dict[str, str]:
    choices = {f"b:{h.slug}": h.title for h in builtin_handouts()}
    choices.update({f"c:{h.id}": f"{h.title} (yours)" for h in own_handouts(user)})
    return choices


def resolve_source(user, source: str) -> BuiltinHandout | Handout:
    """The built-in or own handout a choice value names; DomainError when it isn't one of the user's."""
    kind, _, key = (source or "").partition(":")
    if kind == "b" and (builtin := get_builtin(key)) is not None:
        return builtin
    if kind == "c" and key.isdigit():
        handout = db.session.get(Handout, int(key))
        if handout is not None and handout.owner_id == user.id and not handout.is_archived:
            return handout
    raise DomainError("Choose one of the handouts in the list.", field="source")


def is_safety_handout(source) -> bool:
    """The built-in safety handout, or a therapist's copy of it, or a given snapshot of either."""
    slug = (
        getattr(source, "slug", None)
        if isinstance(source, BuiltinHandout)
        else getattr(source, "builtin_slug", None) or getattr(source, "based_on", None)
    )
    return slug == SAFETY_SLUG


def partner_choices(couple) -> dict[str, str]:
    """Who a handout is for: "both", or a partner's position ("a"/"b") for one partner only."""
    return {"both": "Both partners", **{p.position: f"{p.name} only" for p in couple.partners}}


def resolve_partner(couple, choice: str | None):
    """The partner a "for" choice names, None for both; DomainError(field="for_partner") otherwise."""
    if choice in (None, "", "both"):
        return None
    partner = next((p for p in couple.partners if p.position == choice), None)
    if partner is None:
        raise DomainError("Choose who it is for.", field="for_partner")
    return partner


def check_recipient(source, partner) -> None:
    """The safety handout goes to one named partner only, never to the couple."""
    if partner is None and is_safety_handout(source):
        raise DomainError(SAFETY_TO_BOTH, field="for_partner")


# ---------------------------------------------------------------- the therapist's own handouts


def create_handout(owner, data: dict) -> Handout:
    handout = Handout(
        owner_id=owner.id,
        title=data["title"],
        summary=data.get("summary") or "",
        body=data["body"],
        based_on=data.get("based_on"),
    )
    db.session.add(handout)
    db.session.flush()
    record("handout.created", handout)
    return handout


def copy_builtin(owner, builtin: BuiltinHandout) -> Handout:
    """A customisable copy of a built-in handout, owned by `owner`."""
    handout = Handout(
        owner_id=owner.id, title=builtin.title, summary=builtin.summary, body=builtin.body, based_on=builtin.slug
    )
    db.session.add(handout)
    db.session.flush()
    record("handout.copied", handout)
    return handout


def update_handout(handout: Handout, seen_version: int | None, data: dict) -> None:
    handout.claim_version(seen_version)
    handout.title = data["title"]
    handout.summary = data.get("summary") or ""
    handout.body = data["body"]
    record("handout.updated", handout)


def archive_handout(handout: Handout) -> None:
    handout.is_archived = True
    record("handout.archived", handout)


# ---------------------------------------------------------------- giving


def give_handout(couple, source: BuiltinHandout | Handout, note: str, by, partner=None) -> GivenHandout:
    """Give a handout, snapshotting its text: to the couple (both portals) or, with `partner`, to that
    partner alone (only their portal). Raises DomainError for a closed couple, a partner of another
    couple, and the safety handout given to both."""
    if couple.is_closed:
        raise DomainError("This couple's treatment is closed; reopen it before giving handouts.", field="source")
    if partner is not None and partner.couple_id != couple.id:
        raise DomainError("Choose who it is for.", field="for_partner")
    check_recipient(source, partner)
    given = GivenHandout(
        couple_id=couple.id,
        partner_id=partner.id if partner is not None else None,
        title=source.title,
        summary=source.summary or "",
        body=source.body,
        builtin_slug=source.slug if isinstance(source, BuiltinHandout) else source.based_on,
        handout_id=None if isinstance(source, BuiltinHandout) else source.id,
        note=note or "",
        given_by_id=by.id,
        given_at=utcnow(),
    )
    db.session.add(given)
    db.session.flush()
    record("handout.given", given, couple_id=couple.id)
    return given


def withdraw_handout(given: GivenHandout) -> None:
    if given.withdrawn_at is None:
        given.withdrawn_at = utcnow()
        record("handout.withdrawn", given, couple_id=given.couple_id)


def builtin_for(given_or_handout) -> BuiltinHandout | None:
    """The built-in a given or own handout comes from (it decides cycle words and crisis box)."""
    slug = getattr(given_or_handout, "builtin_slug", None) or getattr(given_or_handout, "based_on", None)
    return get_builtin(slug) if slug else None


def latest_for_partner(partner, limit: int = 3) -> list[GivenHandout]:
    query = _visible_to(partner).order_by(GivenHandout.given_at.desc(), GivenHandout.id.desc()).limit(limit)
    return list(db.session.scalars(query))
