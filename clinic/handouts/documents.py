"""Plain data for handout pages and PDFs: templates get dicts and strings, never ORM objects."""

import logging

from clinic.handouts import markdown
from clinic.handouts.services import CARE_NOTE, builtin_for
from clinic.sessions.cycle import current_cycle_words

log = logging.getLogger(__name__)
MAX_CYCLE_TEXT = 400


def handout_document(source, *, couple=None, note: str = "", partner=None) -> dict:
    """Everything a handout page or PDF shows, as plain data.

    `source` is a built-in handout, a therapist's own handout or a given handout (all have title,
    summary and body). With a couple, the partners' names go in (with `partner`, that partner's alone);
    for handouts built on the attachment or cycle material, the couple's own cycle words too. The crisis
    handout carries the practice's local resources.
    """
    builtin = source if hasattr(source, "uses_cycle_words") else builtin_for(source)
    is_crisis = bool(builtin and builtin.is_crisis)
    uses_cycle = bool(builtin and builtin.uses_cycle_words)
    return {
        "title": source.title,
        "summary": source.summary or "",
        "html": markdown.to_html(source.body),
        "note": note or "",
        "names": [partner.name] if partner is not None else partner_names(couple) if couple is not None else [],
        "cycle": cycle_words(couple) if couple is not None and uses_cycle else None,
        "is_crisis": is_crisis,
        "crisis_resources": _crisis_resources() if is_crisis else "",
        "care_note": CARE_NOTE,
    }


def partner_names(couple) -> list[str]:
    return [p.name for p in couple.partners]


# Plain-language row labels for the cycle map's steps (clinic.sessions.models.CYCLE_STEPS keys).
CYCLE_ROWS = {
    "trigger": "When this happens…",
    "reactive_emotion": "On the surface I feel…",
    "action_tendency": "And I tend to…",
    "primary_emotion": "Underneath I feel…",
    "attachment_need": "What I long for / fear",
}


def cycle_words(couple) -> dict | None:
    """The couple's own cycle words from their cycle map, or None when there are none yet.

    Returns {"name": the couple's name for their cycle, "partners": [names], "rows": [(label, [a, b])]}.
    Reads `clinic.sessions.cycle.current_cycle_words(couple)`; a missing map or an
    error gives None, so a handout always prints.
    """
    try:
        raw = current_cycle_words(couple)
    except Exception:  # noqa: BLE001 - a handout must print even if the cycle map can't be read
        log.exception("cycle words unavailable for couple %s", getattr(couple, "id", "?"))
        return None
    if not isinstance(raw, dict):
        return None
    partners = [value for _, value in sorted((raw.get("partners") or {}).items()) if isinstance(value, dict)]
    rows = [(label, [_clip(p.get(key)) for p in partners]) for key, label in CYCLE_ROWS.items()]
    rows = [(label, words) for label, words in rows if any(words)]
    name = _clip(raw.get("cycle_name"))
    if not name and not rows:
        return None
    return {"name": name, "partners": [_clip(p.get("name")) for p in partners], "rows": rows}


def _clip(value) -> str:
    return str(value or "").strip()[:MAX_CYCLE_TEXT]


def _crisis_resources() -> str:
    from clinic.settings import get_practice_settings

    return get_practice_settings().crisis_resources or ""


def print_header(couple, therapist, *, when=None, partner=None) -> dict:
    """The personalised page header: the couple's names (or `partner`'s alone), the date, the therapist
    and the practice."""
    from clinic.settings import get_practice_settings

    settings = get_practice_settings()
    return {
        "for": partner.name if partner is not None else " & ".join(partner_names(couple)) if couple else "",
        "date": _date_text(when),
        "therapist": getattr(therapist, "name", "") or "",
        "practice": settings.practice_name,
    }


def _date_text(when=None) -> str:
    from datetime import datetime

    from clinic.settings import viewer_zone

    moment = when.astimezone(viewer_zone()) if when else datetime.now(viewer_zone())
    return f"{moment:%-d %B %Y}"


def practice_footer(*, printed: bool = False) -> str:
    """The practice's name and contact line; with `printed`, when it was printed, local to the reader
    with the zone named ("Printed 6 Dec 2026, 14:05 GMT (Europe/London)"). Handouts and worksheets leave
    the time out (their header has the date) so a handout asked for twice is served from the PDF cache."""
    from clinic.settings import get_practice_settings
    from clinic.templating import printed_at

    settings = get_practice_settings()
    parts = [settings.practice_name, settings.contact_line, printed_at() if printed else ""]
    return " · ".join(part for part in parts if part)
