"""Consent documents (practice-authored Markdown, one immutable row per version) and partners' signatures."""

import hashlib
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.db import UTCDateTime, one_of, utcnow
from clinic.extensions import Model

# Every kind a practice keeps; the confidentiality policy has one document per policy (couple.confidentiality_policy).
KINDS = {
    "informed_consent": "Informed consent for couple therapy",
    "confidentiality_no_secrets": "Confidentiality policy: no secrets",
    "confidentiality_limited_secrets": "Confidentiality policy: limited secrets",
    "telehealth": "Consent to telehealth sessions",
    "fees": "Fees and cancellation",
}
POLICY_KIND = {"no_secrets": "confidentiality_no_secrets", "limited_secrets": "confidentiality_limited_secrets"}


def content_hash(title: str, body: str) -> str:
    """SHA-256 of what a partner reads: the title and the Markdown body."""
    return hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()


class ConsentVersion(Model):
    """One version of a consent document. Never changed once written: an edit adds a new row, and the
    latest row of a kind is the current text."""

    __tablename__ = "consent_version"
    __table_args__ = (CheckConstraint(one_of("kind", KINDS), name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(160))
    body: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]


class ConsentSignature(Model):
    """A partner's signature of one version: typed full name, time, the version's hash and client address."""

    __tablename__ = "consent_signature"
    __table_args__ = (UniqueConstraint("version_id", "partner_id", name="uq_consent_signature_version_partner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("consent_version.id", ondelete="RESTRICT"), index=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete="RESTRICT"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"), index=True)
    signed_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    typed_name: Mapped[str] = mapped_column(String(120))
    content_hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    client_address: Mapped[str] = mapped_column(String(64), default="")

    version: Mapped[ConsentVersion] = relationship(lazy="joined")
    partner = relationship("Partner", lazy="joined")


class ConsentOverride(Model):
    """The therapist made a couple active before every required document was signed, and said why."""

    __tablename__ = "consent_override"

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete="RESTRICT"), index=True)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
