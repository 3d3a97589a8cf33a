"""Helpers for tests that need a real sign-in (password, and the second factor)."""

import re

import pyotp

from tests.factories import PASSWORD


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return match.group(1) if match else ""


def sign_in(client, email, password=PASSWORD, next_url=None, **extra):
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password, **extra})


def current_code(secret: str, offset_steps: int = 0) -> str:
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(__import__("time").time()) + offset_steps)


def session_cookie(client) -> str | None:
    cookie = client.get_cookie("clinic_session", domain="clinic.test")
    return cookie.value if cookie else None


def replay(app, cookie_value: str, path: str = "/account"):
    """A fresh client presenting an old session cookie."""
    other = app.test_client()
    other.set_cookie("clinic_session", cookie_value, domain="clinic.test")
    return other.get(path)


def set_require_totp(value: bool) -> None:
    from clinic.extensions import db
    from clinic.settings import edit_practice_settings

    edit_practice_settings().require_totp = value
    db.session.commit()
