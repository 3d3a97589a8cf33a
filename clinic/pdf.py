"""The one rendering path for every PDF: a Jinja template → HTML → WeasyPrint → tagged PDF bytes.

Guarantees:
- print CSS and the bundled DejaVu Sans fonts (Latin, Greek, Cyrillic) are embedded; PDF/UA-1, with the
  document title and language set;
- a deny-by-default URL fetcher: only the bundled fonts and print stylesheet under `clinic/static` can be
  loaded; any other URL (http, file, data, CSS url() in user text) fetches nothing and embeds nothing;
- renders run in a `ProcessPoolExecutor` of warm worker processes (forkserver: they inherit no
  sockets, database connections or threads), each under an address-space cap and recycled after
  `MAX_RENDERS_PER_WORKER` renders; a render past its deadline or out of memory ends in a friendly
  `PdfError` and the pool is replaced (`PDF_ISOLATE_RENDERS = False` renders in-process instead);
- rendered PDFs are kept in a small in-process cache keyed by a hash of the HTML, the settings and the
  *scope* (the user and couple it was made for), so a PDF is never handed to anyone it wasn't made for.

WeasyPrint is imported inside the functions: it costs ~0.4 s and most requests never need it.
"""

import atexit
import functools
import hashlib
import multiprocessing
import os
import threading
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, render_template, request

from clinic.errors import DomainError
from clinic.phones import plain_for_print

STATIC_ROOT = (Path(__file__).resolve().parent / "static").resolve()
PRINT_CSS = STATIC_ROOT / "css" / "print.css"
# Only these files may ever be fetched while rendering.
ALLOWED_FILES = frozenset({PRINT_CSS, *(STATIC_ROOT / "fonts").glob("*.ttf")})
PAPER_SIZES = {"letter": "letter", "a4": "A4"}
PDF_VARIANT = "pdf/ua-1"

MAX_HTML_CHARS = 2_000_000  # far beyond any handout; keeps absurd input from reaching the renderer
# Defaults for the PDF_* config keys of the same names.
RENDER_TIMEOUT_SECONDS = 30
RENDER_MEMORY_BYTES = 1024 * 1024 * 1024  # extra address space a worker may use after warming up
RENDER_WORKERS = 2
MAX_RENDERS_PER_WORKER = 100  # then the worker is replaced, so its memory can't creep
CACHE_MAX_BYTES = 64 * 1024 * 1024
Context = dict[str, Any]
WARM_UP_HTML = '<!doctype html><html lang="en"><head><title>warm-up</title></head><body><p>Aa Ωω Жж</p></body></html>'


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
    template_name: str, context: Context, *, title: str, lang: str = "en", paper: str = "letter", scope: str = ""
) -> bytes:
    """Render `template_name` with plain-data `context` to PDF bytes (see `build_pdf`)."""
    return build_pdf(template_name, context, title=title, lang=lang, paper=paper, scope=scope).data


def build_pdf(
    template_name: str, context: Context, *, title: str, lang: str = "en", paper: str = "letter", scope: str = ""
) -> RenderedPdf:
    """Render to PDF, or return the cached PDF for identical HTML, settings and scope.

    `scope` names who the PDF is for (e.g. "user:3/couple:7"): the cache key includes it, so a PDF
    rendered for one person is never served to another even when the content is identical.
    Raises PdfError with a friendly message when the input is too large or the render fails.
    """
    paper = paper if paper in PAPER_SIZES else "letter"
    html = render_template(template_name, **context, pdf_title=title, pdf_lang=lang, pdf_paper=paper)
    html = plain_for_print(html)  # phone numbers print as text: tap-to-call links are for screens
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


def ascii_slug(text: str) -> str:
    """`text` transliterated where Unicode allows (Zoë → Zoe) and cut down to letters, digits and
    hyphens; empty for text written only in a non-Latin script."""
    import re
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")


