"""Bulk seeding of a benchmark practice: therapists with couples and their records.

Rows go in with executemany INSERTs on the tables (explicit ids, no ORM objects), which is what makes
the large size (≈300,000 rows) take seconds rather than minutes. Every data kind is seeded only when
its model exists; a missing domain is reported, not fatal.

Equal work at every size: the measured therapist (THERAPIST_EMAIL) always has MEASURED couples, each
with the same history (SHAPE); every extra couple, session, entry and answer of a bigger size belongs
to the practice's other therapists and their couples. So a page shows the same rows at every size and
only the data around it grows.
"""

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text

from clinic.extensions import db

THERAPIST_EMAIL = "bench-therapist@bench.clinic.test"
PASSWORD = "calm-harbour-lantern-42"  # noqa: S105 - the public demo password of fictional accounts
BATCH = 5000


@dataclass(frozen=True)
class Size:
    name: str
    couples: int
    sessions: int
    entries: int
    answers: int
    therapists: int = 1


MEASURED = 10  # the measured therapist's couples, at every size
SHAPE = {"sessions": 10, "entries": 40, "answers": 4}  # each measured couple's history, at every size

SMALL = Size("small", couples=10, sessions=100, entries=400, answers=40)
LARGE = Size("large", couples=1000, sessions=50_000, entries=200_000, answers=20_000, therapists=10)
PRACTICE = Size("practice", couples=10_000, sessions=200_000, entries=400_000, answers=40_000, therapists=100)
MIXED = Size("mixed", couples=80, sessions=800, entries=3_200, answers=320, therapists=8)
SIZES = {size.name: size for size in (SMALL, LARGE, PRACTICE, MIXED)}


def therapist_email(k: int) -> str:
    return THERAPIST_EMAIL if k == 0 else f"bench-therapist-{k}@bench.clinic.test"


def per_couple(size: Size, kind: str, index: int) -> int:
    """How many `kind` rows couple `index` gets: SHAPE for the measured couples, the rest spread evenly."""
    if index < MEASURED:
        return SHAPE[kind]
    others = size.couples - MEASURED
    rest = max(0, getattr(size, kind) - MEASURED * SHAPE[kind])
    return rest // others + (1 if index - MEASURED < rest % others else 0)


@dataclass
class Seeded:
    size: Size
    seconds: float = 0.0
    rows: dict = field(default_factory=dict)
    skipped: list = field(default_factory=list)
    therapist_email: str = THERAPIST_EMAIL
    therapist_ids: list = field(default_factory=list)
    client_email: str = ""
    couples: list = field(default_factory=list)  # [{"id", "therapist_id", "partners", "index", ...}]
    couple_id: int = 0
    session_id: int = 0  # the latest session (its note is a draft)
    signed_session_id: int = 0  # the one before (signed note)


def _next_id(table) -> int:
    return (db.session.scalar(select(func.max(table.c.id))) or 0) + 1


def _insert(table, rows: list[dict], seeded: Seeded) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(table.insert(), rows[start : start + BATCH])
    seeded.rows[table.name] = seeded.rows.get(table.name, 0) + len(rows)


def seed(size: Size) -> Seeded:
    """Seed `size` into the app's (empty, schema-created) database and commit. Returns what was made."""
    from clinic.demo import seed_demo

    started = time.perf_counter()
    seed_demo()
    db.session.commit()
    seeded = Seeded(size)
    rng = random.Random(20261126)  # noqa: S311 - fictional data, not security
    now = datetime.now(UTC).replace(microsecond=0)
    therapist_id, client_ids = _users(size, seeded, now)
    seeded.therapist_email = THERAPIST_EMAIL
    couples = _couples(size, seeded, now, therapist_id, client_ids)
    sessions = _sessions(size, seeded, now, therapist_id, couples)
    _homework(size, seeded, rng, now, therapist_id, couples, sessions)
    _measures(size, seeded, rng, now, therapist_id, couples, client_ids)
    if db.engine.dialect.name == "postgresql":
        for table in db.metadata.sorted_tables:  # explicit ids were inserted: move each id sequence past them
            if "id" in table.c and table.c.id.autoincrement:
                highest = db.session.scalar(select(func.max(table.c.id))) or 0
                db.session.execute(
                    text("SELECT setval(pg_get_serial_sequence(:name, 'id'), :next, false)"),
                    {"name": f'"{table.name}"', "next": highest + 1},
                )
    db.session.commit()
    if db.engine.dialect.name in ("sqlite", "postgresql"):
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    seeded.seconds = time.perf_counter() - started
    return seeded


