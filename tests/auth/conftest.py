"""Fixtures for these tests: extra apps close their connections."""

from tests.security.appfix import _close_setup_connections, make_app  # noqa: F401
