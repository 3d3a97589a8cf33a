"""No clinical text in a URL (issue 19, item 4).

URLs land in access logs, proxy logs and browser history. Every GET route of the matrix is crawled by
every role (with every GET form the pages offer) while each read of the query string is recorded: a
parameter read through a form must be a typed field (a choice, number, date or switch), one read
directly must be one of the few typed names below. Free text travels only in a POST body with CSRF.
"""

import pytest
import wtforms
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.utils import cached_property

from tests.security.crawl import ROLE_ACTORS, all_specs, client_for, crawl, populate_everything

# Parameters read without a form; each is checked or parsed as a typed value where it is used.
TYPED_PARAMETERS = {
    "next": "a same-site path (safe_next_url)",
    "paper": "a paper-size choice",
    "page": "a page number",
    "finished": "a yes/no switch",
    "exercise_id": "a record id (digits only)",
    "therapy_session_id": "a record id (digits only)",
    "d": "a calendar date, YYYY-MM-DD (the schedule's day or week; no value: today; anything else: 404)",
    "download": "a switch (the Outbox's .eml download: only the value 1 is read)",
}
FREE_TEXT_FIELDS = (wtforms.StringField, wtforms.TextAreaField)  # SearchField, EmailField… derive from these
_reads: list = []
_in_form: list = []


class RecordingArgs(ImmutableMultiDict):
    def _note(self, key):
        _reads.append(("form" if _in_form else "direct", key, _in_form[-1] if _in_form else None))

    def get(self, key, default=None, type=None):  # noqa: A002 - werkzeug's name
        self._note(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        self._note(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)


class RecordingRequest(Request):
    @cached_property
    def args(self):
        return RecordingArgs(super().args)


@pytest.fixture
def recording(app, monkeypatch):
    original = wtforms.Field.process

    def process(field, formdata, *args, **kwargs):
        recorded = isinstance(formdata, RecordingArgs)
        if recorded:
            _in_form.append(type(field))
        try:
            return original(field, formdata, *args, **kwargs)
        finally:
            if recorded:
                _in_form.pop()

    monkeypatch.setattr(wtforms.Field, "process", process)
    monkeypatch.setattr(app, "request_class", RecordingRequest)
    _reads.clear()
    yield _reads
    _reads.clear()


def test_no_get_route_reads_a_free_text_parameter(app, world, recording):
    populate_everything(world)
    start_paths = sorted({spec.url(world) for spec in all_specs() if spec.method == "GET"})
    for actor in ROLE_ACTORS:
        crawl(client_for(app, world, actor), "/", start_paths=start_paths, pdf_text=False, per_pattern=2)
    assert recording, "the walk must see the query string being read"
    problems = set()
    for how, key, field_type in recording:
        if how == "form" and issubclass(field_type, FREE_TEXT_FIELDS):
            problems.add(f"{key}: a free-text form field ({field_type.__name__}) read from the query string")
        elif how == "direct" and key not in TYPED_PARAMETERS:
            problems.add(f"{key}: read from the query string and not known to be typed")
    print(f"\nquery parameters read: {sorted({key for _, key, _ in recording})}")
    assert not problems, "\n".join(sorted(problems))
