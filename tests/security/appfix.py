"""A `make_app` that closes the database connections of every app it built (PostgreSQL warns otherwise)."""

import gc
import warnings

import pytest

from clinic.extensions import db


def _collect_quietly():
    """Collect connections leaked by apps built elsewhere now, rather than at a random moment inside a
    test, where their ResourceWarning would fail that test under `filterwarnings = error`."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.fixture
def make_app(make_app):  # noqa: F811 - wraps the suite's fixture of the same name
    built = []

    def factory(**overrides):
        application = make_app(**overrides)
        built.append(application)
        return application

    yield factory
    for application in built:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
    _collect_quietly()


@pytest.fixture(scope="session", autouse=True)
def _close_setup_connections(base_config):
    _collect_quietly()
