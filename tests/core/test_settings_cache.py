"""Practice settings are read once per process, not on every request, and a change shows at once."""

from sqlalchemy import event

from clinic.extensions import db
from clinic.settings import clear_settings_cache, edit_practice_settings, get_practice_settings


class Statements:
    def __init__(self):
        self.seen: list[str] = []

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self._add)
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self._add)

    def _add(self, conn, cursor, statement, *args):
        self.seen.append(statement)

    def settings_reads(self) -> int:
        return sum("FROM practice_settings" in s for s in self.seen)


def _read_in_new_request(app):
    with app.app_context(), app.test_request_context():  # a request has its own app context (and `g`)
        return get_practice_settings().practice_name


def test_a_second_request_reads_no_settings_row(app):
    edit_practice_settings().practice_name = "Harbour Street Couples Practice"
    db.session.commit()
    with Statements() as statements:
        first = _read_in_new_request(app)
        second = _read_in_new_request(app)
    assert first == second == "Harbour Street Couples Practice"
    assert statements.settings_reads() == 1


def test_a_committed_change_is_seen_by_the_next_request(app):
    edit_practice_settings().practice_name = "Before"
    db.session.commit()
    assert _read_in_new_request(app) == "Before"
    with app.app_context():
        edit_practice_settings().practice_name = "After"
        db.session.commit()
    assert _read_in_new_request(app) == "After"


def test_a_rolled_back_change_leaves_the_cache_alone(app):
    edit_practice_settings().practice_name = "Kept"
    db.session.commit()
    assert _read_in_new_request(app) == "Kept"
    with app.app_context():
        edit_practice_settings().practice_name = "Abandoned"
        db.session.flush()
        db.session.rollback()
    assert _read_in_new_request(app) == "Kept"


def test_with_no_cache_time_every_request_reads_the_row(make_app):
    app = make_app(SETTINGS_CACHE_SECONDS=0)
    with app.app_context():
        clear_settings_cache()
        with Statements() as statements:
            _read_in_new_request(app)
            _read_in_new_request(app)
        assert statements.settings_reads() == 2


def test_defaults_are_answered_without_writing_when_no_row_exists(app):
    with Statements() as statements:
        name = _read_in_new_request(app)
    assert name == "Our practice"
    assert not any(s.lstrip().upper().startswith("INSERT") for s in statements.seen)
