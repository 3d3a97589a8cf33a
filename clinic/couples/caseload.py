"""What other domains add to the caseload and the couple overview, without the couples package
knowing them: each registers a provider that answers for many couples in a few queries.

A provider takes a list of couples and returns {couple_id: CaseloadInfo}. It must not run a query
per couple (the caseload page is paginated, but stays at a fixed number of queries).
"""

from collections.abc import Callable
from dataclasses import dataclass, field


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
