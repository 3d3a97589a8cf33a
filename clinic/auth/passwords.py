"""argon2id hashing and the password policy (length, not composition; common passwords refused)."""

import re
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 12
MAX_LENGTH = 256  # long passphrases are welcome; this only bounds the hashing work


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        # Spend the same time as a real check so timing does not reveal missing accounts.
        _hasher().hash(password)
        return False
    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)


@cache
def _common_passwords() -> frozenset[str]:
    text = resources.files("clinic.auth").joinpath("common_passwords.txt").read_text()
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why `password` is not acceptable, in words for the user; None when it is fine."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters. A few unrelated words make a strong passphrase."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    lowered = password.lower()
    core = re.sub(r"[^a-z]", "", lowered)
    common = _common_passwords()
    if lowered in common or (core and core in common and len(core) >= 4) or len(set(lowered)) <= 3:
        return "This password is too common and easy to guess. Choose something less predictable."
    if lowered.isdigit() and len(lowered) < 20:
        return "A string of digits is easy to guess. A few unrelated words make a stronger passphrase."
    local = email.split("@", 1)[0].lower()
    if (local and len(local) >= 4 and local in lowered) or (name and name.lower().replace(" ", "") in lowered):
        return "Don't build the password from your name or email address."
    return None
