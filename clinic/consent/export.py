"""Consent for the record export, as plain data: every signature kept and every override with its reason."""

from clinic.consent import services


def couple_consent_record(couple) -> dict:
    return {
        "signatures": [
            {
                "partner": s.partner.name,
                "document": s.version.title,
                "version_hash": s.content_hash,
                "typed_name": s.typed_name,
                "signed_at": s.signed_at,
                "client_address": s.client_address,
            }
            for s in services.signature_history(couple)
        ],
        "overrides": [{"at": o.created_at, "reason": o.reason} for o in services.overrides(couple)],
    }
