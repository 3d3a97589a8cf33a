"""The one declared registry: where a lower domain uses what a higher one provides.

Domains depend downwards only (see `[tool.importlinter]` in pyproject.toml). Some things must point
the other way; each is registered here by the providing domain's `init_app`, among them:

- caseload providers: what sessions, homework and measures add to the couples caseload and the couple
  overview. A provider takes a list of couples and returns {couple_id: CaseloadInfo}, in a fixed
  number of queries (never one per couple);
- the homework review: the plain-text summary of homework since a date that a new progress note is
  prefilled with (sessions sits below homework, which links assignments to sessions);
- the safety flag: whether a couple's safety safeguard holds (measures owns the screen), which opens
  the risk check of a progress note.

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
FACT_ORDER = ("Last session", "Next session", "Homework", "Latest scores")


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


# --- guards on a couple's status (consent keeps a couple in intake until both partners have signed) -----
StatusGuard = Callable[[Any, str], None]
_status_guards: list[StatusGuard] = []


def register_status_guard(guard: StatusGuard) -> None:
    if all(existing is not guard for existing in _status_guards):
        _status_guards.append(guard)


def check_status_change(couple, status: str) -> None:
    """Each registered guard may refuse the move of `couple` to `status` with a DomainError."""
    for guard in _status_guards:
        guard(couple, status)


# --- what follows a progress note's signature (supervision asks for a co-signature) --------------
NoteSigned = Callable[[Any, Any], None]
_note_signed: list[NoteSigned] = []


def register_note_signed(hook: NoteSigned) -> None:
    if hook not in _note_signed:
        _note_signed.append(hook)


def note_signed(note, signer) -> None:
    """Run every registered hook for a note `signer` has just signed (same transaction, flushed)."""
    for hook in _note_signed:
        hook(note, signer)


# --- a user's sign-in email changed (couples keeps the partner's contact address in step) -----------
EmailChanged = Callable[[Any, str], None]
_email_changed: list[EmailChanged] = []


def register_email_changed(hook: EmailChanged) -> None:
    if hook not in _email_changed:
        _email_changed.append(hook)


def email_changed(user, new_email: str) -> None:
    """Run every registered hook for a confirmed change of `user`'s sign-in email (same transaction)."""
    for hook in _email_changed:
        hook(user, new_email)


# --- the audit trail in words (supervision describes events; admin shows them) --------------------
AuditDescriber = Callable[[list, Any], list]
_audit_describer: list[AuditDescriber] = []


def register_audit_describer(describer: AuditDescriber) -> None:
    _audit_describer[:] = [describer]


def describe_audit(events: list, viewer) -> list:
    """Rows in words for `events` as `viewer` may see them (couples by reference unless names are allowed)."""
    if not _audit_describer:
        raise LookupError("no audit describer registered (clinic.supervision.init_app not run)")
    return _audit_describer[0](events, viewer)


_audit_names: list[Callable[[Any], bool]] = []


def register_audit_names(check: Callable[[Any], bool]) -> None:
    _audit_names[:] = [check]


def audit_shows_names(viewer) -> bool:
    """Whether `viewer` sees client names in the audit trail (a clinical role, or a break-glass reason)."""
    return bool(_audit_names) and _audit_names[0](viewer)


# --- whether a couple's safety safeguard holds (measures owns the screen; a note opens its risk check) ---
SafetyFlag = Callable[[Any], bool]
_safety_flag: list[SafetyFlag] = []


def register_safety_flag(provider: SafetyFlag) -> None:
    _safety_flag[:] = [provider]


def safety_flag(couple) -> bool:
    """Whether the couple's safety safeguard holds (clinician-only; one statement)."""
    if not _safety_flag:
        raise LookupError("no safety flag provider registered (clinic.measures.init_app not run)")
    return _safety_flag[0](couple)
