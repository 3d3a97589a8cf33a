import pytest

from clinic.extensions import db
from clinic.settings import clear_settings_cache
from tests.conftest import _empty_tables
from tests.mail.conftest import smtp_server  # noqa: F401 - the real SMTP server fixture


@pytest.fixture
def app(make_app, smtp_server):  # noqa: F811
    """The usual test app, sending through the test's SMTP server."""
    application = make_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_TIMEOUT=5)
    clear_settings_cache()
    with application.app_context():
        yield application
        db.session.remove()
        _empty_tables()
        db.engine.dispose()
