"""Plant a unique marker in every free-text field of every couple's records, and say who may see each.

The visibility oracle (from PRODUCT.md and CLINICAL.md), applied to whatever tables exist:
- admins see no clinical content: no marker at all;
- a couple's records are seen only by its treating therapist and its own partners;
- therapist-only records (process and progress notes, addenda, safety screens, cycle maps, the presenting
  concerns) are seen by the treating therapist alone;
- a partner's private records (answers to questionnaires, homework entries not shared, their history) are
  seen by that partner and the therapist, never by the other partner;
- what was given to one partner (a handout with `partner_id` set, an assignment with `who == 'one'`) is
  private to that partner; rows hanging off it (entries, revisions) inherit that through the foreign keys.
"""

import dataclasses
import itertools
import re

from sqlalchemy import JSON, String, Text, select, update

from clinic.extensions import db

MARKER = re.compile(r"mk\d{5}x")
THERAPIST_ONLY_TABLES = {
    "process_note",
    "progress_note",
    "note_addendum",
    "safety_screen",
    "cycle_map",
    "safety_decision",
    "safety_follow_up",
    "note_risk_review",
    "cosign_review",
}
THERAPIST_ONLY_COLUMNS = {("couple", "presenting_concerns")}
# Treatment plans: partners see goals and objectives only, never the problems, formulation or interventions.
THERAPIST_ONLY_TABLES |= {"plan_intervention", "consent_override"}
THERAPIST_ONLY_COLUMNS |= {("treatment_plan", "presenting_problems"), ("treatment_plan", "formulation")}
# Releases of the record: a partner's reason for declining is for the therapist only.
THERAPIST_ONLY_COLUMNS |= {("release_decision", "reason")}
PARTNER_PRIVATE_TABLES = {"measure_response", "safety_screen"}
SKIP_TABLES = {
    "audit_event",
    "audit_chain_head",
    "submission_token",
    "pending_submission",
    "user",
    "invitation",
    "recovery_code",
    "practice_settings",
}
SKIP_NAME_PARTS = (
    "email",
    "slug",
    "hash",
    "token",
    "url",
    "path",
    "code",
    "key",
    "template",
    "based_on",
    "scoring",
    "tags",
    "strategies",
    "fields",
    "pauses",
    "steps",
)
_counter = itertools.count(1)


@dataclasses.dataclass
class Marker:
    text: str
    table: str
    column: str
    row_id: object
    allowed: frozenset


def _text_columns(table):
    for column in table.columns:
        if column.primary_key or column.foreign_keys or any(p in column.name for p in SKIP_NAME_PARTS):
            continue
        long_string = isinstance(column.type, String) and (column.type.length or 0) >= 60
        if isinstance(column.type, Text | JSON) or long_string:
            yield column


def _given_to_one(table_name: str, values) -> bool:
    """Rows given to one partner only: private to that partner, like an unshared entry."""
    if table_name == "given_handout":
        return values.get("partner_id") is not None
    if table_name == "assignment":
        return values.get("who") == "one" and values.get("partner_id") is not None
    if table_name == "appointment":  # an individual appointment: that partner and the therapist only
        return values.get("individual_partner_id") is not None
    return False


def _row_owner(table, row, cache):
    """(couple_id, partner_id, is_private) of a row, following foreign keys up to two levels."""
    values = row._mapping
    couple_id = values.get("couple_id")
    partner_id = values.get("partner_id") or (
        values.get("individual_partner_id") if table.name == "appointment" else None
    )
    private = values.get("is_shared") is False or _given_to_one(table.name, values)
    if table.name == "partner":
        partner_id = None
    if couple_id is None or partner_id is None:
        for column in table.columns:
            for fk in column.foreign_keys:
                parent = fk.column.table
                if parent.name in ("user", "exercise", "handout") or values.get(column.name) is None:
                    continue
                key = (parent.name, values[column.name])
                if key not in cache:
                    parent_row = db.session.execute(select(parent).where(fk.column == values[column.name])).first()
                    cache[key] = _row_owner(parent, parent_row, cache) if parent_row else (None, None, False)
                p_couple, p_partner, p_private = cache[key]
                couple_id = couple_id or p_couple
                if parent.name != "partner":
                    partner_id = partner_id or p_partner
                    private = private or p_private
    return couple_id, partner_id, private


# The supervisor (tests/supervision/access_spec.py) reads what the treating therapist of `world.couple`
# reads, except process notes, which stay with their author.
SUPERVISOR_NEVER = {"process_note"}


