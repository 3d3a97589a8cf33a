"""Generic helpers for the proof tests: the full world, page crawling, form discovery, DB snapshots.

Nothing here names a domain: routes come from app.url_map and the access_spec.py files, forms from
the pages themselves, so routes added later are covered automatically.
"""

import dataclasses
import hashlib
import importlib
import pathlib
import re
import subprocess
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select, text

from clinic.extensions import db
from tests.access.matrix import ACTORS, RouteSpec
from tests.conftest import login_as

TESTS_DIR = pathlib.Path(__file__).resolve().parent.parent
ROLE_ACTORS = ACTORS


def spec_modules():
    for path in sorted(TESTS_DIR.glob("*/access_spec.py")):
        yield importlib.import_module(f"tests.{path.parent.name}.access_spec")


def all_specs() -> list[RouteSpec]:
    return [spec for module in spec_modules() for spec in module.SPECS]


def populate_everything(world, *, mirror=True) -> list[str]:
    """Run every domain's populate(world) (and once more for the other couple); returns problems."""
    problems = []
    worlds = [world]
    if mirror:
        worlds.append(
            dataclasses.replace(
                world,
                therapist=world.other_therapist,
                other_therapist=world.therapist,
                couple=world.other_couple,
                other_couple=world.couple,
                extra={},
            )
        )
    for target in worlds:
        for module in spec_modules():
            if not hasattr(module, "populate"):
                continue
            nested = db.session.begin_nested()
            try:
                module.populate(target)
                nested.commit()
            except Exception as error:  # noqa: BLE001 - a domain in progress must not hide the others
                nested.rollback()
                problems.append(f"{module.__name__}.populate: {error!r}"[:200])
    world.extra["mirror"] = worlds[-1].extra if mirror else {}
    db.session.commit()
    return problems


def client_for(app, world, actor):
    client = app.test_client()
    user = world.actor(actor)
    if user is not None:
        login_as(client, user)
    return client


class _LoginId:
    def __init__(self, login_id, user_id):
        self.login_id, self.id = login_id, user_id

    def get_id(self):
        return self.login_id


def login_ids(world) -> dict:
    """Each actor's login id, read now, so that signing in later touches no ORM object (SQLite locks)."""
    ids = {}
    for actor in ROLE_ACTORS:
        user = world.actor(actor)
        ids[actor] = None if user is None else _LoginId(user.get_id(), user.id)
    return ids


def detached_client(app, ids, actor):
    client = app.test_client()
    if ids[actor] is not None:
        login_as(client, ids[actor])
    return client


# ---------------------------------------------------------------- HTML parsing


@dataclasses.dataclass
class Field:
    name: str
    kind: str  # text, textarea, select, checkbox, radio, hidden, number, date, email, password, ...
    value: str = ""
    options: list = dataclasses.field(default_factory=list)
    checked: bool = False


