"""The exercise library: built-in exercises from data files, therapists' own exercises, filters.

Built-ins live in `clinic/homework/content/*.md` (YAML front matter + optional closing notes).
`sync_builtin_exercises()` loads them idempotently, so a release can add or fix exercises.
"""

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import frontmatter
from flask import abort
from sqlalchemy import or_, select

from clinic.audit.services import record
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.homework.models import COMPLETION_TYPES, MODEL_TAGS, STRATEGIES, WHO, Exercise

CONTENT_DIR = Path(__file__).resolve().parent / "content"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,78}$")
EDITABLE = (
    "title",
    "purpose",
    "steps",
    "notes",
    "model_tags",
    "strategies",
    "who",
    "minutes",
    "frequency_kind",
    "times_per_week",
    "completion",
    "fields",
    "raises_conflict",
    "source",
    "is_private_to_partner",
)


# Added in #17: callers written before them may leave them out.
OPTIONAL = {"source": "", "is_private_to_partner": False}


def _editable(data: dict) -> dict:
    return {k: data.get(k, OPTIONAL[k]) if k in OPTIONAL else data[k] for k in EDITABLE}


def parse_frequency(text: str) -> tuple[str, int | None]:
    """'once' | 'daily' | 'weekly:N' (1–7) → (kind, times_per_week)."""
    text = str(text).strip()
    if text in ("once", "daily"):
        return text, None
    match = re.fullmatch(r"weekly:([1-7])", text)
    if not match:
        raise ValueError(f"unknown frequency {text!r}")
    return "weekly", int(match.group(1))


def load_content_file(path: Path) -> dict:
    """Read and check one exercise file; raises ValueError naming the problem."""
    post = frontmatter.load(path)
    meta: dict[str, Any] = dict(post.metadata)
    if not _SLUG.match(str(meta.get("slug", ""))) or meta["slug"] != path.stem:
        raise ValueError(f"{path.name}: slug must match the file name")
    kind, per_week = parse_frequency(meta.get("frequency", "once"))
    fields = [
        {"key": str(f["key"]), "label": str(f["label"]), "required": bool(f.get("required", False))}
        for f in meta.get("fields") or []
    ]
    data = {
        "slug": meta["slug"],
        "title": str(meta["title"]),
        "purpose": str(meta["purpose"]).strip(),
        "steps": list(meta.get("steps") or []),  # _check refuses a step YAML read as a mapping
        "notes": post.content.strip(),
        "model_tags": list(meta.get("models") or []),
        "strategies": list(meta.get("strategies") or []),
        "who": meta.get("who"),
        "minutes": int(meta.get("minutes", 15)),
        "frequency_kind": kind,
        "times_per_week": per_week,
        "completion": meta.get("completion"),
        "fields": fields,
        "raises_conflict": bool(meta.get("raises_conflict", False)),
        "source": str(meta.get("source", "")).strip(),
        "is_private_to_partner": bool(meta.get("private_to_partner", False)),
    }
    _check(data, path.name)
    return data


def _check(data: dict, name: str) -> None:
    problems = []
    if data["who"] not in WHO:
        problems.append("who")
    if data["completion"] not in COMPLETION_TYPES:
        problems.append("completion")
    if not set(data["model_tags"]) <= set(MODEL_TAGS) or not data["model_tags"]:
        problems.append("models")
    if not set(data["strategies"]) <= set(STRATEGIES) or not data["strategies"]:
        problems.append("strategies")
    if not data["steps"]:
        problems.append("steps")
    if not all(isinstance(step, str) for step in data["steps"]):
        problems.append("steps (quote a step with a colon in it)")
    if data["completion"] in ("log", "reflection") and not data["fields"]:
        problems.append("fields")
    if not data["source"]:
        problems.append("source")
    if data["is_private_to_partner"] and data["who"] != "one":
        problems.append("who (a private exercise is for one partner)")
    if problems:
        raise ValueError(f"{name}: check {', '.join(problems)}")


def builtin_content() -> list[dict]:
    return [load_content_file(path) for path in sorted(CONTENT_DIR.glob("*.md"))]


