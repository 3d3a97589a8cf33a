"""Assembling PDFs: handouts (generic or personalised), worksheets and the session packet.

Every PDF goes through `clinic.pdf.build_pdf` with plain-data context and a cache scope naming the
user and couple it was made for.
"""

import logging

from clinic.admin.services import get_practice_settings
from clinic.handouts.documents import practice_footer, print_header
from clinic.pdf import PAPER_SIZES, RenderedPdf, build_pdf

log = logging.getLogger(__name__)


def paper_for(choice: str | None) -> str:
    """A per-print choice when given, else the practice's paper size."""
    if choice in PAPER_SIZES:
        return choice
    setting = get_practice_settings().paper_size
    return setting if setting in PAPER_SIZES else "letter"


def scope_for(user, couple=None) -> str:
    return f"user:{user.id}/couple:{couple.id if couple is not None else '-'}"


def handouts_pdf(docs: list[dict], *, user, couple=None, paper: str | None = None, title: str | None = None,
                 when=None, viewer=None) -> RenderedPdf:
    """One PDF holding `docs` (from documents.handout_document), each starting on a new page.

    `user` is the therapist named in the header; `viewer` (default: `user`) is who downloads it, and
    the cache scope, so one person's PDF is never served from cache to another.
    """
    header = print_header(couple, user, when=when)
    context = {"sections": [{"kind": "handout", "doc": doc} for doc in docs], "header": header,
               "footer": practice_footer()}
    return build_pdf("pdf/document.html", context, title=title or docs[0]["title"], paper=paper_for(paper),
                     scope=scope_for(viewer or user, couple))


def worksheets_pdf(sheets: list[dict], *, user, couple=None, paper: str | None = None,
                   title: str | None = None, viewer=None) -> RenderedPdf:
    header = print_header(couple, user)
    context = {"sections": [{"kind": "worksheet", "sheet": s} for s in sheets], "header": header,
               "footer": practice_footer()}
    return build_pdf("pdf/document.html", context, title=title or sheets[0]["title"], paper=paper_for(paper),
                     scope=scope_for(viewer or user, couple))


def packet_pdf(couple, *, user, docs: list[dict], include_worksheets: bool, include_forms: bool,
               paper: str | None = None) -> tuple[RenderedPdf, dict]:
    """The session packet: chosen handouts, current homework worksheets, questionnaires due on paper.

    Returns the PDF and counts of what went in (so the page can say what was included).
    """
    sheets = current_worksheets(couple) if include_worksheets else []
    forms = due_paper_forms(couple) if include_forms else []
    sections = ([{"kind": "cover"}] + [{"kind": "handout", "doc": d} for d in docs]
                + [{"kind": "worksheet", "sheet": s} for s in sheets] + [{"kind": "form", "form": f} for f in forms])
    counts = {"handouts": len(docs), "worksheets": len(sheets), "forms": len(forms)}
    context = {"sections": sections, "header": print_header(couple, user), "footer": practice_footer(),
               "counts": counts, "couple_name": couple.display_name}
    pdf = build_pdf("pdf/document.html", context, title=f"Session packet for {couple.display_name}",
                    paper=paper_for(paper), scope=scope_for(user, couple))
    return pdf, counts


def current_worksheets(couple) -> list[dict]:
    """Worksheets for the couple's current homework, via the homework domain ([] if unavailable)."""
    try:
        from clinic.handouts.worksheets import couple_worksheets
    except ImportError:
        return []
    return couple_worksheets(couple)


def due_paper_forms(couple) -> list[dict]:
    """Questionnaires due for the couple as paper forms, via the measures domain ([] if unavailable)."""
    try:
        from clinic.measures.paper import due_paper_forms as measures_forms
    except ImportError:
        return []
    try:
        return [_paper_form(form) for form in measures_forms(couple) or []]
    except Exception:  # noqa: BLE001 - the packet still prints without the forms; the page says so
        log.exception("paper forms unavailable for couple %s", couple.id)
        return []


def _paper_form(form: dict) -> dict:
    def label(option) -> str:
        if isinstance(option, dict):
            return f"{option.get('value')} {option.get('label', '')}".strip() if option.get("value") is not None \
                else str(option.get("label", ""))
        return str(option)

    return {"title": form.get("title", "Questionnaire"), "instructions": form.get("instructions", ""),
            "for": form.get("partner_name", ""), "citation": form.get("citation", ""),
            "items": [{"text": item.get("text", ""), "options": [label(o) for o in item.get("options") or []]}
                      for item in form.get("items") or []]}