@dataclasses.dataclass
class Form:
    page: str
    action: str
    method: str
    fields: list

    def defaults(self) -> dict:
        data: dict = {}
        for field in self.fields:
            if field.kind in ("checkbox", "radio"):
                if field.checked:
                    data.setdefault(field.name, field.value or "y")
                continue
            if field.kind == "select":
                data.setdefault(field.name, field.value or (field.options[0] if field.options else ""))
                continue
            if field.kind in ("submit", "button", "image", "reset", "file"):
                continue
            data.setdefault(field.name, field.value)
        for field in self.fields:  # radio groups with nothing checked: the first choice
            if field.kind == "radio" and field.name not in data:
                data[field.name] = field.value
        return data

    @property
    def text_fields(self) -> list[str]:
        return sorted(
            {
                f.name
                for f in self.fields
                if f.kind in ("text", "textarea", "search", "email", "url", "")
                and f.name not in ("csrf_token", "username", "form_token")
            }
        )

    @property
    def key(self) -> tuple:
        return (self.method, normalise_path(self.action), tuple(sorted({f.name for f in self.fields})))


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.forms = [], []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {"action": a.get("action", ""), "method": (a.get("method") or "get").upper(), "fields": []}
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            self._form["fields"].append(
                Field(a["name"], kind, a.get("value", "y" if kind == "checkbox" else ""), checked="checked" in a)
            )
        elif tag == "textarea" and a.get("name"):
            self._textarea = Field(a["name"], "textarea", "")
            self._form["fields"].append(self._textarea)
        elif tag == "select" and a.get("name"):
            self._select = Field(a["name"], "select", "")
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select.options.append(value)
            if "selected" in a:
                self._select.value = value
        elif tag == "button" and a.get("name"):
            self._form["fields"].append(Field(a["name"], "button-value", a.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def parse_page(url: str, html: str) -> tuple[list[str], list[Form]]:
    parser = _PageParser()
    parser.feed(html)
    links = [urljoin(url, href) for href in parser.links]
    forms = [Form(url, urljoin(url, f["action"] or url), f["method"], f["fields"]) for f in parser.forms]
    return links, forms


def same_site_path(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "clinic.test", "localhost"):
        return None
    path = parts.path or "/"
    return path + (f"?{parts.query}" if parts.query else "")


def normalise_path(url: str) -> str:
    path = urlsplit(url).path
    return re.sub(r"/\d+(?=/|$)", "/<n>", path)


# ---------------------------------------------------------------- crawling

SKIP_PATHS = ("/static/", "/logout", "/exit")  # /exit is the quick exit: it signs the crawler out


@dataclasses.dataclass
class CrawlResult:
    pages: dict  # path -> (status, content type, text)
    forms: list
    errors: list


def crawl(client, start="/", *, limit=400, per_pattern=6, pdf_text=True, start_paths=()) -> CrawlResult:
    """Follow every same-site link and GET form from `start`; collect pages (PDFs as text) and forms.

    Pages with the same shape (ids replaced by <n>) are visited at most `per_pattern` times, so long
    lists do not explode the crawl.
    """
    queue = deque([start, *start_paths])
    seen, pattern_count = set(), {}
    pages, forms, errors = {}, {}, []
    while queue and len(pages) < limit:
        path = queue.popleft()
        if path in seen or any(path.startswith(s) for s in SKIP_PATHS):
            continue
        seen.add(path)
        pattern = normalise_path(path) + ("?" if "?" in path else "")
        pattern_count[pattern] = pattern_count.get(pattern, 0) + 1
        if pattern_count[pattern] > per_pattern:
            continue
        response = client.get(path)
        body = response.get_data()
        ctype = response.headers.get("Content-Type", "")
        if response.status_code >= 500:
            errors.append(f"{response.status_code} GET {path}")
        if response.status_code in (301, 302, 303, 307, 308):
            target = same_site_path(response.headers.get("Location", ""))
            if target:
                queue.append(target)
            pages[path] = (response.status_code, ctype, "")
            continue
        if "pdf" in ctype:
            pages[path] = (response.status_code, ctype, pdf_to_text(body) if pdf_text else "")
            continue
        textual = body.decode("utf-8", "replace")
        pages[path] = (response.status_code, ctype, textual)
        if "html" not in ctype:
            continue
        links, page_forms = parse_page("http://clinic.test" + path, textual)
        for link in links:
            target = same_site_path(link)
            if target and target not in seen:
                queue.append(target)
        for form in page_forms:
            if form.method == "GET":
                target = same_site_path(form.action)
                if target:
                    query = "&".join(f"{k}={v}" for k, v in form.defaults().items() if v)
                    queue.append(target.split("?")[0] + (f"?{query}" if query else ""))
            forms.setdefault(form.key, form)
    return CrawlResult(pages, list(forms.values()), errors)


def pdf_to_text(data: bytes) -> str:
    try:
        result = subprocess.run(["pdftotext", "-q", "-", "-"], input=data, capture_output=True, timeout=60, check=False)
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return data.decode("latin-1")
    return result.stdout.decode("utf-8", "replace")


# ---------------------------------------------------------------- database snapshots

IGNORED_TABLES = {"audit_event", "audit_chain_head", "submission_token", "pending_submission"}


def fingerprint(exclude=IGNORED_TABLES) -> dict:
    """A digest of every row of every table (except bookkeeping ones), to prove nothing changed."""
    digests = {}
    for table in db.metadata.sorted_tables:
        if table.name in exclude:
            continue
        key_columns = list(table.primary_key.columns) or list(table.columns)
        rows = db.session.execute(select(table).order_by(*key_columns)).all()
        digests[table.name] = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
    return digests


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(name for name in before if before[name] != after.get(name))


def text_columns():
    """(table, column) pairs holding free text: Text columns and long strings, for planting markers."""
    from sqlalchemy import String, Text

    for table in db.metadata.sorted_tables:
        if table.name in IGNORED_TABLES | {"user"}:
            continue
        for column in table.columns:
            if isinstance(column.type, Text) or (
                isinstance(column.type, String) and (column.type.length or 0) >= 100 and not column.foreign_keys
            ):
                yield table, column


def primary_key_value(row, table):
    return tuple(getattr(row, c.name) for c in table.primary_key.columns)


def dialect() -> str:
    return db.session.get_bind().dialect.name


def integrity_ok() -> bool:
    if dialect() == "sqlite":
        return db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    return True


def model_for_table(name):
    for mapper in db.Model.registry.mappers:
        if mapper.local_table is not None and mapper.local_table.name == name:
            return mapper.class_
    return None


__all__ = ["sa_inspect"]


# ---------------------------------------------------------------- forms to submit

FORM_ACTORS = ("therapist", "partner_a", "partner_b", "admin")
# Forms that would sign the crawling actor out or lock the test world's accounts.
UNSAFE_ACTIONS = re.compile(
    r"/logout(/everywhere)?$|/(deactivate|end_sessions|reset-2fa|remove_admin)$|/session/keepalive$"
)


def discover_post_forms(app, world, actors=FORM_ACTORS) -> list[tuple[str, Form]]:
    """Every distinct POST form each actor can reach by crawling, except the sign-out style ones."""
    start_paths = sorted({spec.url(world) for spec in all_specs() if spec.method == "GET"})
    found, keys = [], set()
    for actor in actors:
        result = crawl(client_for(app, world, actor), "/", start_paths=start_paths, pdf_text=False, per_pattern=3)
        for form in result.forms:
            if form.method != "POST" or UNSAFE_ACTIONS.search(urlsplit(form.action).path):
                continue
            key = (actor, *form.key)
            if key not in keys:
                keys.add(key)
                found.append((actor, form))
    return found


def submit(client, form: Form, data: dict):
    path = same_site_path(form.action) or form.page
    return client.post(path, data=data)
