"""Fixtures for these tests: extra apps close their connections; leaked ones are collected quietly."""

import pytest

from tests.security.appfix import _close_setup_connections, _collect_quietly, make_app  # noqa: F401


@pytest.fixture(autouse=True)
def _collect_after_each_test():
    yield
    _collect_quietly()