def pdf_filename(*parts: str, on: Any = None, ext: str = "pdf") -> str:
    """A meaningful, ASCII-safe download name: `Rivera-Chen-handout-understanding-fears-2026-12-01.pdf`.

    Each part goes through `ascii_slug`; parts left empty are skipped; `on` (a date) ends the name.
    The stem is at most 100 characters.
    """
    stem = "-".join(word for word in map(ascii_slug, parts) if word)[:100].strip("-") or "document"
    if on is not None:
        stem = f"{stem}-{on:%Y-%m-%d}"
    return f"{stem}.{ext}"


def _safe_filename(name: str) -> str:
    cleaned = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "-" for c in name)
    return (cleaned.strip("-.") or "document")[:120]


# ---------------------------------------------------------------- rendering


def _render(html: str, *, title: str, lang: str, paper: str) -> bytes:
    config = current_app.config
    if not config.get("PDF_ISOLATE_RENDERS", True):
        return _render_here(html, title=title, lang=lang, paper=paper)
    data = _pool.render(
        (html, title, lang, paper),
        timeout=config.get("PDF_RENDER_TIMEOUT_SECONDS", RENDER_TIMEOUT_SECONDS),
        memory=config.get("PDF_RENDER_MEMORY_BYTES", RENDER_MEMORY_BYTES),
        workers=config.get("PDF_RENDER_WORKERS", RENDER_WORKERS),
    )
    if not data.startswith(b"%PDF"):
        raise PdfError(FAILED)
    return data


@functools.cache
def _prepare() -> dict[str, Any]:
    """Import WeasyPrint, load the bundled fonts and parse the print stylesheet (once per process)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    fetcher = _fetcher_class()()
    css = CSS(filename=str(PRINT_CSS), font_config=font_config, url_fetcher=fetcher)
    papers = {
        name: CSS(string=f"@page {{ size: {size}; }}", font_config=font_config, url_fetcher=fetcher)
        for name, size in PAPER_SIZES.items()
    }
    return {"font_config": font_config, "css": css, "papers": papers}


# Drop WeasyPrint's font configuration before interpreter teardown (its __del__ fails late in shutdown).
atexit.register(_prepare.cache_clear)


def _render_here(html: str, title: str, lang: str, paper: str) -> bytes:
    from weasyprint import HTML

    prepared = _prepare()
    document = HTML(string=html, base_url=STATIC_ROOT.as_uri() + "/", url_fetcher=_fetcher_class()())
    options = {"font_config": prepared["font_config"], "pdf_variant": PDF_VARIANT, "pdf_tags": True}
    stylesheets = [prepared["css"], prepared["papers"][paper]]
    return document.write_pdf(stylesheets=stylesheets, custom_metadata=False, **options)


def _start_worker(memory: int) -> None:  # pragma: no cover - runs in the worker process
    """Pool initializer: warm WeasyPrint (import, fonts, stylesheet, one tiny render), then cap memory."""
    import resource

    _render_here(WARM_UP_HTML, "warm-up", "en", "letter")
    limit = _address_space_bytes() + memory
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _address_space_bytes() -> int:
    """This process's virtual size now (Linux); a worker's cap is this plus the budget."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 2 * 1024 * 1024 * 1024


