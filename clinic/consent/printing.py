"""The signed copy of a consent document as PDF, through clinic.pdf with plain data only."""

from clinic.consent.models import ConsentSignature
from clinic.handouts.documents import practice_footer
from clinic.handouts.markdown import to_html
from clinic.pdf import RenderedPdf, build_pdf
from clinic.settings import get_practice_settings
from clinic.templating import format_date


def signed_copy_pdf(signature: ConsentSignature, couple, viewer) -> RenderedPdf:
    version = signature.version
    practice = get_practice_settings()
    context = {
        "doc": {
            "title": version.title,
            "body_html": to_html(version.body),
            "content_hash": version.content_hash,
        },
        "signed": {
            "name": signature.typed_name,
            "partner": signature.partner.name,
            "couple": couple.display_name,
            "at": signature.signed_at,
            "address": signature.client_address,
        },
        "header": {
            "for": signature.partner.name,
            "date": format_date(signature.signed_at),
            "therapist": couple.therapist.name if couple.therapist else "",
            "practice": practice.practice_name,
        },
        "footer": practice_footer(printed=True),
    }
    return build_pdf(
        "consent/signed_copy_pdf.html",
        context,
        title=f"{version.title} (signed)",
        paper=practice.paper_size,
        scope=f"user:{viewer.id}/couple:{couple.id}",
    )