def _hash(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def sync_builtin_exercises() -> dict[str, int]:
    """Make the built-in rows match the content files: add new ones, update changed ones, retire
    removed ones (kept for the assignments that use them). Running it twice changes nothing."""
    existing = {e.slug: e for e in db.session.scalars(select(Exercise).where(Exercise.owner_id.is_(None)))}
    counts = {"added": 0, "updated": 0, "retired": 0}
    seen = set()
    for data in builtin_content():
        seen.add(data["slug"])
        digest = _hash(data)
        exercise = existing.get(data["slug"])
        if exercise is None:
            db.session.add(Exercise(owner_id=None, content_hash=digest, **data))
            counts["added"] += 1
        elif exercise.content_hash != digest or exercise.is_retired:
            for key in EDITABLE:
                setattr(exercise, key, data[key])
            exercise.content_hash, exercise.is_retired = digest, False
            exercise.version = exercise.version + 1
            counts["updated"] += 1
    for slug, exercise in existing.items():
        if slug not in seen and not exercise.is_retired:
            exercise.is_retired = True
            counts["retired"] += 1
    db.session.flush()
    return counts


_content_hashes: frozenset | None = None


def ensure_builtin_exercises() -> None:
    """On use: sync when the database's built-ins differ from this release's files (first use, or a
    release that added or fixed an exercise). One small query when they already match."""
    global _content_hashes
    if _content_hashes is None:
        _content_hashes = frozenset(_hash(data) for data in builtin_content())
    stored = set(
        db.session.scalars(
            select(Exercise.content_hash).where(Exercise.owner_id.is_(None), Exercise.is_retired.is_(False))
        )
    )
    if stored != _content_hashes:
        sync_builtin_exercises()


def visible_exercises_query(user):
    """Built-ins plus `user`'s own exercises (retired built-ins left out)."""
    query = select(Exercise).where(
        Exercise.is_retired.is_(False), or_(Exercise.owner_id.is_(None), Exercise.owner_id == user.id)
    )
    return query.order_by(Exercise.owner_id.is_(None), Exercise.title)


def filter_exercises(exercises: list[Exercise], filters: dict) -> list[Exercise]:
    """Apply the library filters (JSON list columns are matched in Python: the library is small)."""

    def keep(e: Exercise) -> bool:
        return (
            (not filters.get("model") or filters["model"] in e.model_tags)
            and (not filters.get("strategy") or filters["strategy"] in e.strategies)
            and (not filters.get("completion") or e.completion == filters["completion"])
            and (not filters.get("who") or e.who == filters["who"])
        )

    return [e for e in exercises if keep(e)]


def library_for(user, filters: dict) -> list[Exercise]:
    ensure_builtin_exercises()
    return filter_exercises(list(db.session.scalars(visible_exercises_query(user))), filters)


def get_exercise_for(user, exercise_id: int) -> Exercise:
    """A built-in exercise or one of `user`'s own; 404 for another therapist's."""
    exercise = db.session.get(Exercise, exercise_id)
    if exercise is None or (exercise.owner_id is not None and exercise.owner_id != user.id):
        abort(404)
    return exercise


def get_own_exercise(user, exercise_id: int) -> Exercise:
    exercise = get_exercise_for(user, exercise_id)
    if exercise.owner_id != user.id:
        abort(404)
    return exercise


def _unique_slug(owner, title: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "exercise"
    taken = set(db.session.scalars(select(Exercise.slug).where(Exercise.owner_id == owner.id)))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def check_exercise_data(data: dict) -> None:
    if data.get("is_private_to_partner") and data["who"] != "one":
        raise DomainError("An exercise private to one partner is done by one partner: choose One partner.", field="who")
    if data["completion"] in ("log", "reflection") and not data["fields"]:
        raise DomainError("A structured log or reflection needs at least one field or question.", field="field_lines")
    if not data["steps"]:
        raise DomainError("Add at least one step.", field="steps")


def create_exercise(owner, data: dict) -> Exercise:
    check_exercise_data(data)
    exercise = Exercise(owner_id=owner.id, slug=_unique_slug(owner, data["title"]), **_editable(data))
    db.session.add(exercise)
    db.session.flush()
    record("exercise.created", exercise)
    return exercise


def copy_exercise(owner, source: Exercise) -> Exercise:
    """A private, editable copy of a built-in (or of one's own) exercise."""
    data = {k: getattr(source, k) for k in EDITABLE}
    data["title"] = f"{source.title} (my version)"[:200]
    exercise = Exercise(
        owner_id=owner.id,
        slug=_unique_slug(owner, data["title"]),
        based_on_id=source.id,
        **{k: (list(v) if isinstance(v, list) else v) for k, v in data.items()},
    )
    db.session.add(exercise)
    db.session.flush()
    record("exercise.copied", exercise)
    return exercise


def update_exercise(exercise: Exercise, seen_version: int | None, data: dict) -> None:
    check_exercise_data(data)
    exercise.claim_version(seen_version)
    for key, value in _editable(data).items():
        setattr(exercise, key, value)
    record("exercise.updated", exercise)


def exercise_as_worksheet(exercise: Exercise) -> dict:
    """Plain data for a printed worksheet (the handouts domain renders it)."""
    return {
        "title": exercise.title,
        "purpose": exercise.purpose,
        "steps": list(exercise.steps or []),
        "notes": exercise.notes,
        "completion": exercise.completion,
        "completion_label": exercise.completion_label,
        "who": exercise.who_label,
        "minutes": exercise.minutes,
        "frequency": exercise.frequency_label,
        "fields": [
            {"key": f["key"], "label": f["label"], "required": bool(f.get("required"))} for f in exercise.fields or []
        ],
        "rating_scale": [1, 2, 3, 4, 5] if exercise.completion == "rating" else [],
        "model_tags": list(exercise.model_tags or []),
        "model_labels": exercise.model_labels,
        "strategies": exercise.strategy_labels,
        "source": exercise.source or "",
        "private": exercise.is_private_to_partner,
    }
