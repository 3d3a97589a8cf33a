"""The one rendering path for every PDF: a Jinja template → HTML → WeasyPrint → tagged PDF bytes.

Guarantees:
- print CSS and the bundled DejaVu Sans fonts (Latin, Greek, Cyrillic) are embedded; PDF/UA-1, with the
  document title and language set;
- a deny-by-default URL fetcher: only the bundled fonts and print stylesheet under `clinic/static` can be
  loaded; any other URL (http, file, data, CSS url() in user text) fetches nothing and embeds nothing;
- each render runs in a forked child with a memory limit and a deadline, so a pathological input ends in
  a friendly `PdfError` while the worker stays healthy;
- rendered PDFs are kept in a small in-process cache keyed by a hash of the HTML, the settings and the
  *scope* (the user and couple it was made for), so a PDF is never handed to anyone it wasn't made for.

WeasyPrint is imported inside the functions: it costs ~0.4 s and most requests never need it.
"""

import atexit
import gc
import hashlib
import json
import os
import select
import signal
import threading
import time
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from flask import Response, current_app, render_template, request

from clinic.errors import DomainError

STATIC_ROOT = (Path(__file__).resolve().parent / "static").resolve()
PRINT_CSS = STATIC_ROOT / "css" / "print.css"
# Only these files may ever be fetched while rendering.
ALLOWED_FILES = frozenset({PRINT_CSS, *(STATIC_ROOT / "fonts").glob("*.ttf")})
PAPER_SIZES = {"letter": "letter", "a4": "A4"}
PDF_VARIANT = "pdf/ua-1"

MAX_HTML_CHARS = 2_000_000  # far beyond any handout; keeps absurd input from reaching the renderer
RENDER_TIMEOUT_SECONDS = 30
RENDER_MEMORY_BYTES = 1024 * 1024 * 1024  # extra address space a render may use
CACHE_MAX_BYTES = 64 * 1024 * 1024


class PdfError(DomainError):
    """The PDF could not be made; `message` is safe to show to the person who asked for it."""


TOO_BIG = "This document is too long to turn into a PDF. Shorten it and try again."
FAILED = (
    "We couldn't make this PDF just now. Nothing was lost: try again, and if it keeps happening, "
    "shorten any very long text in it."
)


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    etag: str
    from_cache: bool = False


def render_pdf(
    template_name: str, context: dict, *, title: str, lang: str = "en", paper: str = "letter", scope: str = ""
) -> bytes:
    """Render `template_name` with plain-data `context` to PDF bytes (see `build_pdf`)."""
    return build_pdf(template_name, context, title=title, lang=lang, paper=paper, scope=scope).data


def build_pdf(
    template_name: str, context: dict, *, title: str, lang: str = "en", paper: str = "letter", scope: str = ""
) -> RenderedPdf:
    """Render to PDF, or return the cached PDF for identical HTML, settings and scope.

    `scope` names who the PDF is for (e.g. "user:3/couple:7"): the cache key includes it, so a PDF
    rendered for one person is never served to another even when the content is identical.
    Raises PdfError with a friendly message when the input is too large or the render fails.
    """
    paper = paper if paper in PAPER_SIZES else "letter"
    html = render_template(template_name, **context, pdf_title=title, pdf_lang=lang, pdf_paper=paper)
    if len(html) > MAX_HTML_CHARS:
        raise PdfError(TOO_BIG)
    key = cache_key(html, title=title, lang=lang, paper=paper, scope=scope)
    cached = _cache.get(key)
    if cached is not None:
        return RenderedPdf(cached, key, from_cache=True)
    data = _render(html, title=title, lang=lang, paper=paper)
    _cache.put(key, data)
    return RenderedPdf(data, key)


def cache_key(html: str, *, title: str, lang: str, paper: str, scope: str) -> str:
    digest = hashlib.sha256()
    for part in (scope, title, lang, paper, PDF_VARIANT, _assets_version(), html):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def send_pdf(pdf: RenderedPdf, filename: str, *, inline: bool = False) -> Response:
    """A PDF response with an ETag; a matching If-None-Match gets 304 and no body."""
    etag = f'"{pdf.etag}"'
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = Response(status=304)
    else:
        response = Response(pdf.data, mimetype="application/pdf")
        disposition = "inline" if inline else "attachment"
        response.headers["Content-Disposition"] = f'{disposition}; filename="{_safe_filename(filename)}"'
    response.headers["ETag"] = etag
    # Cache-Control stays the app's `no-store` (health data); the ETag serves conditional requests.
    return response


