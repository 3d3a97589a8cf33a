"""Releases of the record: what a therapist asks to send, to whom and why, and each partner's decision.

A release of the joint record needs both partners' authorisation; a release of the notes of individual
sessions with one partner needs that partner's only. A single decline ends the request. Process notes go
in only when every authorising partner ticked their own, separate authorisation for them.
"""

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.db import UTCDateTime, one_of, utcnow
from clinic.extensions import Model

SCOPES = {"joint": "The joint record", "individual": "Notes of individual sessions with one partner"}
RECIPIENTS = {"third_party": "A named third party", "partner": "One of the partners"}
STATUSES = {
    "pending": "Awaiting authorisation",
    "authorised": "Authorised",
    "declined": "Declined",
    "withdrawn": "Withdrawn",
    "released": "Released",
}
DECISIONS = {"authorised": "Authorised", "declined": "Declined"}


class RecordRelease(Model):
    """A therapist's request to release part of a couple's record to a recipient, for a purpose."""

    __tablename__ = "record_release"
    __table_args__ = (
        CheckConstraint(one_of("scope", SCOPES), name="scope_known"),
        CheckConstraint(one_of("recipient_kind", RECIPIENTS), name="recipient_kind_known"),
        CheckConstraint(one_of("status", STATUSES), name="status_known"),
        CheckConstraint("(scope = 'individual') = (scope_partner_id IS NOT NULL)", name="scope_partner_matches"),
        CheckConstraint(
            "(recipient_kind = 'partner') = (recipient_partner_id IS NOT NULL)", name="recipient_partner_matches"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete="RESTRICT"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    scope: Mapped[str] = mapped_column(String(20))
    scope_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"), index=True)
    recipient_kind: Mapped[str] = mapped_column(String(20))
    recipient_name: Mapped[str] = mapped_column(String(120), default="")
    recipient_organisation: Mapped[str] = mapped_column(String(160), default="")
    recipient_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"), index=True)
    purpose: Mapped[str] = mapped_column(Text)
    include_process_notes: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # declined, withdrawn or first released
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)

    couple = relationship("Couple")
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    scope_partner = relationship("Partner", foreign_keys=[scope_partner_id])
    recipient_partner = relationship("Partner", foreign_keys=[recipient_partner_id])
    decisions: Mapped[list["ReleaseDecision"]] = relationship(
        back_populates="release", order_by="ReleaseDecision.id", lazy="selectin"
    )

    @property
    def required_partners(self) -> list:
        """Who must authorise: both partners for the joint record, the one partner for their own sessions."""
        if self.scope == "individual":
            return [self.scope_partner]
        return sorted(self.couple.partners, key=lambda p: p.position)

    def decision_of(self, partner):
        return next((d for d in self.decisions if d.partner_id == partner.id), None)

    def concerns(self, partner) -> bool:
        """Whether `partner` may see this request at all (one partner's sessions stay theirs)."""
        return partner.couple_id == self.couple_id and any(p.id == partner.id for p in self.required_partners)

    @property
    def awaiting(self) -> list:
        return [p for p in self.required_partners if self.decision_of(p) is None]

    @property
    def status_label(self) -> str:
        if self.status == "pending":
            names = " and ".join(p.name for p in self.awaiting)
            return f"Awaiting {names}" if names else STATUSES["pending"]
        return STATUSES.get(self.status, self.status)

    @property
    def recipient_label(self) -> str:
        if self.recipient_kind == "partner" and self.recipient_partner is not None:
            return f"{self.recipient_partner.name} (partner)"
        org = f", {self.recipient_organisation}" if self.recipient_organisation else ""
        return f"{self.recipient_name}{org}"

    @property
    def scope_label(self) -> str:
        if self.scope == "individual" and self.scope_partner is not None:
            return f"Notes of individual sessions with {self.scope_partner.name}"
        return SCOPES["joint"]

    @property
    def can_release(self) -> bool:
        return self.status in ("authorised", "released")


class ReleaseDecision(Model):
    """One partner's answer to a release request: authorised (typed full name, confirmation, and a separate
    tick for process notes when they are included) or declined (with an optional reason for the therapist)."""

    __tablename__ = "release_decision"
    __table_args__ = (
        UniqueConstraint("release_id", "partner_id", name="uq_release_decision_release_partner"),
        CheckConstraint(one_of("decision", DECISIONS), name="decision_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("record_release.id", ondelete="RESTRICT"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"), index=True)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    decision: Mapped[str] = mapped_column(String(20))
    typed_name: Mapped[str] = mapped_column(String(120), default="")
    process_notes_authorised: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text, default="")  # a decline's reason: for the therapist only
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    client_address: Mapped[str] = mapped_column(String(64), default="")

    release: Mapped[RecordRelease] = relationship(back_populates="decisions")
    partner = relationship("Partner", lazy="joined")

    @property
    def couple_id(self) -> int:
        return self.release.couple_id
