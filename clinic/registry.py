"""The one declared registry: where a lower domain uses what a higher one provides.

Domains depend downwards only (see `[tool.importlinter]` in pyproject.toml). Two things must point
the other way, and both are registered here by the providing domain's `init_app`:

- caseload providers: what sessions, homework and measures add to the couples caseload and the couple
  overview. A provider takes a list of couples and returns {couple_id: CaseloadInfo}, in a fixed
  number of queries (never one per couple);
- the homework review: the plain-text summary of homework since a date that a new progress note is
  prefilled with (sessions sits below homework, which links assignments to sessions).

A missing provider is an error at the call, never a silently empty section.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class CaseloadInfo:
    alerts: list[str] = field(default_factory=list)  # short, clinician-only sentences
    facts: dict[str, str] = field(default_factory=dict)  # column label -> short value


Provider = Callable[[list], dict[int, CaseloadInfo]]
_providers: list[tuple[int, Provider]] = []


def register_caseload_provider(provider: Provider, order: int = 50) -> None:
    if all(existing is not provider for _, existing in _providers):
        _providers.append((order, provider))
        _providers.sort(key=lambda item: item[0])


def caseload_info(couples: list) -> dict[int, CaseloadInfo]:
    merged = {couple.id: CaseloadInfo() for couple in couples}
    if not couples:
        return merged
    for _, provider in _providers:
        for couple_id, info in provider(couples).items():
            merged[couple_id].alerts.extend(info.alerts)
            merged[couple_id].facts.update(info.facts)
    return merged


def fact_labels() -> list[str]:
    """Column labels in a stable order, for the caseload table header."""
    return list(FACT_ORDER)


# The caseload columns other domains fill in; a missing value shows as a dash.
FACT_ORDER = ("Last session", "Homework", "Latest scores")


# --- the homework review a new progress note starts from -----------------------------------------
HomeworkReview = Callable[[Any, Any], str]
_homework_review: list[HomeworkReview] = []


def register_homework_review(provider: HomeworkReview) -> None:
    _homework_review[:] = [provider]


def homework_review(couple, since_at, position: str | None = None) -> str:
    """The registered homework summary for a couple since `since_at` (None: since the start); only the
    partner at `position` ("a" or "b") when given."""
    if not _homework_review:
        raise LookupError("no homework review provider registered (clinic.homework.init_app not run)")
    if position is None:
        return _homework_review[0](couple, since_at)
    return _homework_review[0](couple, since_at, position)  # type: ignore[call-arg]