def _safe_filename(name: str) -> str:
    cleaned = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "-" for c in name)
    return (cleaned.strip("-.") or "document")[:80]


# ---------------------------------------------------------------- rendering


def _render(html: str, *, title: str, lang: str, paper: str) -> bytes:
    config = current_app.config
    isolate = config.get("PDF_ISOLATE_RENDERS", True) and hasattr(os, "fork")
    timeout = config.get("PDF_RENDER_TIMEOUT_SECONDS", RENDER_TIMEOUT_SECONDS)
    memory = config.get("PDF_RENDER_MEMORY_BYTES", RENDER_MEMORY_BYTES)
    _prepare()  # import and parse once in the parent, so each child starts warm
    if not isolate:
        return _render_here(html, title=title, lang=lang, paper=paper)
    return _render_in_child(html, title=title, lang=lang, paper=paper, timeout=timeout, memory=memory)


_prepared: dict = {}
_prepare_lock = threading.Lock()
# Drop WeasyPrint's font configuration before interpreter teardown (its __del__ fails late in shutdown).
atexit.register(_prepared.clear)


def _prepare() -> dict:
    """Import WeasyPrint, load the bundled fonts and parse the print stylesheet (once per process)."""
    with _prepare_lock:
        if not _prepared:
            from weasyprint import CSS
            from weasyprint.text.fonts import FontConfiguration

            font_config = FontConfiguration()
            fetcher = _fetcher_class()()
            css = CSS(filename=str(PRINT_CSS), font_config=font_config, url_fetcher=fetcher)
            papers = {
                name: CSS(string=f"@page {{ size: {size}; }}", font_config=font_config, url_fetcher=fetcher)
                for name, size in PAPER_SIZES.items()
            }
            _prepared.update(font_config=font_config, css=css, papers=papers)
    return _prepared


def _render_here(html: str, *, title: str, lang: str, paper: str) -> bytes:
    from weasyprint import HTML

    prepared = _prepare()
    document = HTML(string=html, base_url=STATIC_ROOT.as_uri() + "/", url_fetcher=_fetcher_class()())
    return document.write_pdf(
        stylesheets=[prepared["css"], prepared["papers"][paper]],
        font_config=prepared["font_config"],
        pdf_variant=PDF_VARIANT,
        pdf_tags=True,
        custom_metadata=False,
    )


class _RenderWorker:
    """A forked helper process that renders PDFs one at a time, under a memory limit and a deadline.

    Forking once and reusing the helper keeps renders as fast as in-process ones (a fork per render
    costs ~100 ms of copy-on-write faults), while a runaway render only ever kills the helper: the
    parent notices at the deadline or on EOF, reaps it and forks a fresh one for the next request.
    The helper also exits after MAX_JOBS renders, so its memory can't creep.
    """

    MAX_JOBS = 100

    def __init__(self):
        self.pid = None
        self.owner = None
        self.memory = None
        self.jobs = 0
        self.requests = self.replies = None
        self.lock = threading.Lock()

    def render(self, job: tuple, *, timeout: float, memory: int) -> bytes:
        with self.lock:
            if self.pid is None or self.owner != os.getpid() or self.memory != memory or self.jobs >= self.MAX_JOBS:
                self._stop()
                self._start(memory)
            self.jobs += 1
            try:
                _send_frame(self.requests, json.dumps(job).encode())
                reply = _read_frame(self.replies, time.monotonic() + timeout)
            except (OSError, EOFError, TimeoutError):
                reply = None
            if reply is None or not reply.startswith(b"K"):
                self._stop()  # timed out, ran out of memory or failed: never reuse that helper
                raise PdfError(FAILED)
            return reply[1:]

    def _start(self, memory: int) -> None:
        to_child, from_parent = os.pipe()
        to_parent, from_child = os.pipe()
        # The helper must never finalise objects it inherited (a database connection's finaliser would
        # end the parent's connection): freeze them out of the collector's sight before forking.
        gc.freeze()
        pid = -1
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)  # Python 3.12+ warns about fork with threads
                pid = os.fork()
        finally:
            if pid != 0:
                gc.unfreeze()
        if pid == 0:  # pragma: no cover - the helper's life; it never returns
            _close_inherited_files(keep={0, 1, 2, to_child, from_child})
            try:
                _limit_memory(memory)
                _serve(to_child, from_child, self.MAX_JOBS)
            finally:
                os._exit(0)
        os.close(to_child)
        os.close(from_child)
        self.pid, self.owner, self.memory, self.jobs = pid, os.getpid(), memory, 0
        self.requests, self.replies = from_parent, to_parent

    def _stop(self) -> None:
        if self.pid is not None and self.owner == os.getpid():
            for fd in (self.requests, self.replies):
                try:
                    os.close(fd)
                except OSError:
                    pass
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            _reap(self.pid)
        self.pid = None


