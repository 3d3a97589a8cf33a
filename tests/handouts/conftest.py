import pytest

from clinic.pdf import clear_cache


@pytest.fixture(autouse=True)
def _fresh_pdf_cache():
    clear_cache()
    yield
    clear_cache()


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
