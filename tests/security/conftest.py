"""Leaked connections are collected after each security test, quietly."""

import pytest

from tests.conftest import collect_quietly


@pytest.fixture(autouse=True)
def _collect_after_each_test():
    yield
    collect_quietly()
