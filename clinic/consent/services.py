"""Consent rules: the current version of each document, signing, who has signed what, and the gate that keeps
a couple in intake until both partners have signed (or the therapist overrides with a reason).
Functions change and flush; views commit."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import abort, has_request_context, request
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from clinic.audit.services import record
from clinic.consent.models import KINDS, POLICY_KIND, ConsentOverride, ConsentSignature, ConsentVersion, content_hash
from clinic.couples.models import Couple, Partner
from clinic.couples.services import change_status
from clinic.errors import DomainError
from clinic.extensions import db

CONTENT = Path(__file__).resolve().parent / "content"
MAX_BODY_CHARS = 40_000
NOT_READY = (
    "Both partners must sign the required consent documents before this couple becomes active. "
    "See the Consent section, where you can also go ahead with a reason."
)


@dataclass(frozen=True)
class Document:
    """What a partner reads now: the latest saved version, or the practice's shipped default."""

    kind: str
    title: str
    body: str
    content_hash: str
    version_id: int | None

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]


@cache
def default_text(kind: str) -> str:
    return (CONTENT / f"{kind}.md").read_text(encoding="utf-8").strip()


def current_documents() -> dict[str, Document]:
    """Every kind's current document, in one query."""
    latest = select(func.max(ConsentVersion.id)).group_by(ConsentVersion.kind)
    saved = {v.kind: v for v in db.session.scalars(select(ConsentVersion).where(ConsentVersion.id.in_(latest)))}
    documents = {}
    for kind, title in KINDS.items():
        version = saved.get(kind)
        if version is not None:
            documents[kind] = Document(kind, version.title, version.body, version.content_hash, version.id)
        else:
            body = default_text(kind)
            documents[kind] = Document(kind, title, body, content_hash(title, body), None)
    return documents


def required_kinds(couple: Couple) -> list[str]:
    """The documents each partner of `couple` signs before the couple becomes active, in reading order."""
    return ["informed_consent", POLICY_KIND[couple.confidentiality_policy], "telehealth", "fees"]


def save_document(kind: str, title: str, body: str, author) -> ConsentVersion | None:
    """Keep a new version when the text differs from the current one; None when nothing changed."""
    if kind not in KINDS:
        abort(404)
    current = current_documents()[kind]
    digest = content_hash(title, body)
    if digest == current.content_hash:
        return None
    version = _version_for(kind, title, body, digest, author)
    record("consent_version.created", version)
    return version


def _version_for(kind: str, title: str, body: str, digest: str, author) -> ConsentVersion:
    """A new latest row. Saving an earlier text again adds a row with the same hash: signatures are
    compared by hash, so a partner who signed that text is not asked again."""
    version = ConsentVersion(
        kind=kind, title=title, body=body, content_hash=digest, created_by_id=getattr(author, "id", None)
    )
    db.session.add(version)
    db.session.flush()
    return version


def stored_version(document: Document) -> ConsentVersion:
    """The row a signature points at; the shipped default gets its row when it is first signed."""
    if document.version_id is not None:
        return db.session.get_one(ConsentVersion, document.version_id)
    return _version_for(document.kind, document.title, document.body, document.content_hash, None)


# --------------------------------------------------------------------------- status


@dataclass
class Item:
    document: Document
    signature: ConsentSignature | None  # this partner's latest signature of this kind

    @property
    def state(self) -> str:
        if self.signature is None:
            return "missing"
        return "signed" if self.signature.content_hash == self.document.content_hash else "outdated"

    @property
    def state_label(self) -> str:
        return {"missing": "Not signed", "signed": "Signed", "outdated": "Signed an earlier version"}[self.state]


def status_for_partners(couple: Couple, partners: list[Partner]) -> dict[int, list[Item]]:
    """{partner id: [Item per required document]}, in two queries (documents, signatures)."""
    documents = current_documents()
    kinds = required_kinds(couple)
    latest = _latest_signatures([p.id for p in partners])
    return {p.id: [Item(documents[k], latest.get((p.id, k))) for k in kinds] for p in partners}


def status_for_partner(partner: Partner) -> list[Item]:
    """`status_for_partners` for one partner in one query: each kind's current saved version beside this
    partner's latest signature of that kind (the partner's Today page asks this on every visit)."""
    signed_kind = aliased(ConsentVersion)
    latest_signature = (
        select(func.max(ConsentSignature.id))
        .join(signed_kind, ConsentSignature.version_id == signed_kind.id)
        .where(ConsentSignature.partner_id == partner.id, signed_kind.kind == ConsentVersion.kind)
        .scalar_subquery()
    )
    current = select(func.max(ConsentVersion.id)).group_by(ConsentVersion.kind)
    rows = db.session.execute(
        select(ConsentVersion, ConsentSignature)
        .outerjoin(ConsentSignature, ConsentSignature.id == latest_signature)
        .where(ConsentVersion.id.in_(current))
    )
    saved = {version.kind: (version, signature) for version, signature in rows}
    items = []
    for kind in required_kinds(partner.couple):
        if kind in saved:
            version, signature = saved[kind]
            document = Document(kind, version.title, version.body, version.content_hash, version.id)
            items.append(Item(document, signature))
        else:  # never saved: the shipped default, which nobody can have signed without saving it
            body = default_text(kind)
            items.append(Item(Document(kind, KINDS[kind], body, content_hash(KINDS[kind], body), None), None))
    return items


