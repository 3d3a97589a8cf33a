"""Sign-in, invitation and second-factor throttling (Flask-Limiter).

Sign-in is counted three ways, so that a stranger who knows an email address cannot lock its owner out:
- per address (all accounts): 20 a minute;
- per account *and* address together: 5 failed attempts a minute, 30 an hour (one address guessing one
  account);
- per account over every address: only failed attempts count, against a higher ceiling in steps
  (10 a minute, 20 in ten minutes, 40 an hour, 80 a day), so the wait grows with the failures instead
  of a hard stop. An address the account has fully signed in from before (password and second factor)
  is exempt from this ceiling: the owner gets in from home while a botnet guesses; that address still
  has its own per-account-and-address limit.
The per-account keys are derived from the email typed (or the account waiting for its second factor),
whether or not such an account exists, so a throttled answer reveals nothing about which accounts exist.
"""

import hashlib

from flask import request, session
from flask_limiter.util import get_remote_address

from clinic.auth.addresses import is_known
from clinic.extensions import limiter

MESSAGE = "Too many attempts. For your security, please wait a few minutes before trying again."

SIGN_IN_PER_ADDRESS = "20 per minute; 100 per hour"
SIGN_IN_PER_ACCOUNT_AND_ADDRESS = "5 per minute; 30 per hour"
ACCOUNT_FREE = 10  # failed attempts over all new addresses before the first wait
SIGN_IN_PER_ACCOUNT = (
    f"{ACCOUNT_FREE} per minute; {2 * ACCOUNT_FREE} per 10 minutes; {4 * ACCOUNT_FREE} per hour; "
    f"{8 * ACCOUNT_FREE} per day"
)
INVITE_PER_ADDRESS = "10 per minute; 60 per hour"
SECOND_FACTOR_PER_ACCOUNT = "5 per minute; 20 per hour"
SECOND_FACTOR_PER_ADDRESS = "20 per minute"


def _typed_email() -> str:
    return (request.form.get("email") or "").strip().lower()


def account_key() -> str:
    return "account:" + hashlib.sha256(_typed_email().encode()).hexdigest()[:32]


def account_address_key() -> str:
    return f"{account_key()}@{get_remote_address()}"


def failed(response) -> bool:
    """A sign-in answer that let nobody in (a signed-in or second-factor step is a redirect)."""
    return response.status_code not in (301, 302, 303)


def from_known_address() -> bool:
    """Whether the typed account has fully signed in from this address before."""
    return is_known(_typed_email(), get_remote_address())


def pending_account_key() -> str:
    from flask_login import current_user

    pending = session.get("_2fa_pending") or {}
    user_id = pending.get("uid") or (current_user.get_id() if current_user.is_authenticated else "none")
    return f"second-factor:{str(user_id).split(':')[0]}"


def _limit(value, key_func=get_remote_address, methods=("POST",), **options):
    return limiter.limit(value, key_func=key_func, methods=list(methods), error_message=MESSAGE, **options)


sign_in_by_address = _limit(SIGN_IN_PER_ADDRESS)
sign_in_by_account_and_address = _limit(SIGN_IN_PER_ACCOUNT_AND_ADDRESS, account_address_key, deduct_when=failed)
sign_in_by_account = _limit(SIGN_IN_PER_ACCOUNT, account_key, deduct_when=failed, exempt_when=from_known_address)
invite_by_address = _limit(INVITE_PER_ADDRESS, methods=("GET", "POST"))
second_factor_by_account = _limit(SECOND_FACTOR_PER_ACCOUNT, pending_account_key)
second_factor_by_address = _limit(SECOND_FACTOR_PER_ADDRESS)

RESET_PER_ADDRESS = "5 per minute; 30 per hour"
RESET_PER_ACCOUNT = "3 per hour"
reset_by_address = _limit(RESET_PER_ADDRESS)
reset_by_account = _limit(RESET_PER_ACCOUNT, account_key)

# An email change mails two addresses (the new one and the current one): only requests that sent mail
# count, per signed-in account, so a typo costs nothing and nobody can flood an inbox from an account.
EMAIL_CHANGE_PER_ACCOUNT = "3 per hour; 6 per day"


def signed_in_account_key() -> str:
    from flask_login import current_user

    return f"email-change:{current_user.get_id() if current_user.is_authenticated else 'none'}"


def _sent_mail(response) -> bool:
    return response.status_code in (301, 302, 303)


email_change_by_account = _limit(EMAIL_CHANGE_PER_ACCOUNT, signed_in_account_key, deduct_when=_sent_mail)
