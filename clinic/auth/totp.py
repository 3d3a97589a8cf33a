"""The second factor: TOTP codes from an authenticator app, and one-time recovery codes.

pyotp checks a code against the current time step and one step either side (clock drift). A code is
accepted once: the time step it matched is stored (`User.totp_last_step`) and codes of that step or
earlier are refused, so a code seen over someone's shoulder cannot be replayed.
"""

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import MutableMapping

import pyotp
import segno
from flask import current_app
from pyotp.exceptions import OTPVerificationError
from sqlalchemy import delete, func, select

from clinic.audit.services import record
from clinic.auth import notices
from clinic.auth.models import RecoveryCode, User
from clinic.db import utcnow
from clinic.extensions import db
from clinic.settings import get_practice_settings

ISSUER = "Clinic"
RECOVERY_CODE_COUNT = 10
VALID_WINDOW = 1  # steps either side of now: a phone clock up to ~30 seconds off still works
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


def required_for(user: User) -> bool:
    """Whether `user` must pass a second factor at sign-in."""
    if not user.is_staff and not user.is_admin:
        return False
    if user.totp_enabled_at is not None:
        return True
    return bool(get_practice_settings().require_totp)


def practice_requires() -> bool:
    return bool(get_practice_settings().require_totp)


ENROL_KEY = "_totp_enrol"
ENROL_SECONDS = 600  # an enrolment attempt lasts ten minutes


def begin_enrolment(user: User, store: MutableMapping) -> str:
    """A new secret for this enrolment attempt of `user`, bound to this browser session (`store`).

    Nothing is written to the account until the secret is confirmed. The session keeps only a random
    nonce; the secret is derived from it with the server's key, the account's session version and
    password hash, so it is useless in another session, after ten minutes and after a password change.
    A second factor already in use keeps working until the new one is confirmed.
    """
    nonce = secrets.token_urlsafe(16)
    store[ENROL_KEY] = {"uid": user.id, "n": nonce, "at": int(time.time())}
    return _derived_secret(user, nonce)


def enrolment_secret(user: User, store: MutableMapping) -> str | None:
    """The secret of this session's current enrolment attempt, or None if there is none or it expired."""
    attempt = store.get(ENROL_KEY) or {}
    if attempt.get("uid") != user.id or int(time.time()) - int(attempt.get("at", 0)) > ENROL_SECONDS:
        return None
    return _derived_secret(user, str(attempt.get("n", "")))


def end_enrolment(store: MutableMapping) -> None:
    store.pop(ENROL_KEY, None)


def _derived_secret(user: User, nonce: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    message = f"totp-enrolment|{user.id}|{user.session_version}|{user.password_hash}|{nonce}".encode()
    return base64.b32encode(hmac.new(key, message, hashlib.sha256).digest()[:20]).decode()


def provisioning_uri(user: User, secret: str) -> str:
    issuer = get_practice_settings().practice_name or ISSUER
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_data_uri(uri: str) -> str:
    """The QR code as an SVG data: URI, drawn here on the server (no external service, no inline markup)."""
    return segno.make(uri, error="m").svg_data_uri(scale=4, border=2, dark="#000", light="#fff")


def _matching_step(secret: str, code: str, after_step: int | None) -> int | None:
    """The time step `code` matches within pyotp's window, or None; steps up to `after_step` are spent."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    try:
        # verify() with the window, returning the step it matched (pyotp's way to prevent reuse).
        step = pyotp.TOTP(secret).verify_and_get_timecode(code, valid_window=VALID_WINDOW)
    except OTPVerificationError:
        return None
    if after_step is not None and step <= after_step:
        return None
    return step


def confirm_enrolment(user: User, secret: str, code: str) -> list[str] | None:
    """Activate `secret` (this session's attempt) if `code` matches it; returns fresh recovery codes, or None."""
    step = _matching_step(secret, code, None)
    if step is None:
        return None
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    codes = _new_recovery_codes(user)
    record("user.second_factor_enabled", user)
    notices.second_factor_changed(user, "enabled")
    return codes


def check_code(user: User, code: str) -> bool:
    """A current TOTP code (not used before) or an unused recovery code; uses it up."""
    if not user.totp_enabled_at or not user.totp_secret:
        return False
    step = _matching_step(user.totp_secret, code, user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        db.session.flush()
        return True
    return _use_recovery_code(user, code)


def already_used(user: User, code: str) -> bool:
    """True when `code` is a right code that was already spent (e.g. the one that turned the second
    factor on, typed again within the same 30 seconds): the sign-in page then says to wait for the next."""
    if not user.totp_secret or user.totp_last_step is None:
        return False
    step = _matching_step(user.totp_secret, code, None)
    return step is not None and step <= user.totp_last_step


def group_key(secret: str) -> str:
    """The key as a person copies it by hand: groups of four (ABCD EFGH …)."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _digest(code: str) -> str:
    normalised = "".join(c for c in code.lower() if c.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [
        "-".join("".join(secrets.choice(_ALPHABET) for _ in range(5)) for _ in range(2))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(c)) for c in codes)
    db.session.flush()
    return codes


def _use_recovery_code(user: User, code: str) -> bool:
    if len(code) > 40:
        return False
    row = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _digest(code), RecoveryCode.used_at.is_(None)
        )
    )
    if row is None:
        return False
    row.used_at = utcnow()
    record("user.recovery_code_used", user, actor=user)
    db.session.flush()
    return True


def remaining_recovery_codes(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        )
        or 0
    )


def remove(user: User, *, action: str = "user.second_factor_removed") -> None:
    """Switch the second factor off and forget its secret and recovery codes."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    record(action, user)
    notices.second_factor_changed(user, "reset" if action == "user.second_factor_reset" else "removed")
    db.session.flush()