def _latest_signatures(partner_ids: list[int]) -> dict[tuple[int, str], ConsentSignature]:
    query = (
        select(ConsentSignature)
        .join(ConsentSignature.version)
        .where(ConsentSignature.partner_id.in_(partner_ids))
        .order_by(ConsentSignature.id)
    )
    return {(s.partner_id, s.version.kind): s for s in db.session.scalars(query)}


def is_complete(status: dict[int, list[Item]]) -> bool:
    return all(item.state == "signed" for items in status.values() for item in items)


def has_override(couple: Couple) -> bool:
    return bool(db.session.scalar(select(func.count()).where(ConsentOverride.couple_id == couple.id)))


def overrides(couple: Couple) -> list[ConsentOverride]:
    return list(
        db.session.scalars(
            select(ConsentOverride).where(ConsentOverride.couple_id == couple.id).order_by(ConsentOverride.id)
        )
    )


def signature_history(couple: Couple) -> list[ConsentSignature]:
    query = select(ConsentSignature).where(ConsentSignature.couple_id == couple.id).order_by(ConsentSignature.id)
    return list(db.session.scalars(query))


# --------------------------------------------------------------------------- signing


def document_for_partner(partner: Partner, kind: str) -> Item:
    """One document this partner is asked to sign; 404 for a kind their couple doesn't use."""
    if kind not in required_kinds(partner.couple):
        abort(404)
    return next(i for i in status_for_partners(partner.couple, [partner])[partner.id] if i.document.kind == kind)


def sign(partner: Partner, user, kind: str, seen_hash: str, typed_name: str, confirmed: bool) -> ConsentSignature:
    """Sign the current version of `kind`. Raises DomainError (every problem at once) when the text changed
    since it was read, the typed name isn't the partner's full name, or the confirmation is missing."""
    item = document_for_partner(partner, kind)
    if item.state == "signed" and item.signature is not None:
        return item.signature  # a double submit signs once
    problems = _sign_problems(partner, item.document, seen_hash, typed_name, confirmed)
    if problems:
        raise DomainError(problems=problems)
    version = stored_version(item.document)
    signature = ConsentSignature(
        version_id=version.id,
        couple_id=partner.couple_id,
        partner_id=partner.id,
        signed_by_id=user.id,
        typed_name=" ".join(typed_name.split()),
        content_hash=version.content_hash,
        client_address=(request.remote_addr or "")[:64] if has_request_context() else "",
    )
    db.session.add(signature)
    db.session.flush()
    record("consent_signature.created", signature)
    return signature


def _sign_problems(partner: Partner, document: Document, seen_hash: str, typed_name: str, confirmed: bool) -> dict:
    problems = {}
    if seen_hash != document.content_hash:
        problems["typed_name"] = "This document was updated while you were reading it. Please read the new version."
    elif _normal(typed_name) != _normal(partner.name):
        problems["typed_name"] = f"Type your full name as your therapist has it: {partner.name}."
    if not confirmed:
        problems["confirmed"] = "Tick the box to confirm you have read and agree to this document."
    return problems


def _normal(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


def signature_for_therapist(user, couple: Couple, signature_id: int) -> ConsentSignature:
    signature = db.session.get(ConsentSignature, signature_id)
    if signature is None or signature.couple_id != couple.id:
        abort(404)
    return signature


def signature_for_client(partner: Partner, signature_id: int) -> ConsentSignature:
    """A partner's own signature only: the other partner's signatures are 404."""
    signature = db.session.get(ConsentSignature, signature_id)
    if signature is None or signature.partner_id != partner.id:
        abort(404)
    return signature


# --------------------------------------------------------------------------- the intake gate


def guard_status_change(couple: Couple, status: str) -> None:
    """Registered with clinic.registry: leaving intake for active or paused needs every required signature
    (or a recorded override). Closing stays possible."""
    if couple.status != "intake" or status not in ("active", "paused"):
        return
    if couple.id is None or not (is_complete(status_for_partners(couple, couple.partners)) or has_override(couple)):
        raise DomainError(NOT_READY, field="status")


def activate(couple: Couple, therapist, reason: str, seen_version: int | None) -> bool:
    """Make an intake couple active. With every signature in place no reason is needed; otherwise the reason
    is kept as an override (audited). Returns True when it was an override."""
    if couple.status != "intake":
        raise DomainError("Only a couple in intake can be made active here.", field="reason")
    complete = is_complete(status_for_partners(couple, couple.partners))
    if not complete:
        if len(reason.strip()) < 10:
            raise DomainError(
                "Not every required document is signed yet: say why the couple may start anyway "
                "(at least 10 characters).",
                field="reason",
            )
        override = ConsentOverride(couple_id=couple.id, therapist_id=therapist.id, reason=reason.strip())
        db.session.add(override)
        db.session.flush()
        record("consent.override", override)
    change_status(couple, "active", seen_version)
    return not complete
