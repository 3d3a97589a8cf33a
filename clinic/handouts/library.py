"""The built-in handouts: Markdown files with front matter in `content/`, loaded once per process."""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import frontmatter

CONTENT_DIR = Path(__file__).resolve().parent / "content"


@dataclass(frozen=True)
class BuiltinHandout:
    slug: str
    title: str
    summary: str
    body: str
    order: int
    uses_cycle_words: bool = False  # attachment and cycle handouts show the couple's own cycle words
    is_crisis: bool = False  # safety handout: shows the hotline and the practice's crisis resources
    key_phrases: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def builtin_handouts() -> tuple[BuiltinHandout, ...]:
    handouts = []
    for path in sorted(CONTENT_DIR.glob("*.md")):
        post = frontmatter.load(path)
        meta: dict[str, Any] = dict(post.metadata)  # front matter: YAML values of any type
        handouts.append(
            BuiltinHandout(
                slug=str(meta["slug"]),
                title=str(meta["title"]),
                summary=str(meta.get("summary", "")),
                body=post.content,
                order=int(meta.get("order", 99)),
                uses_cycle_words=bool(meta.get("cycle_words")),
                is_crisis=bool(meta.get("crisis")),
                key_phrases=tuple(str(p) for p in meta.get("key_phrases", ())),
            )
        )
    return tuple(sorted(handouts, key=lambda h: (h.order, h.slug)))


def get_builtin(slug: str) -> BuiltinHandout | None:
    return next((h for h in builtin_handouts() if h.slug == slug), None)