class _RenderPool:
    """One ProcessPoolExecutor per app process, rebuilt when its settings change or a render fails.

    A render past its deadline, out of memory or otherwise failed: the whole pool is killed and
    discarded (a stuck worker can't be cancelled), and the next render starts a fresh one.
    """

    def __init__(self) -> None:
        self._executor: ProcessPoolExecutor | None = None
        self._settings: tuple[int, int, int] | None = None  # (owner pid, memory, workers)
        self._lock = threading.Lock()

    def render(self, job: tuple[str, str, str, str], *, timeout: float, memory: int, workers: int) -> bytes:
        executor = self._get((os.getpid(), memory, workers))
        try:
            data: bytes = executor.submit(_render_here, *job).result(timeout=timeout)
        except Exception as error:  # noqa: BLE001 - deadline, memory, a dead worker or WeasyPrint itself
            self._discard(executor)  # never reuse a worker that failed: its state is unknown
            current_app.logger.warning("PDF render failed (%s); render pool replaced", type(error).__name__)
            raise PdfError(FAILED) from None
        return data

    def _get(self, settings: tuple[int, int, int]) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None or self._settings != settings:
                if self._executor is not None and self._settings and self._settings[0] == os.getpid():
                    self._executor.shutdown(wait=False)  # settings changed: let its renders finish
                self._executor, self._settings = _new_executor(memory=settings[1], workers=settings[2]), settings
            return self._executor

    def _discard(self, executor: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is executor:
                self._executor = None
        # Python 3.11 has no public way to stop a busy worker (3.14 adds kill_workers()).
        for process in list((executor._processes or {}).values()):
            process.kill()
        executor.shutdown(wait=False, cancel_futures=True)


def _new_executor(*, memory: int, workers: int) -> ProcessPoolExecutor:
    context = multiprocessing.get_context("forkserver")
    # The fork server imports these once; each worker forked from it starts with WeasyPrint loaded.
    context.set_forkserver_preload(["clinic.pdf", "weasyprint"])
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(memory,),
        max_tasks_per_child=MAX_RENDERS_PER_WORKER,
    )


_pool = _RenderPool()  # at exit, concurrent.futures itself stops the workers


def init_app(app: Flask) -> None:
    """Warm the render pool on a server process's first request, so the first PDF is as fast as the
    tenth (one-off `flask` commands never start it). `PDF_WARM_AT_START=false` turns it off."""
    if not app.config.get("PDF_WARM_AT_START", not app.testing) or not app.config.get("PDF_ISOLATE_RENDERS", True):
        return
    started = threading.Event()

    @app.before_request
    def _warm_once() -> None:
        if started.is_set():
            return
        started.set()
        config = app.config
        settings = (
            os.getpid(),
            config.get("PDF_RENDER_MEMORY_BYTES", RENDER_MEMORY_BYTES),
            config.get("PDF_RENDER_WORKERS", RENDER_WORKERS),
        )
        threading.Thread(target=_warm, args=(settings,), name="pdf-warm-up", daemon=True).start()


def warm_up(app: Flask) -> None:
    """Start every render worker now and wait for them (gunicorn's `post_worker_init` calls this, see
    deploy/gunicorn.conf.py), so a server answers its first PDF as fast as its tenth."""
    config = app.config
    if config.get("PDF_ISOLATE_RENDERS", True):
        memory = config.get("PDF_RENDER_MEMORY_BYTES", RENDER_MEMORY_BYTES)
        _warm((os.getpid(), memory, config.get("PDF_RENDER_WORKERS", RENDER_WORKERS)))
    with app.app_context():
        _prepare_templates(app)


def _prepare_templates(app: Flask) -> None:
    """Compile the print templates in this process too (the first handout would pay for it)."""
    for name in app.jinja_env.list_templates(filter_func=lambda n: n.startswith("pdf/")):
        app.jinja_env.get_template(name)


def _warm(settings: tuple[int, int, int]) -> None:
    """Start every worker of the pool now (each renders a tiny document as it starts)."""
    executor = _pool._get(settings)
    for future in [executor.submit(len, "warm") for _ in range(settings[2])]:
        future.result(timeout=60)


# ---------------------------------------------------------------- the URL fetcher


@functools.cache
def _fetcher_class() -> type[Any]:
    """A WeasyPrint URLFetcher that serves the allow-listed bundled files and refuses everything else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class BundledOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            path = bundled_path(url)
            if path is None:
                raise ValueError("blocked: only bundled fonts and stylesheets may be loaded")
            mime = "text/css" if path.suffix == ".css" else "font/ttf"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), headers={"Content-Type": mime})

    return BundledOnlyFetcher


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

    def __init__(self, max_bytes: int) -> None:
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
