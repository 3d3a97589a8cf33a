"""Assembling PDFs: handouts (generic or personalised), worksheets and the session packet.

Every PDF goes through `clinic.pdf.build_pdf` with plain-data context and a cache scope naming the
user and couple it was made for.
"""

from typing import Any

from clinic.handouts.documents import handout_document, practice_footer, print_header
from clinic.handouts.services import given_to_couple
from clinic.homework.worksheets import partner_worksheets, together_worksheets
from clinic.measures.paper import due_paper_forms
from clinic.pdf import PAPER_SIZES, RenderedPdf, ascii_slug, build_pdf, pdf_filename
from clinic.settings import get_practice_settings


def paper_for(choice: str | None) -> str:
    """A per-print choice when given, else the practice's paper size."""
    if choice in PAPER_SIZES:
        return choice
    setting = get_practice_settings().paper_size
    return setting if setting in PAPER_SIZES else "letter"


def file_name(kind: str, title: str = "", *, couple=None, partner=None, ext: str = "pdf") -> str:
    """The download name: whose it is, what it is and today's date (the viewer's time), ASCII-safe,
    e.g. `Rivera-Chen-handout-understanding-fears-2026-12-01.pdf`."""
    from datetime import datetime

    from clinic.settings import viewer_zone

    whose = partner.name if partner is not None else couple.display_name if couple is not None else ""
    if couple is not None and not ascii_slug(whose):
        whose = f"couple-{couple.id}"  # a name written only in a non-Latin script
    return pdf_filename(whose, kind, title.lower(), on=datetime.now(viewer_zone()).date(), ext=ext)


def scope_for(user, couple=None) -> str:
    return f"user:{user.id}/couple:{couple.id if couple is not None else '-'}"


def handouts_pdf(
    docs: list[dict],
    *,
    user,
    couple=None,
    paper: str | None = None,
    title: str | None = None,
    when=None,
    viewer=None,
    partner=None,
) -> RenderedPdf:
    """One PDF holding `docs` (from documents.handout_document), each starting on a new page.

    `user` is the therapist named in the header; `viewer` (default: `user`) is who downloads it, and
    the cache scope, so one person's PDF is never served from cache to another. With `partner`, the
    header names that partner alone (a handout given to one partner).
    """
    header = print_header(couple, user, when=when, partner=partner)
    context = {
        "sections": [{"kind": "handout", "doc": doc} for doc in docs],
        "header": header,
        "footer": practice_footer(),
    }
    return build_pdf(
        "pdf/document.html",
        context,
        title=title or docs[0]["title"],
        paper=paper_for(paper),
        scope=scope_for(viewer or user, couple),
    )


def worksheets_pdf(
    sheets: list[dict], *, user, couple=None, paper: str | None = None, title: str | None = None, viewer=None
) -> RenderedPdf:
    header = print_header(couple, user)
    context = {
        "sections": [{"kind": "worksheet", "sheet": s} for s in sheets],
        "header": header,
        "footer": practice_footer(),
    }
    return build_pdf(
        "pdf/document.html",
        context,
        title=title or sheets[0]["title"],
        paper=paper_for(paper),
        scope=scope_for(viewer or user, couple),
    )


def packet_pdf(
    couple,
    partner,
    *,
    user,
    docs: list[dict],
    include_given: bool,
    include_worksheets: bool,
    include_forms: bool,
    include_couple_part: bool,
    paper: str | None = None,
) -> tuple[RenderedPdf, dict]:
    """The session packet for one partner, with an optional couple part; returns the PDF and counts.

    The partner's part holds only what is theirs: `docs` (extra handouts, already personalised for them),
    handouts given to them alone, their own homework worksheets, their own questionnaires due on paper.
    The couple part holds shared items only: handouts given to both, worksheets for homework done
    together. The other partner's private items never go in.
    """
    own = packet_part(
        couple,
        partner,
        docs=docs,
        include_given=include_given,
        include_worksheets=include_worksheets,
        include_forms=include_forms,
    )
    shared = couple_part(couple, include_worksheets=include_worksheets) if include_couple_part else []
    sections = [{"kind": "cover"}, *own, *shared]
    counts = {kind: sum(1 for s in sections if s["kind"] == kind) for kind in ("handout", "worksheet", "form")}
    context = {
        "sections": sections,
        "header": print_header(couple, user, partner=partner),
        "footer": practice_footer(printed=True),
        "counts": counts,
        "couple_name": couple.display_name,
        "partner_name": partner.name,
        "has_couple_part": include_couple_part,
    }
    pdf = build_pdf(
        "pdf/document.html",
        context,
        title=f"Session packet for {partner.name}",
        paper=paper_for(paper),
        scope=f"{scope_for(user, couple)}/partner:{partner.id}",
    )
    return pdf, counts


def packet_part(couple, partner, *, docs, include_given, include_worksheets, include_forms) -> list[dict]:
    given = (
        [
            handout_document(g, couple=couple, note=g.note, partner=partner)
            for g in given_to_couple(couple)
            if g.partner_id == partner.id
        ]
        if include_given
        else []
    )
    sheets = partner_worksheets(couple, partner) if include_worksheets else []
    forms = [_paper_form(f) for f in due_paper_forms(couple) if f["partner_id"] == partner.id] if include_forms else []
    return (
        [{"kind": "handout", "doc": d, "part": "own"} for d in [*docs, *given]]
        + [{"kind": "worksheet", "sheet": s, "part": "own"} for s in sheets]
        + [{"kind": "form", "form": f, "part": "own"} for f in forms]
    )


def couple_part(couple, *, include_worksheets: bool) -> list[dict]:
    docs = [handout_document(g, couple=couple, note=g.note) for g in given_to_couple(couple) if g.partner_id is None]
    sheets = together_worksheets(couple) if include_worksheets else []
    sections: list[dict[str, Any]] = [{"kind": "handout", "doc": d, "part": "couple"} for d in docs] + [
        {"kind": "worksheet", "sheet": s, "part": "couple"} for s in sheets
    ]
    if sections:
        sections[0]["starts_part"] = True  # the page says where the shared part begins
    return sections


def _paper_form(form: dict) -> dict:
    def label(option) -> str:
        if isinstance(option, dict):
            return (
                f"{option.get('value')} {option.get('label', '')}".strip()
                if option.get("value") is not None
                else str(option.get("label", ""))
            )
        return str(option)

    return {
        "title": form.get("title", "Questionnaire"),
        "instructions": form.get("instructions", ""),
        "for": form.get("partner_name", ""),
        "citation": form.get("citation", ""),
        "items": [
            {"text": item.get("text", ""), "options": [label(o) for o in item.get("options") or []]}
            for item in form.get("items") or []
        ],
    }
