"""Each audit test has its own checkpoint file."""

import pytest


@pytest.fixture(autouse=True)
def audit_checkpoint(tmp_path, monkeypatch):
    """Apps built in these tests keep the audit head checkpoint in a fresh file outside the database."""
    path = tmp_path / "audit_head.json"
    monkeypatch.setenv("CLINIC_AUDIT_CHECKPOINT_PATH", str(path))
    return path
