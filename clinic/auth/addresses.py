"""Addresses an account has fully signed in from (password and, where required, second factor).

Kept as keyed digests (HMAC with the app's secret key), never as plain addresses: enough to recognise
the owner's usual address, useless as a list of where people were. Used by the sign-in throttle only.
"""

import hashlib
import hmac

from flask import current_app
from sqlalchemy import select

from clinic.auth.models import SignInAddress, User, find_user_by_email
from clinic.db import utcnow
from clinic.extensions import db

KEEP_PER_USER = 20  # the most recent addresses; older ones are forgotten


def _digest(user_id: int, address: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"{user_id}|{address}".encode(), hashlib.sha256).hexdigest()


def remember(user: User, address: str | None) -> None:
    """Note that `user` signed in from `address`; flushes."""
    if not address:
        return
    digest = _digest(user.id, address)
    row = db.session.scalar(
        select(SignInAddress).where(SignInAddress.user_id == user.id, SignInAddress.address_digest == digest)
    )
    if row is None:
        db.session.add(SignInAddress(user_id=user.id, address_digest=digest, last_seen_at=utcnow()))
        _forget_oldest(user)
    else:
        row.last_seen_at = utcnow()
    db.session.flush()


def _forget_oldest(user: User) -> None:
    rows = db.session.scalars(
        select(SignInAddress).where(SignInAddress.user_id == user.id).order_by(SignInAddress.last_seen_at.desc())
    ).all()
    for old in rows[KEEP_PER_USER - 1 :]:
        db.session.delete(old)


def is_known(email: str, address: str | None) -> bool:
    user = find_user_by_email(email) if email and address else None
    if user is None or not user.is_active:
        return False
    digest = _digest(user.id, address or "")
    found = db.session.scalar(
        select(SignInAddress.id).where(SignInAddress.user_id == user.id, SignInAddress.address_digest == digest)
    )
    return found is not None
