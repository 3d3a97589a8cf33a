"""A couple's record for a records request, as plain data (then PDF or JSON).

The sections come from the domains that own them; a domain that isn't available yet is listed under
`unavailable` rather than failing the export. Process notes go in only when explicitly included.
"""

import logging
from datetime import date, datetime

from markupsafe import Markup

from clinic.db import utcnow
from clinic.handouts import services
from clinic.settings import get_practice_settings

log = logging.getLogger(__name__)

SECTIONS = (
    ("sessions", "clinic.sessions.export", "couple_sessions_record", "Sessions and notes"),
    ("homework", "clinic.homework.export", "couple_homework_summary", "Homework"),
    ("scores", "clinic.measures.export", "couple_scores", "Questionnaire scores"),
)


def couple_record(couple, *, exported_by, include_process_notes: bool) -> dict:
    """The couple's whole record as JSON-ready plain data."""
    data = {
        "exported_at": utcnow().isoformat(timespec="seconds"),
        "exported_by": exported_by.name,
        "practice": get_practice_settings().practice_name,
        "includes_process_notes": include_process_notes,
        "couple": to_plain(couple_details(couple)),
        "handouts_given": to_plain([_given(g) for g in services.given_to_couple(couple, include_withdrawn=True)]),
        "unavailable": [],
    }
    for key, module, function, label in SECTIONS:
        value = _call(module, function, couple, include_process_notes if key == "sessions" else None)
        if value is _MISSING:
            data["unavailable"].append(label)
            data[key] = None
        else:
            data[key] = to_plain(value)
    return data


def couple_details(couple) -> dict:
    return {
        "id": couple.id,
        "name": couple.display_name,
        "model": couple.model_label,
        "status": couple.status_label,
        "started_on": couple.started_on,
        "closed_on": couple.closed_on,
        "presenting_concerns": couple.presenting_concerns,
        "confidentiality_policy": couple.policy_label,
        "policy_agreed_on": couple.policy_agreed_on,
        "therapist": couple.therapist.name if couple.therapist else "",
        "partners": [
            {
                "name": p.name,
                "pronouns": p.pronouns,
                "email": p.email,
                "attachment_style": p.attachment_label,
                "cycle_position": p.cycle_position_label,
            }
            for p in couple.partners
        ],
        "goals": [{"goal": g.text, "status": g.status_label} for g in couple.goals],
    }


def _given(given) -> dict:
    return {
        "title": given.title,
        "given_at": given.given_at,
        "given_by": given.given_by.name if given.given_by else "",
        "note": given.note,
        "withdrawn_at": given.withdrawn_at,
        "given_to": f"{given.partner.name} only" if given.partner is not None else "Both partners",
    }


_MISSING = object()


def _call(module_name: str, function: str, couple, include_process_notes):
    from importlib import import_module

    try:
        fn = getattr(import_module(module_name), function)
    except (ImportError, AttributeError):
        return _MISSING
    try:
        return fn(couple, include_process_notes) if include_process_notes is not None else fn(couple)
    except Exception:  # noqa: BLE001 - one failing section must not sink the whole export
        log.exception("export section %s.%s failed for couple %s", module_name, function, couple.id)
        return _MISSING


def to_plain(value):
    """Dicts, lists, strings, numbers, None; dates as ISO strings; anything else as its text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [to_plain(v) for v in value]
    if hasattr(value, "_asdict"):
        return to_plain(value._asdict())
    if hasattr(value, "__dataclass_fields__"):
        from dataclasses import asdict

        return to_plain(asdict(value))
    return str(value)


def csi_chart(couple):
    """The CSI chart as SVG Markup from the measures domain (it escapes its text), or None."""
    try:
        from clinic.measures.charts import csi_chart_svg
    except ImportError:
        return None
    try:
        svg = csi_chart_svg(couple)
    except Exception:  # noqa: BLE001
        log.exception("chart unavailable for couple %s", couple.id)
        return None
    return svg if isinstance(svg, Markup) and svg.lstrip().startswith("<svg") else None