def _close_inherited_files(keep: set[int]) -> None:  # pragma: no cover - runs in the helper
    """The helper must not hold the server's listening socket or a test driver's pipes open."""
    for name in os.listdir("/proc/self/fd") if os.path.isdir("/proc/self/fd") else ():
        fd = int(name)
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


_worker = _RenderWorker()
atexit.register(_worker._stop)


def _render_in_child(html: str, *, title: str, lang: str, paper: str, timeout: float, memory: int) -> bytes:
    data = _worker.render((html, title, lang, paper), timeout=timeout, memory=memory)
    if not data.startswith(b"%PDF"):
        raise PdfError(FAILED)
    return data


def _serve(requests: int, replies: int, max_jobs: int) -> None:  # pragma: no cover - runs in the helper
    for _ in range(max_jobs):
        frame = _read_frame(requests, None)
        if frame is None:
            return  # the parent went away
        html, title, lang, paper = json.loads(frame)
        try:
            data = b"K" + _render_here(html, title=title, lang=lang, paper=paper)
        except BaseException:  # noqa: BLE001 - MemoryError included: report, then exit
            _send_frame(replies, b"E")
            return
        _send_frame(replies, data)


def _limit_memory(memory: int) -> None:
    import resource

    limit = _address_space_bytes() + memory
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _address_space_bytes() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 2 * 1024 * 1024 * 1024


def _send_frame(fd: int, payload: bytes) -> None:
    view = memoryview(len(payload).to_bytes(8, "big") + payload)
    while view:
        view = view[os.write(fd, view) :]


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes | None:
    chunks, remaining = [], size
    while remaining:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(remaining, 1024 * 1024))
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _read_frame(fd: int, deadline: float | None) -> bytes | None:
    header = _read_exactly(fd, 8, deadline)
    if header is None:
        return None
    return _read_exactly(fd, int.from_bytes(header, "big"), deadline)


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


# ---------------------------------------------------------------- the URL fetcher

_fetcher_cls = None


def _fetcher_class():
    """A WeasyPrint URLFetcher that serves the allow-listed bundled files and refuses everything else."""
    global _fetcher_cls
    if _fetcher_cls is None:
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        class BundledOnlyFetcher(URLFetcher):
            def fetch(self, url, headers=None):
                path = bundled_path(url)
                if path is None:
                    raise ValueError("blocked: only bundled fonts and stylesheets may be loaded")
                mime = "text/css" if path.suffix == ".css" else "font/ttf"
                return URLFetcherResponse(path.as_uri(), path.read_bytes(), headers={"Content-Type": mime})

        _fetcher_cls = BundledOnlyFetcher
    return _fetcher_cls


def bundled_path(url: str) -> Path | None:
    """The allow-listed bundled file a `file:` URL points at, or None for anything else."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost") or parts.query:
        return None
    try:
        path = Path(unquote(parts.path)).resolve()
    except (OSError, ValueError):
        return None
    return path if path in ALLOWED_FILES else None


# ---------------------------------------------------------------- the cache


def _assets_version() -> str:
    stat = PRINT_CSS.stat() if PRINT_CSS.exists() else None
    return f"{stat.st_mtime_ns}:{stat.st_size}" if stat else "none"


class _PdfCache:
    """A byte-bounded LRU of rendered PDFs, keyed by `cache_key` (which includes the scope)."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            data = self._items.get(key)
            if data is not None:
                self._items.move_to_end(key)
            return data

    def put(self, key: str, data: bytes) -> None:
        if len(data) > self.max_bytes // 4:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = data
            self._size += len(data)
            while self._size > self.max_bytes:
                _, old = self._items.popitem(last=False)
                self._size -= len(old)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0


_cache = _PdfCache(CACHE_MAX_BYTES)


def clear_cache() -> None:
    _cache.clear()