def _allowed(world, table, column, couple_id, partner_id, private):
    allowed = _allowed_without_supervisor(world, table, column, couple_id, partner_id, private)
    if allowed is not None and couple_id == world.couple.id and table.name not in SUPERVISOR_NEVER:
        return allowed | {"supervisor"}
    return allowed


def _allowed_without_supervisor(world, table, column, couple_id, partner_id, private):
    couples = {
        world.couple.id: ("therapist", "partner_a", "partner_b"),
        world.other_couple.id: ("other_therapist", "outsider", None),
    }
    if couple_id not in couples:
        return None
    therapist, first, second = couples[couple_id]
    if (
        table.name in THERAPIST_ONLY_TABLES
        and table.name not in PARTNER_PRIVATE_TABLES
        or (table.name, column.name) in THERAPIST_ONLY_COLUMNS
    ):
        return frozenset({therapist})
    owners = {first, second} - {None}
    if partner_id is not None and (private or table.name in PARTNER_PRIVATE_TABLES):
        couple = world.couple if couple_id == world.couple.id else world.other_couple
        position = next(p.position for p in couple.partners if p.id == partner_id)
        owners = {first if position == "a" else second} - {None}
    return frozenset({therapist, *owners})


def _marked(value, marker, nested=False):
    """Top-level text gets the marker; inside JSON only free text does (not option keys like "often")."""
    if isinstance(value, str):
        return f"{marker} {value}" if not nested or (" " in value.strip() and len(value) >= 12) else value
    if isinstance(value, dict):
        return {k: _marked(v, marker, True) for k, v in value.items()}
    if isinstance(value, list):
        return [_marked(v, marker, True) for v in value]
    return value


def plant(world) -> list[Marker]:
    """Prefix every free-text value of every couple-linked row with a unique marker; commit."""
    markers, cache = [], {}
    for table in db.metadata.sorted_tables:
        if table.name in SKIP_TABLES:
            continue
        columns = list(_text_columns(table))
        if not columns:
            continue
        for row in db.session.execute(select(table)).all():
            couple_id, partner_id, private = _row_owner(table, row, cache)
            changes = {}
            for column in columns:
                allowed = _allowed(world, table, column, couple_id, partner_id, private)
                value = row._mapping[column.name]
                empty_text = value in ("", None) and isinstance(column.type, Text)
                if allowed is None or (value in (None, "", [], {}) and not empty_text):
                    continue
                marker = f"mk{next(_counter) % 100000:05d}x"
                new = marker if empty_text else _marked(value, marker)
                if new == value:
                    continue
                if isinstance(new, str) and isinstance(column.type, String) and column.type.length:
                    new = new[: column.type.length]
                changes[column.name] = new
                markers.append(
                    Marker(marker, table.name, column.name, row._mapping[table.primary_key.columns[0].name], allowed)
                )
            if changes:
                pk = table.primary_key.columns[0]
                db.session.execute(update(table).where(pk == row._mapping[pk.name]).values(**changes))
    db.session.commit()
    db.session.expire_all()
    return markers


def enrich(world) -> list[str]:
    """Best effort: add the private records the domains' populate() may not create (process notes,
    addenda, cycle maps) for both couples, through the domains' own services."""
    problems = []
    for couple, therapist in ((world.couple, world.therapist), (world.other_couple, world.other_therapist)):
        nested = db.session.begin_nested()
        try:
            from clinic.sessions import services
            from clinic.sessions.models import TherapySession

            sessions = db.session.scalars(select(TherapySession).where(TherapySession.couple_id == couple.id)).all()
            if not sessions:
                sessions = [
                    services.record_session(
                        couple,
                        {
                            "starts_at": __import__("clinic.db").db.utcnow(),
                            "minutes": 50,
                            "format": "in_person",
                            "kind": "conjoint",
                            "attendance": "attended",
                        },
                        therapist,
                    )
                ]
            for ts in sessions:
                if services.get_process_note(ts, therapist) is None:
                    services.save_process_note(ts, therapist, "Private working hypothesis.", None)
            services.save_cycle_map(
                couple,
                therapist,
                None,
                "Pursue and withdraw cycle",
                {"action": "Criticises when feeling alone"},
                {"action": "Goes quiet to avoid conflict"},
            )
            nested.commit()
        except Exception as error:  # noqa: BLE001 - a domain in progress must not stop the crawl
            nested.rollback()
            problems.append(f"enrich {couple.id}: {error!r}"[:200])
    db.session.commit()
    return problems
