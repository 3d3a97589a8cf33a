"""Local fixture override: apps built for a test release their database connections afterwards.

Without it, on PostgreSQL each test's engine is left to the garbage collector, whose ResourceWarning
("connection deleted while still open") then fails a random later test under filterwarnings=error.
The same change belongs in tests/conftest.py (see the measures report); this keeps our folder green.
"""

import pytest

from clinic import create_app
from clinic.extensions import db
from tests.conftest import RequestIsolatingClient


@pytest.fixture
def make_app(base_config):
    created = []

    def factory(**overrides):
        application = create_app({**base_config, **overrides})
        application.test_client_class = RequestIsolatingClient
        created.append(application)
        return application

    yield factory
    for application in created:
        with application.app_context():
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()
