"""Sign-in, invitation and second-factor throttling (Flask-Limiter).

Counted per client address and per account. The per-account key is derived from the email typed
(or the account waiting for its second factor), whether or not such an account exists, so a
throttled answer reveals nothing about which accounts exist.
"""

import hashlib

from flask import request, session
from flask_limiter.util import get_remote_address

from clinic.extensions import limiter

MESSAGE = "Too many attempts. For your security, please wait a few minutes before trying again."

SIGN_IN_PER_ADDRESS = "20 per minute; 100 per hour"
SIGN_IN_PER_ACCOUNT = "5 per minute; 30 per hour"
INVITE_PER_ADDRESS = "10 per minute; 60 per hour"
SECOND_FACTOR_PER_ACCOUNT = "5 per minute; 20 per hour"
SECOND_FACTOR_PER_ADDRESS = "20 per minute"


def account_key() -> str:
    email = (request.form.get("email") or "").strip().lower()
    return "account:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def pending_account_key() -> str:
    from flask_login import current_user

    pending = session.get("_2fa_pending") or {}
    user_id = pending.get("uid") or (current_user.get_id() if current_user.is_authenticated else "none")
    return f"second-factor:{str(user_id).split(':')[0]}"


def _limit(value, key_func=get_remote_address, methods=("POST",)):
    return limiter.limit(value, key_func=key_func, methods=list(methods), error_message=MESSAGE)


sign_in_by_address = _limit(SIGN_IN_PER_ADDRESS)
sign_in_by_account = _limit(SIGN_IN_PER_ACCOUNT, account_key)
invite_by_address = _limit(INVITE_PER_ADDRESS, methods=("GET", "POST"))
second_factor_by_account = _limit(SECOND_FACTOR_PER_ACCOUNT, pending_account_key)
second_factor_by_address = _limit(SECOND_FACTOR_PER_ADDRESS)

RESET_PER_ADDRESS = "5 per minute; 30 per hour"
RESET_PER_ACCOUNT = "3 per hour"
reset_by_address = _limit(RESET_PER_ADDRESS)
reset_by_account = _limit(RESET_PER_ACCOUNT, account_key)