def _users(size, seeded, now):
    from clinic.auth.models import User
    from clinic.auth.services import set_password

    probe = User(email="probe@bench.clinic.test", name="probe", role="client")
    set_password(probe, PASSWORD)
    table = User.__table__
    first = _next_id(table)
    base = {
        "is_admin": False,
        "is_active_account": True,
        "password_hash": probe.password_hash,
        "session_version": 1,
        "created_at": now,
        "updated_at": now,
        "password_changed_at": now,
    }
    rows = [
        {**base, "id": first + k, "email": therapist_email(k), "name": f"Dr. Bench Marker {k}", "role": "therapist"}
        for k in range(max(1, size.therapists))
    ]
    seeded.therapist_ids = [row["id"] for row in rows]
    client_ids = {}
    for i in range(size.couples):
        for position in "ab":
            uid = first + len(rows)
            rows.append(
                {
                    **base,
                    "id": uid,
                    "email": f"c{i}{position}@bench.clinic.test",
                    "name": f"Client {i}{position.upper()}",
                    "role": "client",
                }
            )
            client_ids[(i, position)] = uid
    _insert(table, rows, seeded)
    seeded.client_email = "c0a@bench.clinic.test"
    return first, client_ids


def _couples(size, seeded, now, therapist_id, client_ids):
    from clinic.couples.models import Couple, Partner, TreatmentGoal

    first = _next_id(Couple.__table__)
    first_partner = _next_id(Partner.__table__)
    couples, partners, goals = [], [], []
    others = seeded.therapist_ids[1:]
    for i in range(size.couples):
        cid = first + i
        started = (now - timedelta(days=7 * per_couple(size, "sessions", i) + 14)).date()
        owner = therapist_id if i < MEASURED or not others else others[(i - MEASURED) % len(others)]
        couples.append(
            {
                "id": cid,
                "therapist_id": owner,
                "display_name": f"Bench couple {i:04d}",
                "model": ("efct", "cbct", "integrative")[i % 3],
                "status": "active" if i % 10 else "paused",
                "started_on": started,
                "presenting_concerns": "Fictional benchmark couple.",
                "confidentiality_policy": "no_secrets",
                "policy_agreed_on": started,
                "last_activity_at": now - timedelta(hours=i),
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
        for j, position in enumerate("ab"):
            partners.append(
                {
                    "id": first_partner + 2 * i + j,
                    "couple_id": cid,
                    "position": position,
                    "name": f"Client {i}{position.upper()}",
                    "pronouns": "",
                    "version": 1,
                    "email": f"c{i}{position}@bench.clinic.test",
                    "user_id": client_ids[(i, position)],
                    "attachment_style": "not_assessed",
                    "cycle_position": "unclear",
                }
            )
        goals.append({"couple_id": cid, "text": "Calmer weekly check-ins", "status": "progressing", "created_at": now})
    _insert(Couple.__table__, couples, seeded)
    _insert(Partner.__table__, partners, seeded)
    _insert(TreatmentGoal.__table__, goals, seeded)
    seeded.couple_id = first
    seeded.couples = [
        {
            "id": c["id"],
            "model": c["model"],
            "partners": (first_partner + 2 * i, first_partner + 2 * i + 1),
            "index": i,
            "therapist_id": c["therapist_id"],
            "status": c["status"],
        }
        for i, c in enumerate(couples)
    ]
    return seeded.couples


def _sessions(size, seeded, now, therapist_id, couples):
    try:
        from clinic.sessions.models import ProgressNote, TherapySession
    except ImportError:
        seeded.skipped.append("therapy sessions and notes (clinic.sessions.models has no TherapySession yet)")
        return {}
    first = _next_id(TherapySession.__table__)
    first_note = _next_id(ProgressNote.__table__)
    sessions, notes, by_couple = [], [], {}
    answers = {
        "plan": "Continue slowing the cycle down.",
        "homework_given": "Daily check-in.",
        "risk_a": "none",
        "risk_b": "none",
    }
    for couple in couples:
        ids = []
        count = per_couple(size, "sessions", couple["index"])
        for n in range(1, count + 1):
            sid = first + len(sessions)
            starts = now - timedelta(days=7 * (count - n) + 1, hours=couple["index"] % 8)
            sessions.append(
                {
                    "id": sid,
                    "couple_id": couple["id"],
                    "number": n,
                    "starts_at": starts,
                    "minutes": 50,
                    "format": "in_person",
                    "kind": "conjoint",
                    "attendance": "attended",
                    "model": couple["model"],
                    "recorded_by_id": couple["therapist_id"],
                    "created_at": starts,
                    "updated_at": starts,
                }
            )
            signed = n < count  # the latest note is a draft
            note = ProgressNote(
                id=first_note + len(notes),
                therapy_session_id=sid,
                template=couple["model"],
                answers=answers,
                signed_by_id=couple["therapist_id"] if signed else None,
                signed_at=starts + timedelta(hours=2) if signed else None,
            )
            notes.append(
                {
                    "id": note.id,
                    "therapy_session_id": sid,
                    "couple_id": couple["id"],
                    "template": couple["model"],
                    "answers": answers,
                    "author_id": couple["therapist_id"],
                    "signed_by_id": note.signed_by_id,
                    "signed_at": note.signed_at,
                    "content_hash": note.compute_hash() if signed else None,
                    "version": 1,
                    "created_at": starts,
                    "updated_at": starts,
                }
            )
            ids.append((sid, starts))
        by_couple[couple["id"]] = ids
    _insert(TherapySession.__table__, sessions, seeded)
    _insert(ProgressNote.__table__, notes, seeded)
    seeded.session_id = by_couple[couples[0]["id"]][-1][0]
    seeded.signed_session_id = by_couple[couples[0]["id"]][-2][0]
    return by_couple


def _exercise_id(seeded, therapist_id, now):
    from clinic.homework.models import Exercise

    found = db.session.scalar(
        select(Exercise.id)
        .where(Exercise.who == "each", Exercise.completion == "reflection", Exercise.owner_id.is_(None))
        .order_by(Exercise.id)
    )
    if found:
        return found
    row = {
        "id": _next_id(Exercise.__table__),
        "slug": "bench-reflection",
        "owner_id": therapist_id,
        "title": "Evening reflection",
        "purpose": "Notice one moment of connection.",
        "steps": [],
        "notes": "",
        "model_tags": ["general"],
        "strategies": ["self_reflection"],
        "who": "each",
        "minutes": 10,
        "frequency_kind": "daily",
        "completion": "reflection",
        "version": 1,
        "created_at": now,
        "updated_at": now,
        "content_hash": "",
        "raises_conflict": False,
        "is_retired": False,
        "fields": [{"key": "moment", "label": "A moment of connection today", "required": True}],
    }
    _insert(Exercise.__table__, [row], seeded)
    return row["id"]


def _homework(size, seeded, rng, now, therapist_id, couples, sessions):
    try:
        from clinic.homework.models import Assignment, Entry
    except ImportError:
        seeded.skipped.append("homework (clinic.homework.models has no Assignment/Entry yet)")
        return
    exercise_id = _exercise_id(seeded, therapist_id, now)
    first = _next_id(Assignment.__table__)
    assignments, entries = [], []
    for couple in couples:
        couple_rng = random.Random(couple["index"])  # noqa: S311 - the same history for couple i at every size
        given = sessions.get(couple["id"]) or [(None, now - timedelta(days=7 * k)) for k in range(10, 0, -1)]
        chosen = given[::2][-max(1, len(given) // 2) :]
        couple_assignments = []
        for k, (sid, starts) in enumerate(chosen):
            aid = first + len(assignments)
            active = k >= len(chosen) - 2
            assignments.append(
                {
                    "id": aid,
                    "couple_id": couple["id"],
                    "exercise_id": exercise_id,
                    "assigned_by_id": couple["therapist_id"],
                    "therapy_session_id": sid,
                    "who": "each",
                    "starts_on": starts.date(),
                    "due_on": (starts + timedelta(days=13)).date(),
                    "frequency_kind": "daily",
                    "note": "",
                    "status": "active" if active else "ended",
                    "pauses": [],
                    "ended_on": None if active else (starts + timedelta(days=14)).date(),
                    "version": 1,
                    "created_at": starts,
                    "updated_at": starts,
                }
            )
            couple_assignments.append((aid, starts))
        for e in range(per_couple(size, "entries", couple["index"])):
            aid, starts = couple_assignments[e % len(couple_assignments)]
            partner = couple["partners"][e % 2]
            done = (starts + timedelta(days=(e // (2 * len(couple_assignments))) % 14)).date()
            entries.append(
                {
                    "assignment_id": aid,
                    "partner_id": partner,
                    "couple_id": couple["id"],
                    "done_on": done,
                    "answers": {"moment": "We laughed about the burnt toast."},
                    "rating": None,
                    "free_text": "",
                    "is_shared": couple_rng.random() < 0.4,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    _insert(Assignment.__table__, assignments, seeded)
    _insert(Entry.__table__, entries, seeded)


def _measures(size, seeded, rng, now, therapist_id, couples, client_ids):
    try:
        from clinic.measures.models import MeasureRequest, MeasureResponse
    except ImportError:
        seeded.skipped.append("questionnaires (clinic.measures.models has no MeasureRequest yet)")
        return
    first = _next_id(MeasureRequest.__table__)
    requests, responses = [], []
    for couple in couples:
        rng = random.Random(1000 + couple["index"])  # noqa: S311 - the same answers for couple i at every size
        per_partner = max(1, per_couple(size, "answers", couple["index"]) // 2)
        for j, partner in enumerate(couple["partners"]):
            rid = first + len(requests)
            requested = now - timedelta(days=7 * per_partner + 7)
            requests.append(
                {
                    "id": rid,
                    "couple_id": couple["id"],
                    "partner_id": partner,
                    "measure_key": "csi4",
                    "schedule": "before_session",
                    "requested_by_id": couple["therapist_id"],
                    "requested_at": requested,
                }
            )
            user_id = client_ids[(couple["index"], "ab"[j])]
            for seq in range(1, per_partner + 1):
                answers = {
                    "1": rng.randint(1, 6),
                    "2": rng.randint(1, 5),
                    "3": rng.randint(1, 5),
                    "4": rng.randint(1, 5),
                }
                at = requested + timedelta(days=7 * seq)
                responses.append(
                    {
                        "request_id": rid,
                        "couple_id": couple["id"],
                        "partner_id": partner,
                        "measure_key": "csi4",
                        "sequence": seq,
                        "answers": answers,
                        "scoring_version": "csi4-v1",
                        "method": "portal",
                        "answered_at": at,
                        "recorded_at": at,
                        "recorded_by_id": user_id,
                    }
                )
    _insert(MeasureRequest.__table__, requests, seeded)
    _insert(MeasureResponse.__table__, responses, seeded)
