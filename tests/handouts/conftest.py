import gc
import warnings

import pytest

from clinic.pdf import clear_cache


@pytest.fixture(autouse=True)
def _fresh_pdf_cache():
    clear_cache()
    yield
    clear_cache()
    # Each test's app leaves a pooled database connection behind (tests/conftest.py builds an app per
    # test and never disposes its engine); on PostgreSQL psycopg warns when such a connection is
    # garbage-collected, which `filterwarnings = error` turns into a failure of whichever test is
    # running then. Collect them here, quietly, after the app fixture has been torn down.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.fixture
def named_couple(world):
    """The world's couple with realistic (fictional) names and a practice with local resources."""
    from clinic.extensions import db
    from clinic.settings import edit_practice_settings

    couple = world.couple
    couple.partner("a").name = "Alex Rivera"
    couple.partner("b").name = "Jordan Chen"
    settings = edit_practice_settings()
    settings.practice_name = "Harbour Lane Couples Practice"
    settings.contact_line = "12 Harbour Lane · 555-0142"
    settings.crisis_resources = "Harbour County Crisis Line: 555-0199, day and night"
    db.session.commit()
    return couple
