"""The embedded mail backend: each message becomes an `.eml` file in `instance/outbox/` (folder 0700,
files 0600), listed on the administrator's Outbox page. Production sets `CLINIC_MAIL_BACKEND=smtp`.
"""

import email
import email.policy
import os
import secrets
from pathlib import Path

from flask import current_app
from flask_mailman.backends.base import BaseEmailBackend

NAME_SUFFIX = ".eml"


def outbox_folder() -> Path:
    folder = Path(current_app.config.get("MAIL_FILE_PATH") or Path(current_app.instance_path) / "outbox")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    return folder


def is_outbox_backend() -> bool:
    return str(current_app.config.get("MAIL_BACKEND") or "") == f"{__name__}.EmailBackend"


class EmailBackend(BaseEmailBackend):
    """Writes each message to its own file, named by `message.outbox_name` (set by the sender)."""

    def send_messages(self, email_messages) -> int:
        folder = outbox_folder()
        for message in email_messages:
            name = getattr(message, "outbox_name", "") or f"{secrets.token_hex(8)}{NAME_SUFFIX}"
            descriptor = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(message.message().as_bytes())
        return len(email_messages)


def read_message(name: str) -> bytes | None:
    """The bytes of one outbox file, or None for a name that isn't one (no path tricks)."""
    if not name.endswith(NAME_SUFFIX) or "/" in name or "\\" in name or name.startswith("."):
        return None
    path = outbox_folder() / name
    return path.read_bytes() if path.is_file() else None


def text_part(raw: bytes) -> str:
    """The plain-text part of a stored message, for reading it on the Outbox page."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""
